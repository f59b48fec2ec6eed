"""Prohibited wording: the absolute terms of China's Advertising Law, Article 9(3), with the usual
exceptions; an opt-in English pack of unsubstantiated superlatives."""
from __future__ import annotations

import pytest

from conftest import aion_spec_of, corvale_spec_of, make_spec
from rules_helpers import claim, of, run


pytestmark = pytest.mark.usefixtures("lexicon_once")


@pytest.fixture
def spec():
    return aion_spec_of([
        ("CLTC纯电续航里程", ["430 km", "430 km", "502 km"]),
        ("最高车速", ["150 km/h", "150 km/h", "150 km/h"]),
        ("中控屏尺寸", ["14.6 英寸", "14.6 英寸", "14.6 英寸"]),
        ("前排座椅加热", ["○ ¥1,500", "○ ¥1,500", "●"]),
    ])


@pytest.fixture
def spec_en():
    return corvale_spec_of([
        ("WLTP range", ["480 km", "630 km"]), ("Heated front seats", ["S", "S"])])


def terms(report):
    return [f.match for f in of(report, "prohibited")]


@pytest.mark.parametrize("text, expected", [
    ("同级最大的14.6英寸中控屏，信息一眼看清。", ["最"]),
    ("史上最具性价比的国民好车，没有之一！", ["史上", "最", "没有之一"]),
    ("国家级安全标准，顶级智能座舱。", ["国家级", "顶级"]),
    ("这是同价位最好的纯电小车。", ["最好"]),
    ("銷量全國第一的純電小車。", ["第一"]),                  # traditional script
    ("100%安心。", ["100%"]),
    ("同级最长续航，一次充电跑502公里。", ["最"]),           # an exception word, but after a comparison
])
def test_absolute_terms_are_prohibited(spec, text, expected):
    assert terms(run(spec, [text])) == expected


@pytest.mark.parametrize("text", [
    "CLTC纯电续航430公里起，买断Max版最长可达502公里。",   # a figure the spec supports
    "最高车速150km/h，高速超车不吃力。",                     # a spec term
    "第一排座椅支持加热。",
    "年轻人的第一台纯电小车。",
    "最近一次OTA升级新增了语音助手。",
    "14.6英寸中控屏，信息一眼看清。",
])
def test_exceptions_are_not_prohibited(spec, text):
    assert terms(run(spec, [text])) == []


def test_a_figure_the_spec_does_not_support_is_no_excuse(spec):
    assert terms(run(spec, ["买断Max版最长可达600公里。"])) == ["最"]


def test_the_finding_points_at_the_term_and_carries_its_rationale(spec):
    (f,) = of(run(spec, [claim("广汽出品。同级最大的中控屏。", "page.md", line=31, column=1)]), "prohibited")
    assert (f.line, f.column, f.match, f.rule, f.severity) == (31, 8, "最", "ad-law-cn/superlatives", "error")
    assert "第九条" in f.rationale and "第九条" in f.message and f.suggestion.startswith("删除«最»")
    assert f.text == "同级最大的中控屏。"


def test_english_pack_is_opt_in(spec_en):
    assert terms(run(spec_en, ["The best electric sedan you can buy."])) == []
    assert terms(run(spec_en, ["100% electric, 0% compromise."])) == []  # the Chinese pack reads Chinese only


@pytest.mark.parametrize("text, expected", [
    ("Best-in-class range for a compact EV.", ["Best-in-class"]),
    ("The Corvale E5 is simply the best electric sedan you can buy.", ["the best"]),
    ("The #1 electric sedan in Europe, and unbeatable value.", ["#1", "unbeatable"]),
    ("A world's first for a family EV.", ["world's first"]),
])
def test_english_terms_with_the_pack(spec_en, text, expected):
    assert terms(run(spec_en, [text], packs=("ad-law-en",))) == expected


@pytest.mark.parametrize("text", [
    "Up to 630 km WLTP range on the Long Range.",
    "The best part? Heated front seats on every trim.",
    "Trim #12 of the series.",
    "Row one seats are heated; the first service is free.",
    "Bestow it on yourself.",
])
def test_english_non_matches(spec_en, text):
    assert terms(run(spec_en, [text], packs=("ad-law-en",))) == []


def test_one_scan_for_every_term():
    from specaudit.rules import load_rules
    from specaudit.rules.common import Stamp
    from specaudit.rules.prohibited import Runner

    runner = Runner([r for r in load_rules(["ad-law-cn", "ad-law-en"]) if r.kind == "prohibited"], Stamp())
    assert runner.scan._find is not None and len(runner.scan.patterns) > 40


def test_a_term_inside_the_name_of_a_spec_row_is_a_spec_term():
    spec = make_spec("凌川 S5", ["领先版", "旗舰版"], [("最大快充功率", ["180 kW", "240 kW"])])
    assert terms(run(spec, ["最大快充功率240kW，充电10分钟续航200公里。"])) == []
    assert terms(run(spec, ["同级最大快充功率240kW。"])) == ["最"]
