"""Formatters: small functions from a finished Report to text (or bytes).

Each format registers one function `render(report, **options) -> str | bytes`; the command
line looks formats up here by name, so adding one is adding a module and a line below.
"""
from __future__ import annotations

from importlib import import_module

FORMATS = {
    "text": "specaudit.render.text",
    "json": "specaudit.render.json_format",
    "sarif": "specaudit.render.sarif",
    "junit": "specaudit.render.junit",
    "github": "specaudit.render.github",
    "html": "specaudit.render.html",
    "markdown": "specaudit.render.markdown",
    "csv": "specaudit.render.csv_format",
    "xlsx": "specaudit.render.xlsx",
}
DEFAULT_EXTENSIONS = {"text": "txt", "json": "json"}
DEFAULT_EXTENSIONS.update({"sarif": "sarif", "junit": "xml", "github": "txt"})
DEFAULT_EXTENSIONS.update({"html": "html", "markdown": "md", "csv": "csv", "xlsx": "xlsx"})


def renderer(name: str):
    try:
        module = FORMATS[name]
    except KeyError:
        raise ValueError(f"unknown format {name!r}; choose from {', '.join(sorted(FORMATS))}") from None
    return import_module(module).render
