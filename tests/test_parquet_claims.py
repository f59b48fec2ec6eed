"""Parquet claim files: the record semantics of JSON Lines (row number as the line), streamed in
record batches, read by row group for the Dask engine, and fail-closed on a damaged file."""
from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from specaudit import apply_suppressions, audit  # noqa: E402
from specaudit.claims import claim_files, iter_claims, load_claims  # noqa: E402
from specaudit.claims import parquet as parquet_module  # noqa: E402
from specaudit.claims.parquet import parquet_claims, row_groups  # noqa: E402
from specaudit.engine import AuditOptions  # noqa: E402
from specaudit.errors import InputError  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SPEC = str(ROOT / "specs" / "aion-ut-super.csv")


def write_parquet(path: Path, rows: list[dict], schema=None, row_group_size: int | None = None) -> str:
    table = pa.Table.from_pylist(rows, schema=schema)
    pq.write_table(table, path, row_group_size=row_group_size)
    return str(path)


def write_jsonl(path: Path, rows: list[dict]) -> str:
    """The same records as JSON Lines, one a line; a null is a key that is not there."""
    with open(path, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps({k: v for k, v in row.items() if v is not None}, ensure_ascii=False) + "\n")
    return str(path)


def error_of(paths) -> str:
    with pytest.raises(InputError) as info:
        load_claims(paths)
    return str(info.value)


ROWS = [
    {"id": "r1", "text": "全系无天窗。", "channel": "faq", "kind": "faq", "model": "UT", "lang": "zh",
     "question": "有天窗吗", "rank": 2, "specaudit_ignore": None},
    {"id": "r2", "text": "", "channel": None, "kind": None, "model": None, "lang": None,
     "question": None, "rank": None, "specaudit_ignore": None},
    {"id": "r3", "text": "全景天窗，通透敞亮", "channel": "web", "kind": None, "model": None, "lang": None,
     "question": None, "rank": 5, "specaudit_ignore": "sunroof: 图片是概念车"},
    {"id": "r4", "text": "Range 430 km.", "channel": None, "kind": "caption", "model": None, "lang": "en",
     "question": "range?", "rank": None, "specaudit_ignore": None},
]


# --------------------------------------------------------------------------- records

def test_records_round_trip_with_extra_columns_waivers_and_row_numbers(tmp_path):
    p = write_parquet(tmp_path / "copy.parquet", ROWS)
    claims = load_claims([p])
    # the empty text of r2 is skipped; its row still counts, so r3 is row 3
    assert [c.locator.record for c in claims] == ["r1", "r3", "r4"]
    assert [c.locator.line for c in claims] == [1, 3, 4]
    a, b, c = claims
    assert (a.text, a.locator.source, a.locator.column) == ("全系无天窗。", p, None)
    assert (a.locator.kind, a.locator.channel, a.locator.model, a.lang) == ("faq", "faq", "UT", "zh")
    assert a.extra == (("question", "有天窗吗"), ("rank", "2"))
    assert a.waivers == ()
    # nulls are fields not given: no extra entry, the defaults for kind/channel/model/lang
    assert (b.locator.kind, b.locator.channel, b.locator.model, b.lang) == ("body", "web", None, None)
    assert b.extra == (("rank", "5"),)
    assert b.waivers == (("sunroof", "图片是概念车"),)
    assert (c.locator.kind, c.lang, c.extra) == ("caption", "en", (("question", "range?"),))


def test_same_claims_as_the_records_given_as_jsonl(tmp_path):
    p = write_parquet(tmp_path / "copy.parquet", ROWS)
    j = write_jsonl(tmp_path / "copy.jsonl", ROWS)
    from_parquet = load_claims([p])
    from_jsonl = [replace(c, locator=replace(c.locator, source=p)) for c in load_claims([j])]
    assert from_parquet == from_jsonl


def test_integer_ids_and_a_list_of_waivers(tmp_path):
    schema = pa.schema([("id", pa.int64()), ("text", pa.string()),
                        ("specaudit_ignore", pa.list_(pa.string()))])
    p = write_parquet(tmp_path / "c.parquet",
                      [{"id": 7, "text": "全景天窗", "specaudit_ignore": ["sunroof: 概念车", "ad-law-cn/superlatives: 引用"]},
                       {"id": 8, "text": "LED大灯", "specaudit_ignore": None}], schema=schema)
    a, b = load_claims([p])
    assert (a.locator.record, b.locator.record) == ("7", "8")
    assert a.waivers == (("sunroof", "概念车"), ("ad-law-cn/superlatives", "引用"))
    assert b.waivers == () and a.extra == b.extra == ()


def test_several_row_groups_keep_file_row_numbers(tmp_path):
    rows = [{"id": f"r{i}", "text": f"第{i}行：全景天窗" if i != 5 else "  "} for i in range(1, 11)]
    p = write_parquet(tmp_path / "c.parquet", rows, row_group_size=3)
    assert [n for n, _ in row_groups(p)] == [3, 3, 3, 1]
    whole = load_claims([p])
    assert [c.locator.line for c in whole] == [1, 2, 3, 4, 6, 7, 8, 9, 10]  # row 5 is blank
    assert all(c.locator.record == f"r{c.locator.line}" for c in whole)
    # a row group read alone gives the rows (and claims) a whole-file read gives
    assert [c.locator.line for c in parquet_claims(p, [1])] == [4, 6]
    assert [c.locator.line for c in parquet_claims(p, [3])] == [10]
    assert list(parquet_claims(p, [0, 2])) == [c for c in whole if c.locator.line in (1, 2, 3, 7, 8, 9)]
    assert [c for g in range(4) for c in parquet_claims(p, [g])] == whole
    with pytest.raises(InputError, match="no row group 4"):
        list(parquet_claims(p, [4]))


def test_rows_are_streamed_in_batches(tmp_path, monkeypatch):
    monkeypatch.setattr(parquet_module, "BATCH_ROWS", 10)
    rows = [{"id": f"r{i}", "text": "LED大灯"} for i in range(1, 51)]
    rows[44]["id"] = None  # row 45, in the fifth batch
    p = write_parquet(tmp_path / "c.parquet", rows)
    batches = []
    real = pq.ParquetFile.iter_batches

    def spy(self, *args, **kwargs):
        batches.append(kwargs.get("batch_size"))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(pq.ParquetFile, "iter_batches", spy)
    stream = iter_claims([p])
    assert next(stream).locator.record == "r1"  # produced before the bad row is read
    assert batches == [10]
    taken = [next(stream).locator.line for _ in range(43)]
    assert taken[-1] == 44
    with pytest.raises(InputError) as info:
        next(stream)
    assert str(info.value) == f"{p}:row 45: record has no 'id'"


def test_folders_pick_up_parquet_files(tmp_path):
    write_parquet(tmp_path / "b.parquet", [{"id": "1", "text": "LED大灯"}])
    write_jsonl(tmp_path / "a.jsonl", [{"id": "1", "text": "LED大灯"}])
    write_parquet(tmp_path / "C.PARQUET", [{"id": "1", "text": "LED大灯"}])  # extensions are case-insensitive
    assert [Path(f).name for f in claim_files([tmp_path])] == ["C.PARQUET", "a.jsonl", "b.parquet"]
    assert [c.locator.source for c in load_claims([tmp_path])] == [
        str(tmp_path / "C.PARQUET"), str(tmp_path / "a.jsonl"), str(tmp_path / "b.parquet")]


# --------------------------------------------------------------------------- errors

@pytest.mark.parametrize("row, message", [
    ({"id": None, "text": "全景天窗"}, "row 2: record has no 'id'"),
    ({"id": "  ", "text": "全景天窗"}, "row 2: record has no 'id'"),
    ({"id": "r2", "text": None}, "row 2: record r2 has no 'text'"),
    ({"id": "r2", "text": "全景天窗", "kind": "banner"}, "row 2: unknown kind 'banner'"),
])
def test_bad_rows_give_the_record_errors_with_the_row(tmp_path, row, message):
    p = write_parquet(tmp_path / "c.parquet", [{"id": "r1", "text": "LED大灯", "kind": None}, {"kind": None, **row}])
    assert error_of([p]).startswith(f"{p}:{message}")
    # the same message as the record gets in JSON Lines, with "line" for "row"
    j = write_jsonl(tmp_path / "c.jsonl", [{"id": "r1", "text": "LED大灯"}, row])
    assert error_of([j]).startswith(f"{j}:{message.replace('row', 'line', 1)}")


def test_non_string_text_is_an_error(tmp_path):
    p = write_parquet(tmp_path / "c.parquet", [{"id": "r1", "text": 5}])
    assert error_of([p]) == f"{p}:row 1: record r1: 'text' must be a string, not int"


@pytest.mark.parametrize("columns, missing", [(["id"], "text"), (["text", "channel"], "id"),
                                              (["ID", "Text"], "id, text")])
def test_missing_id_or_text_column(tmp_path, columns, missing):
    p = write_parquet(tmp_path / "c.parquet", [{c: "x" for c in columns}])
    msg = error_of([p])
    assert msg.startswith(f"{p}: the file must have columns 'id' and 'text' (missing: {missing};")
    assert f"found: {', '.join(columns)}" in msg


def test_no_rows_is_no_claims(tmp_path):
    p = write_parquet(tmp_path / "c.parquet", [], schema=pa.schema([("id", pa.string()), ("text", pa.string())]))
    assert error_of([p]) == f"{p}: no claims found in this file"


def test_not_parquet_and_damaged_files(tmp_path):
    fake = tmp_path / "fake.parquet"
    fake.write_text('{"id": "1", "text": "x"}\n')
    assert error_of([fake]).startswith(f"{fake}: cannot read as Parquet: ")
    good = write_parquet(tmp_path / "good.parquet", [{"id": f"r{i}", "text": "全景天窗" * 20} for i in range(200)])
    data = Path(good).read_bytes()
    cut = tmp_path / "truncated.parquet"
    cut.write_bytes(data[: len(data) // 2])
    assert error_of([cut]).startswith(f"{cut}: cannot read as Parquet: ")
    garbled = tmp_path / "garbled.parquet"
    garbled.write_bytes(data[:4] + bytes([0xAB]) * 200 + data[204:])  # page headers and data overwritten
    assert error_of([garbled]).startswith(f"{garbled}:row 1: cannot read as Parquet: ")


def test_without_pyarrow_the_error_says_what_to_install(tmp_path, monkeypatch):
    p = write_parquet(tmp_path / "c.parquet", [{"id": "1", "text": "LED大灯"}])
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    assert error_of([p]) == (f"{p}: reading Parquet claim files needs pyarrow: "
                             "pip install 'specaudit[parquet]'")


@pytest.mark.parametrize("case", ["garbled", "no_text_column"])
def test_cli_one_line_and_exit_2(tmp_path, case):
    p = tmp_path / "copy.parquet"
    if case == "garbled":
        p.write_bytes(b"PAR1" + b"\x00" * 64 + b"PAR1")
    else:
        write_parquet(p, [{"id": "r1", "body": "全景天窗"}])
    out = tmp_path / "o.json"
    run = subprocess.run([sys.executable, "-m", "specaudit", "audit", "--spec", SPEC, str(p), "--format", "json",
                          "--output", str(out)], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 2, (run.stdout, run.stderr)
    assert "Traceback" not in run.stderr
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"specaudit: error: {p}: ")
    assert ("cannot read as Parquet" if case == "garbled" else "must have columns 'id' and 'text'") in lines[0]
    assert not out.exists()


# --------------------------------------------------------------------------- audit

def test_audit_of_parquet_equals_the_audit_of_the_same_jsonl(tmp_path):
    texts = ["全景天窗，通透敞亮", "标配LED大灯", "倒车影像全系标配", "这台车没有天窗", "买断Max版续航502公里",
             "租电版4.99万元起", "前排座椅加热可选装", "同级最大的14.6英寸中控屏"]
    rows = [{"id": f"c{i}", "text": texts[i % len(texts)] if i % 11 != 3 else "",
             "channel": ["web", "store", "faq"][i % 3],
             "specaudit_ignore": "sunroof: 图片是概念车" if i == 8 else None,
             "campaign": f"spring-{i % 4}"} for i in range(60)]
    p = write_parquet(tmp_path / "copy.parquet", rows, row_group_size=16)
    j = write_jsonl(tmp_path / "copy.jsonl", rows)
    options = AuditOptions(include_supported=True)
    from_parquet = apply_suppressions(audit([SPEC], [p], options=options))
    from_jsonl = apply_suppressions(audit([SPEC], [j], options=options))

    def plain(report, path):
        d = report.as_dict()
        d.pop("created")
        return json.loads(json.dumps(d, ensure_ascii=False).replace(json.dumps(path)[1:-1], "COPY"))

    assert plain(from_parquet, p) == plain(from_jsonl, j)
    verdicts = {r["verdict"] for r in from_parquet.as_dict()["results"]}
    assert {"contradicted", "supported"} <= verdicts
    assert any(f.suppressed for f in from_parquet.findings)  # the waiver column is honoured
    lines = {f.line for f in from_parquet.results}
    assert 4 not in lines and max(lines) > 16  # row numbers, across row groups; empty row 4 skipped
