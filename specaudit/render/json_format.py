"""The JSON report of CONTRACT.md."""
from __future__ import annotations

import json

from ..findings import Report


def render(report: Report, *, include_supported: bool = False, **_) -> str:
    return json.dumps(report.as_dict(include_supported=include_supported), ensure_ascii=False, indent=2) + "\n"
