"""The terminal report: findings grouped by file, with line numbers, then a summary."""
from __future__ import annotations

from itertools import groupby

from ..findings import Report

COLOURS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[32m"}
RESET, DIM, BOLD = "\033[0m", "\033[2m", "\033[1m"


def _where(f) -> str:
    if f.record is not None:
        return f"record {f.record}" + (f" (line {f.line})" if f.line else "")
    if f.line is not None:
        return f"{f.line}:{f.column or 1}"
    return "-"


def render(report: Report, *, include_supported: bool = False, color: bool = False, **_) -> str:
    paint = (lambda code, s: f"{code}{s}{RESET}") if color else (lambda code, s: s)
    rows = report.results if include_supported else report.findings
    out: list[str] = []
    for source, items in groupby(rows, key=lambda f: f.source):
        out.append(paint(BOLD, source))
        for f in items:
            sev = paint(COLOURS.get(f.severity, ""), f"{f.severity:<7}")
            suppressed = paint(DIM, f" [suppressed: {f.suppressed}]") if f.suppressed else ""
            out.append(f"  {_where(f):<14} {sev} {f.verdict:<13} {f.feature}  «{f.match}»{suppressed}")
            out.append(f"  {'':<14} {paint(DIM, f.text.strip())}")
            out.append(f"  {'':<14} {f.message}")
            if f.suggestion:
                out.append(f"  {'':<14} → {f.suggestion}")
        out.append("")
    s = report.summary()
    counts = ", ".join(f"{n} {v}" for v, n in s["by_verdict"].items()) or "nothing to report"
    status = paint(COLOURS["info"], "PASS") if s["passed"] else paint(COLOURS["error"], "FAIL")
    out.append(f"{status}  {s['claims']} claims, {s['sentences']} sentences, {s['mentions']} mentions "
               f"in {len(report.claim_files) or s['claims']} input(s); {counts} "
               f"(fail level: {report.fail_level})")
    return "\n".join(out) + "\n"
