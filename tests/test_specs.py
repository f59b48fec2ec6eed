"""The spec-table loading stage: formats, encodings, cell conventions and bad input."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import openpyxl
import pytest

from specaudit.cells import parse_cell, row_kind_hint
from specaudit.errors import InputError
from specaudit.model import Availability, CellKind
from specaudit.specs import FRAME_COLUMNS, load_spec, load_specs, specs_frame

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "specs" / "aion-ut-super.csv"

WIDE_CSV = """section,feature,Trim A,Trim B
Body,Power sunroof,-,○
Body,Panoramic sunshade,●,●
Battery,CLTC range,420 km,500 km
Battery,Battery rent,¥399,-
"""


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def cell(spec, feature, trim):
    return spec.row(feature).cells[spec.trims.index(trim)]


def raises_input_error(fn, *args, **kwargs) -> InputError:
    with pytest.raises(InputError) as info:
        fn(*args, **kwargs)
    err = info.value
    assert "\n" not in str(err)
    return err


def make_book(path: Path, sheets: dict[str, list[list]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
    book.save(path)
    return path


# ---------------------------------------------------------------- CSV, wide form

def test_csv_wide_form(tmp_path):
    path = write(tmp_path, "demo.csv", WIDE_CSV)
    [spec] = load_spec(path)
    assert spec.model == "demo"
    assert spec.source == str(path)
    assert spec.trims == ("Trim A", "Trim B")
    assert [r.feature for r in spec.rows] == ["Power sunroof", "Panoramic sunshade", "CLTC range", "Battery rent"]
    assert spec.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()

    sunroof = cell(spec, "Power sunroof", "Trim A")
    assert (sunroof.kind, sunroof.availability) == (CellKind.AVAILABILITY, Availability.ABSENT)
    assert cell(spec, "Power sunroof", "Trim B").availability is Availability.OPTIONAL
    assert cell(spec, "Panoramic sunshade", "Trim A").availability is Availability.STANDARD
    assert sunroof.ref == f"{path}:C2"
    assert cell(spec, "CLTC range", "Trim B").ref == f"{path}:D4"

    rng = cell(spec, "CLTC range", "Trim B")
    assert (rng.kind, rng.value, rng.unit, rng.section) == (CellKind.VALUE, 500.0, "km", "Battery")
    assert spec.row("CLTC range").kind is CellKind.VALUE
    # a lone dash in a value row is "not applicable", not "absent"
    rent = cell(spec, "Battery rent", "Trim B")
    assert rent.kind is CellKind.NOT_APPLICABLE and rent.availability is None
    assert cell(spec, "Battery rent", "Trim A").value == 399.0


def test_model_kwarg_and_str_path(tmp_path):
    path = write(tmp_path, "demo.csv", WIDE_CSV)
    [spec] = load_spec(str(path), model="Aion UT")
    assert spec.model == "Aion UT"
    assert {c.model for r in spec.rows for c in r.cells} == {"Aion UT"}


def test_crlf_and_chinese_headers_without_section(tmp_path):
    text = "配置,租电版,买断版\r\n电动天窗,-,-\r\n开票城市,广州、上海,广州、上海\r\n"
    [spec] = load_spec(write(tmp_path, "ut.csv", text))
    assert spec.trims == ("租电版", "买断版")
    city = cell(spec, "开票城市", "买断版")
    assert (city.kind, city.text, city.section) == (CellKind.TEXT, "广州、上海", "")
    assert spec.row("电动天窗").kind is CellKind.AVAILABILITY


@pytest.mark.parametrize("header", ["参数", "项目", "配置项", "名称", "Feature"])
def test_feature_header_synonyms(tmp_path, header):
    [spec] = load_spec(write(tmp_path, "t.csv", f"分类,{header},A\n外观,天窗,●\n"))
    assert spec.rows[0].feature == "天窗" and spec.rows[0].section == "外观"


def test_section_repeats_down_and_heading_rows(tmp_path):
    text = "section,feature,A,B\n外观,天窗,●,●\n,轮毂,●,-\n座椅,,,\n,座椅加热,●,○\n"
    [spec] = load_spec(write(tmp_path, "t.csv", text))
    assert [(r.section, r.feature) for r in spec.rows] == [("外观", "天窗"), ("外观", "轮毂"), ("座椅", "座椅加热")]


def test_blank_lines_keep_spreadsheet_row_numbers(tmp_path):
    text = "\nfeature,A\n\n天窗,●\n"
    [spec] = load_spec(write(tmp_path, "t.csv", text))
    assert spec.rows[0].cells[0].ref.endswith(":B4")


def test_semicolon_and_tsv(tmp_path):
    [semi] = load_spec(write(tmp_path, "semi.csv", "feature;A;B\nRange;420 km;500 km\n"))
    assert cell(semi, "Range", "B").value == 500.0
    [tsv] = load_spec(write(tmp_path, "t.tsv", "feature\tA\nPrice\t$42,990\n"))
    assert (cell(tsv, "Price", "A").value, cell(tsv, "Price", "A").unit) == (42990.0, "USD")


# ---------------------------------------------------------------- encodings

GBK_TEXT = "分类,配置,租电版,买断版\n外观,电动天窗,-,-\n电池,电池类型,磷酸铁锂,磷酸铁锂\n价格,厂商指导价,\"￥49,900\",\"￥89,900\"\n"


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_gbk_csv(tmp_path, encoding):
    path = write(tmp_path, "gbk.csv", GBK_TEXT, encoding)
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    [spec] = load_spec(path)
    assert spec.trims == ("租电版", "买断版")
    assert cell(spec, "电池类型", "租电版").text == "磷酸铁锂"
    assert (cell(spec, "厂商指导价", "买断版").value, cell(spec, "厂商指导价", "买断版").unit) == (89900.0, "CNY")


def test_utf8_bom(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + WIDE_CSV.encode("utf-8"))
    [spec] = load_spec(path)
    assert spec.rows[0].section == "Body"  # the BOM is not part of the 'section' header
    assert spec.trims == ("Trim A", "Trim B")


def test_utf16_with_bom(tmp_path):
    path = tmp_path / "u16.tsv"
    path.write_bytes("feature\tA\n天窗\t●\n".encode("utf-16"))
    [spec] = load_spec(path)
    assert cell(spec, "天窗", "A").availability is Availability.STANDARD


def test_undecodable_file(tmp_path):
    path = tmp_path / "bin.csv"
    path.write_bytes(bytes(range(256)) * 8)
    err = raises_input_error(load_spec, path)
    assert err.path == str(path)
    assert "decode" in err.message or "binary" in err.message


# ---------------------------------------------------------------- cell conventions

def test_english_symbols_and_notes(tmp_path):
    text = ("section,feature,Standard Range,Performance\n"
            "Exterior,Power sunroof,\"O ($1,200)\",—\n"
            "Exterior,Glass roof,—,S\n"
            "Interior,Heated seats,Standard,optional\n"
            "Interior,HUD,No,YES\n"
            "Tech,Wireless charging,●(50W),✓\n"
            "Tech,Speakers,8 speakers,14 speakers\n"
            "Tech,Cooled seats,N/A,√\n"
            "Tech,Towbar,✗,×\n"
            "Tech,Fridge,,O\n")
    [spec] = load_spec(write(tmp_path, "e5.csv", text))
    sunroof = cell(spec, "Power sunroof", "Standard Range")
    assert (sunroof.availability, sunroof.note, sunroof.text, sunroof.raw) == (
        Availability.OPTIONAL, "$1,200", "$1,200", "O ($1,200)")
    assert cell(spec, "Power sunroof", "Performance").availability is Availability.ABSENT
    assert cell(spec, "Glass roof", "Performance").availability is Availability.STANDARD
    assert cell(spec, "Heated seats", "Standard Range").availability is Availability.STANDARD
    assert cell(spec, "Heated seats", "Performance").availability is Availability.OPTIONAL
    assert cell(spec, "HUD", "Standard Range").availability is Availability.ABSENT
    assert cell(spec, "HUD", "Performance").availability is Availability.STANDARD
    charging = cell(spec, "Wireless charging", "Standard Range")
    assert (charging.availability, charging.note) == (Availability.STANDARD, "50W")
    assert cell(spec, "Wireless charging", "Performance").availability is Availability.STANDARD
    speakers = cell(spec, "Speakers", "Performance")
    assert (speakers.kind, speakers.value, speakers.unit) == (CellKind.VALUE, 14.0, "count")
    # N/A and empty cells in an availability row are absent
    assert cell(spec, "Cooled seats", "Standard Range").availability is Availability.ABSENT
    assert cell(spec, "Towbar", "Standard Range").availability is Availability.ABSENT
    assert cell(spec, "Towbar", "Performance").availability is Availability.ABSENT
    fridge = cell(spec, "Fridge", "Standard Range")
    assert (fridge.kind, fridge.availability, fridge.raw) == (CellKind.AVAILABILITY, Availability.ABSENT, "")


def test_chinese_words_and_notes(tmp_path):
    text = ("feature,入门,高配\n"
            "座椅加热,\"○ ¥3,000\",●(高配)\n"
            "天窗,选装,标配\n"
            "雷达,无,选配\n"
            "氛围灯,●（高配）,-（无）\n")
    [spec] = load_spec(write(tmp_path, "t.csv", text))
    heat = cell(spec, "座椅加热", "入门")
    assert (heat.availability, heat.note) == (Availability.OPTIONAL, "¥3,000")
    assert cell(spec, "座椅加热", "高配").note == "高配"
    assert [c.availability for c in spec.row("天窗").cells] == [Availability.OPTIONAL, Availability.STANDARD]
    assert [c.availability for c in spec.row("雷达").cells] == [Availability.ABSENT, Availability.OPTIONAL]
    assert cell(spec, "氛围灯", "入门").note == "高配"  # full-width brackets
    assert (cell(spec, "氛围灯", "高配").availability, cell(spec, "氛围灯", "高配").note) == (Availability.ABSENT, "无")


@pytest.mark.parametrize("raw, value, unit", [
    ("510 km", 510.0, "km"), ("60.0 kWh", 60.0, "kWh"), ("7.9 s", 7.9, "s"),
    ("¥89,800", 89800.0, "CNY"), ("$42,990", 42990.0, "USD"), ("1,820 mm", 1820.0, "mm"),
    ("0.2 元/km", 0.2, "CNY/km"), ("5.3 L/100km", 5.3, "L/100km"), ("180 N·m", 180.0, "Nm"),
    ("16 英寸", 16.0, "in"), ("8 speakers", 8.0, "count"), ("5 座", 5.0, "count"),
    ("8 个", 8.0, "count"), ("4 years", 4.0, "year"), ("4 年", 4.0, "year"),
    ("150 km/h", 150.0, "km/h"), ("3,000 km", 3000.0, "km"),
])
def test_value_cells(raw, value, unit):
    c = parse_cell(raw, ref="t.csv:C2", model="M", trim="A", section="S", feature="F",
                   row_kind_hint=CellKind.VALUE)
    assert (c.kind, c.value, c.unit, c.raw, c.note) == (CellKind.VALUE, value, unit, raw, None)
    assert (c.model, c.trim, c.section, c.feature, c.ref) == ("M", "A", "S", "F", "t.csv:C2")


def test_minutes_are_a_time_value():
    c = parse_cell("24 min", ref="t.csv:C2", model="M", trim="A", section="", feature="快充")
    assert c.kind is CellKind.VALUE and c.unit is not None and c.value > 0


def test_value_with_bracketed_note_and_bare_number():
    c = parse_cell("510 km (CLTC)", ref="r", model="M", trim="A", section="", feature="Range")
    assert (c.kind, c.value, c.unit, c.note) == (CellKind.VALUE, 510.0, "km", "CLTC")
    bare = parse_cell("5", ref="r", model="M", trim="A", section="", feature="Seats")
    assert (bare.kind, bare.value, bare.unit) == (CellKind.VALUE, 5.0, None)


@pytest.mark.parametrize("raw", ["-", "—", "–", "N/A", "n/a", ""])
def test_dash_depends_on_row_kind(raw):
    kw = dict(ref="r", model="M", trim="A", section="", feature="F")
    in_value_row = parse_cell(raw, row_kind_hint=CellKind.VALUE, **kw)
    assert in_value_row.kind is CellKind.NOT_APPLICABLE and in_value_row.availability is None
    in_text_row = parse_cell(raw, row_kind_hint=CellKind.TEXT, **kw)
    assert in_text_row.kind is CellKind.NOT_APPLICABLE
    for hint in (CellKind.AVAILABILITY, None):
        c = parse_cell(raw, row_kind_hint=hint, **kw)
        assert (c.kind, c.availability) == (CellKind.AVAILABILITY, Availability.ABSENT)


def test_text_cells_are_not_symbols():
    kw = dict(ref="r", model="M", trim="A", section="", feature="F", row_kind_hint=CellKind.TEXT)
    for raw in ["磷酸铁锂", "5门5座两厢车", "广州、上海", "RWD", "前驱", "OTA", "No parking sensors"]:
        c = parse_cell(raw, **kw)
        assert (c.kind, c.text, c.availability) == (CellKind.TEXT, raw, None), raw


def test_row_kind_hint():
    assert row_kind_hint(["●", "-", "○ ¥1,500", ""]) is CellKind.AVAILABILITY
    assert row_kind_hint(["-", "-"]) is CellKind.AVAILABILITY
    assert row_kind_hint(["¥399", "-", "-"]) is CellKind.VALUE
    assert row_kind_hint(["前驱", "—"]) is CellKind.VALUE


def test_text_row_dash_and_mixed_row(tmp_path):
    text = "feature,A,B,C\nDrivetrain,RWD,-,AWD\nFast charge,-,20 min,●\n"
    [spec] = load_spec(write(tmp_path, "t.csv", text))
    assert cell(spec, "Drivetrain", "B").kind is CellKind.NOT_APPLICABLE
    assert spec.row("Drivetrain").kind is CellKind.TEXT
    assert cell(spec, "Fast charge", "A").kind is CellKind.NOT_APPLICABLE
    assert cell(spec, "Fast charge", "C").availability is Availability.STANDARD


def test_shipped_example():
    [spec] = load_spec(EXAMPLE)
    assert spec.trims == ("租电版", "买断版", "买断Max版")
    assert 45 <= len(spec.rows) <= 55
    for roof in ("电动天窗", "全景天幕", "全景遮阳帘"):
        assert [c.availability for c in spec.row(roof).cells] == [Availability.ABSENT] * 3
    assert [c.value for c in spec.row("厂商指导价").cells] == [49900.0, 89900.0, 99900.0]
    assert [c.value for c in spec.row("CLTC纯电续航里程").cells] == [430.0, 430.0, 502.0]
    assert [c.value for c in spec.row("电池容量").cells] == [51.9, 51.9, 60.0]
    rent = spec.row("电池租用月租金").cells
    assert (rent[0].value, rent[0].unit) == (399.0, "CNY")
    assert [c.kind for c in rent[1:]] == [CellKind.NOT_APPLICABLE] * 2
    assert spec.row("电池租用每月基础里程").cells[0].value == 3000.0
    assert (spec.row("超出里程费用").cells[0].value, spec.row("超出里程费用").cells[0].unit) == (0.2, "CNY/km")
    assert spec.row("未用里程结转次月").cells[0].availability is Availability.STANDARD
    assert spec.row("开票城市").cells[0].text == "广州、上海"
    heat = spec.row("前排座椅加热").cells
    assert [(c.availability, c.note) for c in heat] == [
        (Availability.OPTIONAL, "¥1,500"), (Availability.OPTIONAL, "¥1,500"), (Availability.STANDARD, None)]
    assert any(c.note == "高配" for r in spec.rows for c in r.cells)


# ---------------------------------------------------------------- XLSX

def test_xlsx_two_sheets(tmp_path):
    path = make_book(tmp_path / "book.xlsx", {
        "Aion UT": [["section", "feature", "租电版", "买断版"],
                    ["外观", "电动天窗", "-", "-"],
                    ["价格", "厂商指导价", "¥49,900", 89900],
                    ["座椅", "前排座椅加热", True, None]],
        "Corvale E5": [["Feature", "Base", "Top"], ["Power sunroof", "O ($1,200)", "—"]],
    })
    specs = load_spec(path)
    assert [s.model for s in specs] == ["Aion UT", "Corvale E5"]
    aion, e5 = specs
    assert aion.trims == ("租电版", "买断版")
    price = cell(aion, "厂商指导价", "买断版")
    assert (price.kind, price.value, price.unit, price.raw) == (CellKind.VALUE, 89900.0, None, "89900")
    assert cell(aion, "厂商指导价", "租电版").unit == "CNY"
    assert cell(aion, "电动天窗", "买断版").ref == f"{path}[Aion UT]!D2"
    assert cell(aion, "前排座椅加热", "租电版").availability is Availability.STANDARD  # TRUE
    assert cell(aion, "前排座椅加热", "买断版").availability is Availability.ABSENT    # empty
    assert cell(e5, "Power sunroof", "Base").note == "$1,200"
    assert all(s.sha256 == hashlib.sha256(path.read_bytes()).hexdigest() for s in specs)


def test_xlsx_named_sheet_and_single_sheet_model(tmp_path):
    two = make_book(tmp_path / "two.xlsx", {
        "A": [["feature", "X"], ["天窗", "●"]],
        "B": [["feature", "Y"], ["天窗", "○"]],
    })
    [spec] = load_spec(two, sheet="B")
    assert (spec.model, spec.trims) == ("B", ("Y",))
    [named] = load_spec(two, sheet="A", model="UT")
    assert named.model == "UT"
    one = make_book(tmp_path / "solo.xlsx", {"Sheet1": [["feature", "X"], ["天窗", "●"]]})
    assert [s.model for s in load_spec(one)] == ["solo"]
    err = raises_input_error(load_spec, two, sheet="C")
    assert "no sheet named 'C'" in err.message and err.path == str(two)


def test_xlsx_merged_cells_are_filled(tmp_path):
    path = tmp_path / "merged.xlsx"
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "UT"
    for row in [["分类", "配置", "A", "B", "C"], ["外观", "LED大灯", "●", None, None], [None, "天窗", "-", "-", "●"]]:
        ws.append(row)
    ws.merge_cells("C2:E2")
    ws.merge_cells("A2:A3")
    book.save(path)
    [spec] = load_spec(path)
    assert [c.availability for c in spec.row("LED大灯").cells] == [Availability.STANDARD] * 3
    assert spec.row("天窗").section == "外观"


def test_xlsx_formula_without_cached_value(tmp_path):
    path = make_book(tmp_path / "f.xlsx", {"S": [["feature", "A"], ["Price", "=1+1"]]})
    err = raises_input_error(load_spec, path)
    assert err.where == "S!B2" and str(path) in str(err)


@pytest.mark.parametrize("content", [b"this is not a workbook", b"PK\x03\x04 truncated zip"])
def test_malformed_xlsx(tmp_path, content):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    err = raises_input_error(load_spec, path)
    assert err.path == str(path) and "workbook" in err.message


def test_corrupted_xlsx_zip(tmp_path):
    good = make_book(tmp_path / "good.xlsx", {"S": [["feature", "A"], ["天窗", "●"]]})
    data = bytearray(good.read_bytes())
    data[len(data) // 2: len(data) // 2 + 200] = b"\x00" * 200
    bad = tmp_path / "corrupt.xlsx"
    bad.write_bytes(bytes(data))
    err = raises_input_error(load_spec, bad)
    assert err.path == str(bad)


# ---------------------------------------------------------------- YAML and JSON

YAML_SPEC = """
model: Aion UT super
trims: [租电版, 买断版]
rows:
  - section: 外观
    feature: 电动天窗
    cells: {租电版: "-", 买断版: "-"}
  - section: 电池租用
    feature: 电池租用月租金
    cells: {租电版: "¥399", 买断版: "-"}
  - feature: 座位数
    cells: [5, 5]
  - feature: 座椅加热
    cells: {租电版: "○ ¥1,500", 买断版: Yes}
"""


def test_yaml_wide(tmp_path):
    path = write(tmp_path, "ut.yaml", YAML_SPEC)
    [spec] = load_spec(path)
    assert (spec.model, spec.trims) == ("Aion UT super", ("租电版", "买断版"))
    assert cell(spec, "电动天窗", "买断版").availability is Availability.ABSENT
    assert cell(spec, "电动天窗", "买断版").ref == f"{path}:rows[0].买断版"
    assert cell(spec, "电池租用月租金", "买断版").kind is CellKind.NOT_APPLICABLE
    assert cell(spec, "电池租用月租金", "租电版").value == 399.0
    assert cell(spec, "座位数", "买断版").value == 5.0
    assert cell(spec, "座椅加热", "租电版").note == "¥1,500"
    assert cell(spec, "座椅加热", "买断版").availability is Availability.STANDARD  # YAML's Yes -> True
    assert spec.row("电池租用月租金").section == "电池租用"


def test_json_wide_and_derived_trims(tmp_path):
    doc = {"rows": [{"feature": "Power sunroof", "cells": {"Base": "O", "Top": "S"}},
                    {"feature": "Range", "cells": {"Base": "480 km", "Top": "N/A"}}]}
    path = write(tmp_path, "e5.json", json.dumps(doc))
    [spec] = load_spec(path)
    assert (spec.model, spec.trims) == ("e5", ("Base", "Top"))
    assert cell(spec, "Power sunroof", "Base").availability is Availability.OPTIONAL
    assert cell(spec, "Range", "Top").kind is CellKind.NOT_APPLICABLE


def test_json_long_form_records(tmp_path):
    records = [
        {"model": "E5", "section": "Body", "trim": "Base", "feature": "Sunroof", "value": "O"},
        {"model": "E5", "section": "Body", "trim": "Top", "feature": "Sunroof", "value": "-"},
        {"model": "E5", "trim": "Base", "feature": "Range", "value": "480 km"},
        {"model": "E5", "trim": "Top", "feature": "Range", "value": "-"},
    ]
    path = write(tmp_path, "long.json", json.dumps(records))
    [spec] = load_spec(path)
    assert (spec.model, spec.trims) == ("E5", ("Base", "Top"))
    assert cell(spec, "Sunroof", "Top").availability is Availability.ABSENT
    assert cell(spec, "Range", "Top").kind is CellKind.NOT_APPLICABLE
    assert cell(spec, "Range", "Base").ref == f"{path}:[2].value"


# ---------------------------------------------------------------- long-form CSV

def test_csv_long_form_two_models(tmp_path):
    text = ("model,section,trim,feature,value\n"
            "UT,外观,租电版,电动天窗,-\n"
            "UT,外观,买断版,电动天窗,-\n"
            "UT,价格,租电版,厂商指导价,\"¥49,900\"\n"
            "UT,价格,买断版,厂商指导价,\"¥89,900\"\n"
            "S5,外观,领先版,全景天幕,●\n")
    path = write(tmp_path, "long.csv", text)
    ut, s5 = load_spec(path)
    assert (ut.model, ut.trims, s5.model, s5.trims) == ("UT", ("租电版", "买断版"), "S5", ("领先版",))
    assert [r.feature for r in ut.rows] == ["电动天窗", "厂商指导价"]
    price = cell(ut, "厂商指导价", "买断版")
    assert (price.value, price.ref, price.section) == (89900.0, f"{path}:E5", "价格")
    assert cell(s5, "全景天幕", "领先版").availability is Availability.STANDARD


def test_long_form_without_model_column_uses_stem(tmp_path):
    [spec] = load_spec(write(tmp_path, "aion.csv", "trim,feature,value\nA,天窗,●\nB,天窗,○\n"))
    assert (spec.model, spec.trims) == ("aion", ("A", "B"))


# ---------------------------------------------------------------- folders and the frame

def test_load_specs_folders_sorted_and_deduplicated(tmp_path):
    (tmp_path / "b").mkdir()
    write(tmp_path / "b", "zeta.csv", "feature,A\n天窗,●\n")
    write(tmp_path, "alpha.yaml", "rows: [{feature: 天窗, cells: {A: '-'}}]\n")
    write(tmp_path, "README.md", "not a spec")
    extra = write(tmp_path, "extra.csv", "feature,A\nRange,500 km\n")
    specs = load_specs([tmp_path, extra])
    # sorted by path inside the folder ("b/zeta.csv" < "extra.csv"); extra.csv is not loaded twice
    assert [s.model for s in specs] == ["alpha", "zeta", "extra"]
    assert [s.model for s in load_specs([extra, tmp_path])] == ["extra", "alpha", "zeta"]
    assert specs[0].source == str(tmp_path / "alpha.yaml")


def test_load_specs_duplicate_model(tmp_path):
    a = write(tmp_path, "a.csv", "feature,A\n天窗,●\n")
    (tmp_path / "x").mkdir()
    b = write(tmp_path / "x", "a.csv", "feature,A\n天窗,-\n")
    err = raises_input_error(load_specs, [a, b])
    assert "'a'" in err.message and str(b) in str(err)


def test_load_specs_empty_folder(tmp_path):
    err = raises_input_error(load_specs, [tmp_path])
    assert err.path == str(tmp_path)


def test_specs_frame(tmp_path):
    [spec] = load_spec(write(tmp_path, "demo.csv", WIDE_CSV))
    df = specs_frame([spec])
    assert list(df.columns) == FRAME_COLUMNS
    assert len(df) == 8
    first = df.iloc[0]
    assert (first["model"], first["trim"], first["feature"], first["kind"], first["availability"]) == (
        "demo", "Trim A", "Power sunroof", "availability", "absent")
    rng = df[(df.feature == "CLTC range") & (df.trim == "Trim B")].iloc[0]
    assert (rng["value"], rng["unit"], rng["raw"], rng["ref"]) == (500.0, "km", "500 km", f"{tmp_path / 'demo.csv'}:D4")
    assert set(df.kind) == {"availability", "value", "na"}
    empty = specs_frame([])
    assert list(empty.columns) == FRAME_COLUMNS and len(empty) == 0


# ---------------------------------------------------------------- bad input

def test_missing_file(tmp_path):
    err = raises_input_error(load_spec, tmp_path / "nope.csv")
    assert err.path == str(tmp_path / "nope.csv") and "no such file" in err.message


def test_unsupported_suffix(tmp_path):
    err = raises_input_error(load_spec, write(tmp_path, "t.xls", "x"))
    assert ".xlsx" in err.message


def test_too_large(tmp_path, monkeypatch):
    import specaudit.specs as specs_module
    monkeypatch.setattr(specs_module, "MAX_BYTES", 10)
    err = raises_input_error(load_spec, write(tmp_path, "big.csv", WIDE_CSV))
    assert "larger than" in err.message


@pytest.mark.parametrize("text, words", [
    ("", "empty"),
    ("\n  \n", "empty"),
    ("section,feature,A,B\n", "only a header"),
    ("外观,电动天窗,-,-\n外观,全景天幕,-,-\n", "no feature column"),
    ("feature\n天窗\n", "no trim columns"),
])
def test_empty_or_headerless(tmp_path, text, words):
    path = write(tmp_path, "t.csv", text)
    err = raises_input_error(load_spec, path)
    assert words in err.message and err.path == str(path)


@pytest.mark.parametrize("symbol", ["◎", "?", "★"])
def test_unknown_symbol_names_the_cell(tmp_path, symbol):
    path = write(tmp_path, "t.csv", f"section,feature,A,B,C\n外观,天窗,●,-,○\n外观,天幕,●,-,{symbol}\n")
    err = raises_input_error(load_spec, path)
    assert (err.path, err.where) == (str(path), "E3")
    assert symbol in err.message and "天幕" in err.message
    assert str(err).startswith(f"{path}:E3: ")


def test_unknown_symbol_in_xlsx_names_sheet_and_cell(tmp_path):
    path = make_book(tmp_path / "b.xlsx", {"UT": [["feature", "A", "B"], ["天窗", "●", "◎"]]})
    err = raises_input_error(load_spec, path)
    assert (err.path, err.where) == (str(path), "UT!C2")


def test_duplicate_feature_row(tmp_path):
    path = write(tmp_path, "t.csv", "section,feature,A\n外观,天窗,●\n座椅,加热,●\n车身,天窗,-\n")
    err = raises_input_error(load_spec, path)
    assert err.where == "B4" and "B2" in err.message and "天窗" in err.message


def test_duplicate_trim_feature_pair_in_long_form(tmp_path):
    path = write(tmp_path, "long.csv", "trim,feature,value\nA,天窗,●\nB,天窗,-\nA,天窗,○\n")
    err = raises_input_error(load_spec, path)
    assert err.where == "B4" and "B2" in err.message and "twice" in err.message


def test_long_form_missing_pair(tmp_path):
    path = write(tmp_path, "long.csv", "trim,feature,value\nA,天窗,●\nB,天窗,-\nA,天幕,●\n")
    err = raises_input_error(load_spec, path)
    assert "天幕" in err.message and "'B'" in err.message and err.where == "B4"


def test_malformed_csv_quote(tmp_path):
    path = write(tmp_path, "q.csv", 'feature,A\n天窗,●\nfoo,"bar\n')
    err = raises_input_error(load_spec, path)
    assert err.path == str(path) and "malformed CSV" in err.message and err.where.startswith("line")


def test_duplicate_trim_column(tmp_path):
    err = raises_input_error(load_spec, write(tmp_path, "t.csv", "feature,A,A\n天窗,●,●\n"))
    assert err.where == "C1" and "B1" in err.message


def test_cells_without_header_or_feature(tmp_path):
    err = raises_input_error(load_spec, write(tmp_path, "t.csv", "feature,A,\n天窗,●,●\n"))
    assert err.where == "C2"
    err = raises_input_error(load_spec, write(tmp_path, "u.csv", "feature,A\n天窗,●\n,●\n"))
    assert err.where == "A3" and "no feature" in err.message


@pytest.mark.parametrize("text, where", [
    ("[1, 2, 3]", "[0]"),
    ("just text", None),
    ("model: X\n", "rows"),
    ("rows: {a: 1}\n", "rows"),
    ("rows:\n  - feature: 天窗\n    cells: {A: [1, 2]}\n", "rows[0].A"),
    ("rows:\n  - cells: {A: ●}\n", "rows[0].feature"),
    ("rows:\n  - feature: 天窗\n    cell: {A: ●}\n", "rows[0].cell"),
    ("trims: [A]\nrows:\n  - feature: 天窗\n    cells: {B: ●}\n", "rows[0].cells"),
    ("modle: X\nrows: []\n", "modle"),
    ("rows: [\n", "line 2"),
])
def test_yaml_wrong_shape(tmp_path, text, where):
    path = write(tmp_path, "bad.yaml", text)
    err = raises_input_error(load_spec, path)
    assert err.path == str(path) and err.where == where


def test_yaml_duplicate_feature_names_both_rows(tmp_path):
    text = "rows:\n  - {feature: 天窗, cells: {A: ●}}\n  - {feature: 天幕, cells: {A: ●}}\n  - {feature: 天窗, cells: {A: '-'}}\n"
    err = raises_input_error(load_spec, write(tmp_path, "d.yaml", text))
    assert err.where == "rows[2]" and "rows[0]" in err.message


def test_json_errors(tmp_path):
    err = raises_input_error(load_spec, write(tmp_path, "a.json", '{"rows": [\n'))
    assert err.where == "line 2"
    err = raises_input_error(load_spec, write(tmp_path, "b.json", '[{"trim": "A", "value": "●"}]'))
    assert err.where == "[0]" and "feature" in err.message
    err = raises_input_error(load_spec, write(tmp_path, "c.json", '{"rows": [], "rows": []}'))
    assert "duplicate key" in err.message
    err = raises_input_error(load_spec, write(tmp_path, "d.json", "null"))
    assert "empty" in err.message


def test_unknown_symbol_in_yaml_names_the_key(tmp_path):
    path = write(tmp_path, "s.yaml", "rows:\n  - {feature: 天窗, cells: {A: ●, B: ◎}}\n")
    err = raises_input_error(load_spec, path)
    assert (err.path, err.where) == (str(path), "rows[0].B")


def test_sheet_on_csv_and_folder_given_to_load_spec(tmp_path):
    path = write(tmp_path, "t.csv", WIDE_CSV)
    assert "xlsx" in raises_input_error(load_spec, path, sheet="S").message
    assert "folder" in raises_input_error(load_spec, tmp_path).message


def test_model_kwarg_with_several_tables(tmp_path):
    book = make_book(tmp_path / "two.xlsx", {"A": [["feature", "X"], ["天窗", "●"]],
                                             "B": [["feature", "Y"], ["天窗", "○"]]})
    assert "sheet=" in raises_input_error(load_spec, book, model="UT").message


def test_heading_rows_without_a_section_column_name_the_section(tmp_path):
    path = tmp_path / "headings.csv"
    path.write_text("配置,A,B\n座椅,,\n前排座椅加热,●,○\n外观,,\n电动天窗,-,●\n", encoding="utf-8")
    (spec,) = load_spec(path)
    assert [(r.section, r.feature) for r in spec.rows] == [("座椅", "前排座椅加热"), ("外观", "电动天窗")]


def test_column_letters_are_the_spreadsheet_names():
    # cell references in errors and findings ("specs/x.csv:C5") name columns as a spreadsheet does
    from openpyxl.utils import get_column_letter

    from specaudit.specs import column_letter

    assert [column_letter(n) for n in (1, 26, 27, 52, 53, 702, 703, 16384)] == \
        ["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA", "XFD"]
    assert all(column_letter(n) == get_column_letter(n) for n in range(1, 18279))  # (openpyxl stops at ZZZ)
