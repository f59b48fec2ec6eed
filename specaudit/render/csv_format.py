"""The findings table as CSV for spreadsheet users: one row per result, RESULT_COLUMNS in order.

UTF-8 with a byte-order mark so Excel reads Chinese correctly. A text cell that a spreadsheet
would take for a formula (starting with = + - @ or a control character, and not a number) is
prefixed with an apostrophe, so opening the file never runs copy as a formula.
"""
from __future__ import annotations

import csv
import io
import re

from ..findings import RESULT_COLUMNS, Report
from ._common import flat_record, rows

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def cell(value) -> str | int | float:
    """A value as a spreadsheet should see it: text that could run as a formula is defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return value
    text = str(value)
    if text.startswith(_FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def render(report: Report, *, include_supported: bool = False, **_) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(RESULT_COLUMNS)
    for f in rows(report, include_supported):
        writer.writerow([cell(v) for v in flat_record(f)])
    return "\ufeff" + buf.getvalue()
