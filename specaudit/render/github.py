"""GitHub Actions workflow commands: one annotation per finding that is not suppressed.

    ::error file=claims/page.md,line=14,col=1,endColumn=5,title=specaudit contradicted: 电动天窗::…

Escaping follows the runner: in the message `%`, CR and LF become %25, %0D, %0A; in property
values `:` and `,` also become %3A and %2C.
"""
from __future__ import annotations

from pathlib import Path

from ..baseline import source_key
from ..findings import Report

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(s: str) -> str:
    return escape_data(s).replace(":", "%3A").replace(",", "%2C")


def render(report: Report, *, include_supported: bool = False, **_) -> str:
    rows = report.results if include_supported else report.findings
    cwd = Path.cwd()
    out = []
    for f in rows:
        if f.suppressed:
            continue
        props = {"file": source_key(f.source, cwd)}
        if f.line:
            props["line"] = str(f.line)
            if f.column and f.record is None:
                props["col"] = str(f.column)
                if f.match and "\n" not in f.match:
                    props["endColumn"] = str(f.column + len(f.match))
        props["title"] = f"specaudit {f.verdict}: {f.feature}"
        message = f"{f.message}" + (f"\n→ {f.suggestion}" if f.suggestion else "") + f"\n«{f.text.strip()}»"
        if f.record is not None:
            message = f"record {f.record}: {message}"
        head = ",".join(f"{k}={escape_property(v)}" for k, v in props.items())
        out.append(f"::{COMMANDS.get(f.severity, 'warning')} {head}::{escape_data(message)}")
    return "\n".join(out) + ("\n" if out else "")
