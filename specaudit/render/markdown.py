"""A short Markdown summary for a pull-request comment or a CI job summary.

Status, counts and the first findings; every piece of copy is escaped so that a claim can
neither break the table nor smuggle in markup (GitHub renders inline HTML).
"""
from __future__ import annotations

from ..findings import Report
from ._common import highlight_parts, rows, where

MAX_ROWS = 25
MAX_TEXT = 90

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "|": "\\|", "\\": "\\\\", "`": "\\`",
                          "*": "\\*", "_": "\\_", "[": "\\[", "]": "\\]", "#": "\\#", "~": "\\~",
                          "\n": " ", "\r": " ", "\t": " "})


def esc(text: str | None) -> str:
    return (text or "").translate(_ESCAPES)


def _claim(text: str, match: str) -> str:
    text = " ".join(text.split())
    if len(text) > MAX_TEXT:
        k = text.find(match) if match else -1
        start = max(0, min(k - MAX_TEXT // 3, len(text) - MAX_TEXT)) if k > 0 else 0
        text = ("…" if start else "") + text[start:start + MAX_TEXT] + ("…" if start + MAX_TEXT < len(text) else "")
    return "".join(f"**{esc(p)}**" if m else esc(p) for p, m in highlight_parts(text, match))


def render(report: Report, *, include_supported: bool = False, max_rows: int = MAX_ROWS, **_) -> str:
    s = report.summary()
    failing = len(report.failing())
    if s["passed"]:
        head = f"## ✅ specaudit: PASS — no finding at or above `{report.fail_level}`"
    else:
        head = f"## ❌ specaudit: FAIL — {failing} finding{'s' if failing != 1 else ''} at or above `{report.fail_level}`"
    out = [head, ""]
    n_files = len(report.claim_files)
    out.append(f"{s['claims']} claims, {s['sentences']} sentences, {s['mentions']} mentions"
               + (f" in {n_files} file{'s' if n_files != 1 else ''}" if n_files else "")
               + f"; {s['findings']} finding{'s' if s['findings'] != 1 else ''}"
               + (f" ({s['suppressed']} suppressed)" if s["suppressed"] else "") + ".")
    out.append("")
    if s["by_verdict"]:
        out.append("| verdict | results |")
        out.append("|---|---:|")
        out.extend(f"| {v} | {n} |" for v, n in s["by_verdict"].items())
        out.append("")
    for spec in report.specs:
        out.append(f"Spec: `{esc(spec.source)}` — {esc(spec.model)}, {len(spec.trims)} trims, {spec.rows} rows"
                   + (f", sha256 `{spec.sha256[:12]}`" if spec.sha256 else ""))
    if report.specs:
        out.append("")
    shown = rows(report, include_supported)
    if shown:
        out.append("| severity | verdict | feature | where | claim | message |")
        out.append("|---|---|---|---|---|---|")
        for f in shown[:max_rows]:
            loc = f"{esc(f.source)} {esc(where(f))}".strip()
            sup = " (suppressed)" if f.suppressed else ""
            out.append(f"| {f.severity}{sup} | {f.verdict} | {esc(f.feature)} | {loc} | {_claim(f.text, f.match)} | {esc(f.message)} |")
        if len(shown) > max_rows:
            out.append("")
            out.append(f"…and {len(shown) - max_rows} more; the HTML, CSV or JSON report lists them all.")
        out.append("")
    out.append(f"<sub>specaudit {esc(report.version)} · fail level {report.fail_level}</sub>")
    return "\n".join(out) + "\n"
