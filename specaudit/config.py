"""Project configuration: specaudit.yaml or [tool.specaudit] in pyproject.toml.

Found by walking up from the working directory; command-line flags override it. Every key is
declared once below with its type and default, and validated in one place: an unknown key or
a wrong type is an error naming the key and the file.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import InputError
from .findings import FAIL_LEVELS

CONFIG_NAMES = ("specaudit.yaml", ".specaudit.yaml", "specaudit.yml")

# key: (type or tuple of types, default, help)
SCHEMA: dict[str, tuple[type | tuple, object, str]] = {
    "spec": (list, ["specs"], "spec tables or folders (relative to the config file)"),
    "claims": (list, ["claims"], "copy files or folders to audit"),
    "lexicon": (list, [], "extra lexicon files that extend the built-in pack"),
    "trim_aliases": (dict, {}, "model (or '*') -> {alias: [trim column, ...]}"),
    "fuzzy": (bool, True, "run the fuzzy matching pass for typos"),
    "fuzzy_threshold": ((int, float), 0, "lowest fuzzy score (0-100) that counts as a mention"),
    "fail_on": (str, "error", "error | warning | info | never"),
    "formats": (list, ["text", "json"], "output formats of `specaudit audit`"),
    "output_dir": (str, "reports", "where machine formats are written"),
    "severities": (dict, {}, "verdict -> severity overrides"),
}


@dataclass(frozen=True)
class Config:
    values: dict = field(default_factory=dict)
    path: Path | None = None

    @property
    def root(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    def get(self, key: str):
        return self.values.get(key, SCHEMA[key][1])

    def paths(self, key: str) -> list[str]:
        """Path-valued keys, resolved against the config file's folder."""
        out = []
        for p in self.get(key):
            path = Path(p)
            out.append(str(path if path.is_absolute() or self.path is None else self._rel(self.root / path)))
        return out

    @staticmethod
    def _rel(p: Path) -> Path:
        try:
            return p.relative_to(Path.cwd())
        except ValueError:
            return p


def find_config(start: Path | None = None) -> Path | None:
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        for name in CONFIG_NAMES:
            if (folder / name).is_file():
                return folder / name
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            try:
                data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, OSError):
                continue
            if "specaudit" in data.get("tool", {}):
                return pyproject
    return None


def load_config(path: Path | None = None, *, discover: bool = True) -> Config:
    if path is None and discover:
        path = find_config()
    if path is None:
        return Config()
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read config: {exc.strerror or exc}", str(path)) from None
    if path.name == "pyproject.toml":
        try:
            data = tomllib.loads(text).get("tool", {}).get("specaudit", {})
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"malformed TOML: {exc}", str(path)) from None
    else:
        try:
            data = yaml.safe_load(text) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise InputError(f"malformed YAML: {getattr(exc, 'problem', exc)}", str(path),
                             f"line {mark.line + 1}" if mark else None) from None
    if not isinstance(data, dict):
        raise InputError("the configuration must be a mapping of keys to values", str(path))
    return Config(validate(data, str(path)), path)


def validate(data: dict, source: str) -> dict:
    out = {}
    for key, value in data.items():
        if key not in SCHEMA:
            raise InputError(f"unknown key {key!r} (known: {', '.join(sorted(SCHEMA))})", source, f"key {key}")
        typ, _default, _help = SCHEMA[key]
        if typ is list and isinstance(value, str):
            value = [value]
        if not isinstance(value, typ) or (typ is not bool and isinstance(value, bool)):
            expected = typ.__name__ if isinstance(typ, type) else " or ".join(t.__name__ for t in typ)
            raise InputError(f"key {key!r} must be a {expected}, not {type(value).__name__}", source, f"key {key}")
        out[key] = value
    if out.get("fail_on", "error") not in FAIL_LEVELS:
        raise InputError(f"fail_on must be one of {', '.join(FAIL_LEVELS)}", source, "key fail_on")
    return out
