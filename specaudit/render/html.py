"""The HTML report: one self-contained file that compliance staff open, filter, archive and print.

Rendered with the Jinja2 templates in `specaudit/templates/` (autoescape on). The header and the
feature x channel matrix are rendered here; the findings travel as JSON in a
`<script type="application/json">` block (Jinja's `tojson`, which escapes `<`, `>`, `&` and `'`,
so no claim can close the block) and the page script builds the table rows from it with
`textContent` only, a chunk at a time, so 10,000 findings neither bloat the DOM nor freeze the
page. Claim text is split around the matched words here, in Python; the script wraps the matched
pieces in `<mark>` as text nodes, so no claim text is ever parsed as HTML.

A Content-Security-Policy allows no network access at all and only the page's own script (by
its hash), so even a claim that slipped past escaping could neither run nor fetch anything.
Same report -> same bytes, except the `created` timestamp.
"""
from __future__ import annotations

import base64
import hashlib
from collections import Counter, defaultdict
from functools import lru_cache

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from ..findings import SEVERITIES, VERDICTS, Report, at_or_above
from ._common import channel_of, find_spec_row, highlight_parts, spec_row_index, where


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(loader=PackageLoader("specaudit", "templates"),
                      autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    # Chinese stays readable in the file; tojson still escapes < > & ' as \u003c etc.
    env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "sort_keys": False, "separators": (",", ":")}
    return env


def _raw(name: str) -> str:
    """A static asset (CSS, JS) from the templates folder, verbatim (not run through Jinja)."""
    env = _env()
    source, _, _ = env.loader.get_source(env, name)
    return source


def _csp_hash(script: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")


def _finding_data(report: Report, include_supported: bool) -> tuple[list[dict], list[dict]]:
    index = spec_row_index(report)
    used: dict[int, int] = {}
    spec_rows: list[dict] = []
    findings = []
    for i, f in enumerate(report.results):
        row = find_spec_row(index, f)
        if row >= 0 and row not in used:
            used[row] = len(spec_rows)
            r = report.spec_rows[row]
            spec_rows.append({"model": r.get("model"), "section": r.get("section") or "",
                              "feature": r.get("feature"), "cells": [[t, raw] for t, raw in r.get("cells", {}).items()]})
        findings.append({
            "i": i,
            "verdict": f.verdict,
            "severity": f.severity,
            "feature": f.feature,
            "feature_id": f.feature_id,
            "model": f.model,
            "trims": list(f.trims),
            "source": f.source,
            "record": f.record,
            "line": f.line,
            "column": f.column,
            "where": where(f),
            "channel": channel_of(f),
            "kind": f.kind,
            "parts": [[p, 1 if m else 0] for p, m in highlight_parts(f.text.strip(), f.match)],
            "match": f.match,
            "claimed": f.claimed_value,
            "spec": f.spec_value,
            "row": used[row] if row >= 0 else -1,
            "message": f.message,
            "suggestion": f.suggestion,
            "rule": f.rule,
            "score": round(f.score, 1),
            "suppressed": f.suppressed,
        })
    return findings, spec_rows


def _matrix(report: Report) -> dict:
    """Feature x channel: what each channel says about each feature claimed anywhere, and the spec."""
    index = spec_row_index(report)
    cells: dict[tuple, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    rows: dict[tuple, int] = {}
    for f in report.results:
        key = (f.model or "", f.feature)
        cells[key][channel_of(f)][f.verdict] += 1
        rows.setdefault(key, find_spec_row(index, f))
    channels = sorted({ch for per in cells.values() for ch in per})
    models = {k[0] for k in cells}

    def order(key):
        r = rows[key]
        return (0, r, "") if r >= 0 else (1, 0, key[1])

    out = []
    for key in sorted(cells, key=order):
        per = cells[key]
        said = {ch: tuple(v for v in VERDICTS if per[ch][v]) for ch in per}
        disagree = len(per) > 1 and len(set(said.values())) > 1
        r = rows[key]
        spec = report.spec_rows[r] if r >= 0 else None
        out.append({
            "model": key[0],
            "feature": key[1],
            "section": (spec or {}).get("section") or "",
            "spec": [[t, raw] for t, raw in (spec or {}).get("cells", {}).items()],
            "disagree": disagree,
            "problems": sum(n for c in per.values() for v, n in c.items() if v != "supported"),
            "channels": {ch: [[v, per[ch][v]] for v in VERDICTS if per[ch][v]] for ch in per},
        })
    return {"channels": channels, "rows": out, "show_model": len(models) > 1,
            "disagreements": [r["feature"] for r in out if r["disagree"]]}


def context(report: Report, include_supported: bool = False) -> dict:
    findings, spec_rows = _finding_data(report, include_supported)
    summary = report.summary()
    failing = report.failing()
    by_verdict = report.counts_by_verdict()
    models = list(dict.fromkeys(s.model for s in report.specs))
    return {
        "report": report,
        "summary": summary,
        "passed": summary["passed"],
        "failing": len(failing),
        "fail_level": report.fail_level,
        "models": models,
        "by_verdict": by_verdict,
        "by_severity": report.counts_by_severity(),
        "verdicts": [v for v in VERDICTS if v in by_verdict],
        "severities": [s for s in reversed(SEVERITIES) if any(f.severity == s for f in report.results)],
        "include_supported": include_supported,
        "channels": sorted({f["channel"] for f in findings}),
        "files": list(dict.fromkeys(f["source"] for f in findings)),
        "features": sorted({f["feature"] for f in findings}),
        "matrix": _matrix(report),
        "data": {"findings": findings, "spec_rows": spec_rows,
                 "severities": list(SEVERITIES), "verdicts": list(VERDICTS),
                 "fail_level": report.fail_level,
                 "failing_severities": [s for s in SEVERITIES if at_or_above(s, report.fail_level)]},
    }


def render(report: Report, *, include_supported: bool = False, **_) -> str:
    """The report as one HTML file. Supported results are always embedded (the matrix and the
    verdict filter need them); `include_supported` decides whether they are shown at first."""
    env = _env()
    script = _raw("report.js")
    ctx = context(report, include_supported)
    return env.get_template("report.html").render(
        css=Markup(_raw("report.css")), js=Markup(script), script_hash=_csp_hash(script), **ctx)
