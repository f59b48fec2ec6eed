"""The formats for people besides the browser view: markdown, csv, xlsx; the HTML file as text;
default outputs of `specaudit audit`; the progress line.

Snapshots live in tests/snapshots/; after an intended change, regenerate them with
`SPECAUDIT_UPDATE_SNAPSHOTS=1 python -m pytest tests/test_render_formats.py` and review the diff.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from render_helpers import XSS_CHANNEL, XSS_IMG, XSS_SCRIPT, small_report
from specaudit.cli import main
from specaudit.config import SCHEMA
from specaudit.findings import RESULT_COLUMNS
from specaudit.progress import Progress, for_stream
from specaudit.render import DEFAULT_EXTENSIONS, FORMATS, renderer

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"


def check_snapshot(name: str, body: str) -> None:
    path = SNAPSHOTS / name
    if os.environ.get("SPECAUDIT_UPDATE_SNAPSHOTS") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(body.encode("utf-8"))
    assert path.exists(), f"no snapshot {path}; run with SPECAUDIT_UPDATE_SNAPSHOTS=1 once and review it"
    assert body == path.read_bytes().decode("utf-8"), f"output differs from {path}"


def test_the_formats_are_registered_with_extensions():
    for fmt, ext in {"html": "html", "markdown": "md", "csv": "csv", "xlsx": "xlsx"}.items():
        assert fmt in FORMATS and DEFAULT_EXTENSIONS[fmt] == ext
        assert callable(renderer(fmt))


# --- markdown -------------------------------------------------------------------------------

def test_markdown_matches_its_snapshot():
    check_snapshot("small.md", renderer("markdown")(small_report()))


def test_markdown_summarises_status_counts_and_escapes_copy():
    md = renderer("markdown")(small_report())
    assert md.startswith("## ❌ specaudit: FAIL — 5 findings at or above `error`")
    assert "| contradicted | 3 |" in md
    assert "<script>" not in md and "<img" not in md and "&lt;script&gt;window.pwned=1&lt;/script&gt;" in md
    assert "就是没有天窗 \\| 到店看看" in md            # a pipe in copy does not split the table
    table = [line for line in md.splitlines() if line.startswith("| error") or line.startswith("| warning")]
    assert len(table) == 6 and all(line.count(" | ") == 5 for line in table)
    assert "**全景天窗**带来通透视野" in md
    assert "亲，全系没有天窗" not in md                 # supported results only with include_supported
    assert "亲，全系没有天窗" in renderer("markdown")(small_report(), include_supported=True)


def test_markdown_stays_short_for_many_findings():
    report = small_report()
    many = replace(report, results=report.results * 20)
    md = renderer("markdown")(many)
    assert "…and 95 more" in md and len(md.splitlines()) < 50


def test_markdown_pass():
    report = small_report()
    clean = replace(report, results=tuple(f for f in report.results if f.verdict == "supported"))
    md = renderer("markdown")(clean)
    assert md.startswith("## ✅ specaudit: PASS")


# --- csv ------------------------------------------------------------------------------------

def test_csv_matches_its_snapshot():
    check_snapshot("small.csv", renderer("csv")(small_report()))


def test_csv_is_the_findings_table_and_defuses_formulas():
    body = renderer("csv")(small_report())
    assert body.startswith("\ufeff")                      # Excel reads Chinese as UTF-8
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert tuple(rows[0]) == RESULT_COLUMNS
    assert len(rows) == 6 and {r["verdict"] for r in rows} == {"contradicted", "unqualified", "unverifiable"}
    store = next(r for r in rows if r["record"] == "cs-002")
    assert store["suggestion"].startswith("'=HYPERLINK(")  # never a live formula
    assert store["text"] == "这台车有全景遮阳帘的，就是没有天窗 | 到店看看。"
    assert store["spec_cells"] == "租电版: -; 买断版: -; 买断Max版: -" and store["line"] == "2"
    assert {r["text"] for r in rows} >= {XSS_SCRIPT, XSS_IMG}
    assert len(list(csv.DictReader(io.StringIO(renderer("csv")(small_report(), include_supported=True))))) == 7


# --- xlsx -----------------------------------------------------------------------------------

def test_xlsx_holds_the_findings_as_strings_and_is_deterministic(tmp_path):
    from openpyxl import load_workbook

    body = renderer("xlsx")(small_report())
    assert isinstance(body, bytes) and body == renderer("xlsx")(small_report())
    path = tmp_path / "a.xlsx"
    path.write_bytes(body)
    wb = load_workbook(path)
    ws = wb["Findings"]
    assert tuple(c.value for c in ws[1]) == RESULT_COLUMNS
    assert ws.max_row == 7 and ws.freeze_panes == "A2" and ws.auto_filter.ref
    col = {name: i for i, name in enumerate(RESULT_COLUMNS)}
    values = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    store = next(v for v in values if v[col["record"]] == "cs-002")
    sug = ws.cell(row=values.index(store) + 2, column=col["suggestion"] + 1)
    assert sug.data_type == "s" and sug.value.startswith("=HYPERLINK(")   # text, not a formula
    assert store[col["line"]] == 2 and store[col["feature"]] == "全景遮阳帘"
    summary = {r[0].value: r[1].value for r in wb["Summary"].iter_rows()}
    assert summary["result"] == "FAIL" and summary["verdict: contradicted"] == 3
    with zipfile.ZipFile(io.BytesIO(body)) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert b"2025-11-20T08:00:00Z" in z.read("docProps/core.xml")


# --- html as a file (the browser tests are in test_render_html.py) ---------------------------

def test_html_is_deterministic_but_for_the_timestamp():
    a = renderer("html")(small_report())
    assert a == renderer("html")(small_report())
    b = renderer("html")(small_report(created="2026-01-02T03:04:05+00:00"))
    assert a != b
    assert a.replace("2025-11-20T08:00:00+00:00", "T") == b.replace("2026-01-02T03:04:05+00:00", "T")


def test_html_is_self_contained_escaped_and_locked_down():
    page = renderer("html")(small_report())
    assert not re.search(r"""(?:src|href|action)\s*=\s*["']?(?:https?:)?//""", page)
    assert "@import" not in page and "url(" not in page
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert "default-src 'none'" in csp and "script-src 'sha256-" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "<script>window.pwned" not in page and "<img src=x" not in page and "</script><script>window.pwned=2" not in page
    assert page.count("<script") == 2 and page.count("</script>") == 2
    data = re.search(r'<script type="application/json" id="specaudit-data">(.*?)</script>', page, re.S).group(1)
    parsed = json.loads(data)
    assert len(parsed["findings"]) == 7                     # supported embedded, hidden by default
    evil = next(f for f in parsed["findings"] if f["record"] == "x1")
    assert evil["parts"] == [["<script>window.pwned=1</script>", 0], ["全景天窗", 1]]
    assert next(f for f in parsed["findings"] if f["record"] == "x2")["channel"] == XSS_CHANNEL
    assert "Noto Sans CJK SC" in page and "@media print" in page


# --- the command line -----------------------------------------------------------------------

def test_default_formats_write_text_json_and_html(tmp_path, monkeypatch, capsys):
    assert SCHEMA["formats"][1] == ["text", "json", "html"]
    (tmp_path / "spec.csv").write_text("section,feature,A,B\n外观,电动天窗,-,-\n外观,LED大灯,●,●\n", encoding="utf-8")
    (tmp_path / "c.md").write_text("全景天窗，通透敞亮。\n\n全系标配LED大灯。\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["audit", "--spec", "spec.csv", "c.md"]) == 1
    out = capsys.readouterr()
    assert "contradicted" in out.out and "FAIL" in out.out
    assert json.loads((tmp_path / "reports" / "audit.json").read_text(encoding="utf-8"))["summary"]["findings"] == 1
    html = (tmp_path / "reports" / "audit.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "电动天窗" in html
    assert "\033[" not in out.err                        # stderr is not a terminal: no progress line


@pytest.mark.parametrize("fmt,check", [
    ("markdown", lambda b: b.startswith(b"## ")),
    ("csv", lambda b: b.startswith("\ufeffverdict,".encode())),
    ("xlsx", lambda b: b.startswith(b"PK")),
    ("html", lambda b: b.startswith(b"<!DOCTYPE html>")),
])
def test_each_format_writes_its_file(tmp_path, fmt, check):
    (tmp_path / "spec.csv").write_text("section,feature,A,B\n外观,电动天窗,-,-\n", encoding="utf-8")
    (tmp_path / "c.md").write_text("全景天窗，通透敞亮。\n", encoding="utf-8")
    out = tmp_path / f"out.{fmt}"
    assert main(["audit", "--spec", str(tmp_path / "spec.csv"), str(tmp_path / "c.md"), "--format", fmt,
                 "--output", str(out)]) == 1
    assert check(out.read_bytes())


# --- progress -------------------------------------------------------------------------------

class FakeTTY(io.StringIO):
    def isatty(self):
        return True


def test_progress_is_silent_off_a_terminal_and_for_quick_audits():
    assert for_stream(io.StringIO()) is None
    assert isinstance(for_stream(FakeTTY()), Progress)
    now = [0.0]
    stream = FakeTTY()
    p = Progress(stream, clock=lambda: now[0])
    now[0] = 0.2
    p(10)
    assert stream.getvalue() == ""                      # nothing in the first half second
    p.close()
    assert stream.getvalue() == ""


def test_progress_draws_a_throttled_line_and_erases_it():
    now = [0.0]
    stream = FakeTTY()
    with Progress(stream, clock=lambda: now[0]) as p:
        now[0] = 2.0
        p(500)
        assert "500 claims" in stream.getvalue() and "250/s" in stream.getvalue() and "0:02" in stream.getvalue()
        drawn = stream.getvalue()
        now[0] = 2.05
        p(510)
        assert stream.getvalue() == drawn               # at most ten redraws a second
        now[0] = 65.0
        p(20_000)
        assert "20,000 claims" in stream.getvalue() and "1:05" in stream.getvalue()
    assert stream.getvalue().endswith("\r\033[K")       # the line is gone when the audit ends
