"""The findings table as an XLSX workbook: a `Findings` sheet (filterable, header frozen) and a
`Summary` sheet with what was audited.

Every text cell is written as a string (never a formula, whatever it starts with). The
workbook's timestamps are the report's `created` time and the zip entries carry a fixed
date, so the same report gives the same bytes.
"""
from __future__ import annotations

import datetime as _dt
import io
import re
import zipfile

from ..findings import RESULT_COLUMNS, Report
from ._common import flat_record, rows

_WIDTHS = {"verdict": 14, "severity": 10, "rule": 18, "feature": 22, "feature_id": 18, "model": 16,
           "trims": 22, "source": 30, "record": 10, "line": 7, "column": 7, "text": 60, "match": 16,
           "claimed_value": 18, "spec_value": 30, "message": 60, "suggestion": 50, "score": 7,
           "channel": 14, "kind": 9, "spec_cells": 36, "suppressed": 16}
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def _created(report: Report) -> _dt.datetime:
    try:
        t = _dt.datetime.fromisoformat(report.created)
    except (TypeError, ValueError):
        return _dt.datetime(2000, 1, 1)
    return t.astimezone(_dt.timezone.utc).replace(tzinfo=None) if t.tzinfo else t


def _put(ws, row: int, col: int, value):
    c = ws.cell(row=row, column=col)
    if value is None:
        return c
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        c.value = value
    else:
        c.value = _ILLEGAL.sub("", str(value))
        c.data_type = "s"  # a string, even when it starts with '='
    return c


def render(report: Report, *, include_supported: bool = False, **_) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "Findings"
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="EEF1F5")
    for j, name in enumerate(RESULT_COLUMNS, start=1):
        c = _put(ws, 1, j, name)
        c.font, c.fill = bold, fill
        ws.column_dimensions[get_column_letter(j)].width = _WIDTHS.get(name, 14)
    wrap = Alignment(wrap_text=True, vertical="top")
    wrapped = {RESULT_COLUMNS.index(c) + 1 for c in ("text", "message", "suggestion")}
    results = rows(report, include_supported)
    for i, f in enumerate(results, start=2):
        for j, value in enumerate(flat_record(f), start=1):
            c = _put(ws, i, j, value)
            if j in wrapped:
                c.alignment = wrap
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(RESULT_COLUMNS))}{max(1, len(results) + 1)}"

    s = report.summary()
    meta = wb.create_sheet("Summary")
    lines: list[tuple[str, object]] = [
        ("result", "PASS" if s["passed"] else "FAIL"),
        ("fail level", report.fail_level),
        ("claims", s["claims"]), ("sentences", s["sentences"]), ("mentions", s["mentions"]),
        ("findings", s["findings"]), ("suppressed", s["suppressed"]),
    ]
    lines += [(f"verdict: {v}", n) for v, n in s["by_verdict"].items()]
    lines += [(f"severity: {k}", n) for k, n in s["by_severity"].items()]
    for spec in report.specs:
        lines += [("spec", spec.source), ("  model", spec.model), ("  trims", " / ".join(spec.trims)),
                  ("  sha256", spec.sha256)]
    lines += [("claim file", c) for c in report.claim_files]
    lines += [("specaudit version", report.version), ("created", report.created)]
    for i, (k, v) in enumerate(lines, start=1):
        _put(meta, i, 1, k).font = bold
        _put(meta, i, 2, v)
    meta.column_dimensions["A"].width = 22
    meta.column_dimensions["B"].width = 70

    when = _created(report)
    wb.properties.creator = "specaudit"
    wb.properties.created = when
    buf = io.BytesIO()
    wb.save(buf)
    return _normalise_zip(buf.getvalue(), when)


def _normalise_zip(data: bytes, when: _dt.datetime) -> bytes:
    """Rewrite the archive with fixed entry dates and the `modified` time openpyxl stamps as now."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              lambda m: m.group(1) + stamp.encode() + m.group(2), body)
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, body)
    return out.getvalue()
