"""Shared helpers: build small specs by hand so judgement tests read like the table they use;
make a small project folder for the CLI tests."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rules_helpers import AION_TRIMS, cached_lexicon
from specaudit.cells import parse_cell, row_kind_hint
from specaudit.model import Spec, SpecRow

AION_SPEC_CSV = Path(__file__).resolve().parents[1] / "specs" / "aion-ut-super.csv"


def make_spec(model: str, trims: list[str], rows: list[tuple[str, list[str]]], source: str = "spec.csv") -> Spec:
    spec_rows = []
    for r, (feature, raws) in enumerate(rows, start=2):
        hint = row_kind_hint(raws)
        cells = tuple(
            parse_cell(raw, ref=f"{source}:{chr(ord('C') + i)}{r}", model=model, trim=trim,
                       section="", feature=feature, row_kind_hint=hint)
            for i, (trim, raw) in enumerate(zip(trims, raws)))
        spec_rows.append(SpecRow(model, "", feature, cells))
    return Spec(model, source, tuple(trims), tuple(spec_rows))


def aion_spec_of(rows: list[tuple[str, list[str]]]) -> Spec:
    """The 埃安UT super, its three trims (AION_TRIMS) and just these rows."""
    return make_spec("埃安UT super", AION_TRIMS, rows)


def corvale_spec_of(rows: list[tuple[str, list[str]]]) -> Spec:
    """The Corvale E5, two of its trims (Standard Range, Long Range) and just these rows."""
    return make_spec("Corvale E5", ["Standard Range", "Long Range"], rows)


@pytest.fixture
def lexicon_once(monkeypatch):
    """Each lexicon loaded once per session, for modules that run many small audits:
    ``pytestmark = pytest.mark.usefixtures("lexicon_once")``."""
    cached_lexicon(monkeypatch)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def make_project(tmp_path: Path, monkeypatch, files: dict[str, str]) -> Path:
    """A project in tmp_path: specs/ with the 埃安UT super spec sheet, these files (relative path ->
    text), and tmp_path as the working directory."""
    (tmp_path / "specs").mkdir()
    shutil.copy(AION_SPEC_CSV, tmp_path / "specs" / AION_SPEC_CSV.name)
    for name, text in files.items():
        write(tmp_path / name, text)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def aion_spec() -> Spec:
    return make_spec("埃安UT super", ["租电版", "买断版", "买断Max版"], [
        ("厂商指导价", ["¥49,900", "¥89,900", "¥99,900"]),
        ("轴距", ["2,750 mm", "2,750 mm", "2,750 mm"]),
        ("电池容量", ["51.9 kWh", "51.9 kWh", "60.0 kWh"]),
        ("CLTC纯电续航里程", ["430 km", "430 km", "502 km"]),
        ("电池租用每月基础里程", ["3,000 km", "-", "-"]),
        ("超出里程费用", ["0.2 元/km", "-", "-"]),
        ("电动天窗", ["-", "-", "-"]),
        ("全景天幕", ["-", "-", "-"]),
        ("全景遮阳帘", ["-", "-", "-"]),
        ("前排座椅加热", ["○ ¥1,500", "○ ¥1,500", "●"]),
        ("360度全景影像", ["-", "-", "●"]),
        ("自动紧急制动", ["●", "●", "●"]),
        ("电池类型", ["磷酸铁锂", "磷酸铁锂", "磷酸铁锂"]),
        ("0-100 km/h加速时间", ["10.9 s", "10.9 s", "9.9 s"]),
    ])


@pytest.fixture
def corvale_spec() -> Spec:
    return make_spec("Corvale E5", ["Standard Range", "Long Range RWD", "Long Range AWD", "Performance"], [
        ("MSRP", ["$42,990", "$46,990", "$49,990", "$57,990"]),
        ("WLTP range", ["480 km", "630 km", "602 km", "560 km"]),
        ("Power sunroof", ["O ($1,200)", "—", "—", "—"]),
        ("Panoramic fixed glass roof", ["—", "S", "S", "S"]),
        ("Power sunshade", ["—", "O", "O", "S"]),
        ("Heated front seats", ["S", "S", "S", "S"]),
        ("Ventilated front seats", ["—", "O", "O", "S"]),
        ("Head-up display", ["—", "O", "O", "S"]),
        ("0-100 km/h", ["6.9 s", "5.6 s", "4.6 s", "3.6 s"]),
    ])
