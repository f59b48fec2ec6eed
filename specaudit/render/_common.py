"""Helpers shared by the formatters for people (html, markdown, csv, xlsx)."""
from __future__ import annotations

from pathlib import PurePosixPath

from ..findings import RESULT_COLUMNS, Report
from ..model import Finding


def rows(report: Report, include_supported: bool) -> tuple[Finding, ...]:
    return report.results if include_supported else report.findings


def highlight_parts(text: str, match: str) -> list[tuple[str, bool]]:
    """The text split around every occurrence of `match`: [(piece, is_match), ...].

    The pieces are plain text: every formatter escapes each piece for its own output, so the
    highlight never needs markup to be injected into the claim.
    """
    if not match:
        return [(text, False)] if text else []
    parts: list[tuple[str, bool]] = []
    pos = 0
    while (k := text.find(match, pos)) >= 0:
        if k > pos:
            parts.append((text[pos:k], False))
        parts.append((match, True))
        pos = k + len(match)
    if pos < len(text):
        parts.append((text[pos:], False))
    return parts


def channel_of(f: Finding) -> str:
    """The channel a finding speaks for: its declared channel, else the file it came from."""
    return f.channel or PurePosixPath(f.source.replace("\\", "/")).name or f.source


def where(f: Finding) -> str:
    """The locator without the file: `14:1`, `record cs-002 (line 2)`, or `-`."""
    if f.record is not None:
        return f"record {f.record}" + (f" (line {f.line})" if f.line else "")
    if f.line is not None:
        return f"{f.line}:{f.column or 1}"
    return "-"


def flat_record(f: Finding) -> list:
    """One findings-table row in RESULT_COLUMNS order, lists and mappings flattened to text."""
    d = f.as_dict()
    d["trims"] = ", ".join(d["trims"])
    d["spec_cells"] = "; ".join(f"{k}: {v}" for k, v in d["spec_cells"].items())
    return [d[c] for c in RESULT_COLUMNS]


def spec_row_index(report: Report) -> dict[tuple[str | None, str], int]:
    """(model, feature) -> index into report.spec_rows; (None, feature) -> the first row of that label."""
    index: dict[tuple[str | None, str], int] = {}
    for i, r in enumerate(report.spec_rows):
        index.setdefault((r.get("model"), r.get("feature")), i)
        index.setdefault((None, r.get("feature")), i)
    return index


def find_spec_row(index: dict, f: Finding) -> int:
    i = index.get((f.model, f.feature))
    if i is None:
        i = index.get((None, f.feature))
    return -1 if i is None else i
