"""Disclosure rules: copy that mentions battery rental, zero down or a subsidy must state the terms
that go with it, in the same document, as the spec states them; only what is missing is reported."""
from __future__ import annotations

import pytest

from conftest import make_spec
from rules_helpers import cached_lexicon, AION_TRIMS, claim, of, run


@pytest.fixture(autouse=True)
def _one_lexicon(monkeypatch):
    cached_lexicon(monkeypatch)


@pytest.fixture
def rental_spec():
    return make_spec("埃安UT super", AION_TRIMS, [
        ("厂商指导价", ["¥49,900", "¥89,900", "¥99,900"]),
        ("电池租用月租金", ["¥399", "-", "-"]),
        ("电池租用每月基础里程", ["3,000 km", "-", "-"]),
        ("超出里程费用", ["0.2 元/km", "-", "-"]),
        ("前排座椅加热", ["○ ¥1,500", "○ ¥1,500", "●"]),
    ])


@pytest.fixture
def rental_spec_en():
    return make_spec("Corvale E5", ["Standard Range", "Long Range"], [
        ("Battery rental monthly mileage", ["1,500 km", "-"]),
        ("Excess mileage charge", ["$0.05/km", "-"]),
    ])


def test_rent_without_the_mileage_cap_is_undisclosed_and_names_what_is_missing(rental_spec):
    page = [claim("选择租电版，入手价仅49,900元，电池月租399元/月，每月开销一目了然。", "page.md", line=20),
            claim("电量不够就去换电站，几分钟满电出发。", "page.md", line=21)]
    (f,) = of(run(rental_spec, page), "undisclosed")
    assert f.rule == "disclosure-cn/battery-rental" and f.severity == "error"
    assert (f.source, f.line, f.column, f.match) == ("page.md", 20, 3, "租电")
    assert "每月基础里程 (the spec: 3,000 km)" in f.message and "超出里程费用 (the spec: 0.2 元/km)" in f.message
    assert f.suggestion == "Add: 租电版每月含3,000 km基础里程，超出部分按0.2 元/km计费。"
    assert f.trims == ("租电版",) and f.rationale


def test_only_the_missing_term_is_named(rental_spec):
    (f,) = of(run(rental_spec, ["租电版月租399元，超出部分每公里0.2元。"]), "undisclosed")
    assert "每月基础里程" in f.message and "超出里程费用" not in f.message
    assert f.feature == "电池租用每月基础里程"


@pytest.mark.parametrize("text", [
    "租电版电池月租399元，每月含3000公里基础里程，超出部分按0.2元/公里计费。",
    "租电每月三千公里，超了每公里两毛钱，算下来比买电池划算。",
    "租电方案是399元一个月，包3000公里，多跑的每公里收0.2元。",
    "買斷版無需支付電池月租，電池歸您所有。",              # traditional script, and the trigger is denied
    "租电版和买断版可以选装前排座椅加热。",               # the trim name scoping equipment, not the plan
    "租电版电池怎么收费？",                               # a question states nothing
])
def test_stated_or_not_triggered_is_not_reported(rental_spec, text):
    assert not of(run(rental_spec, [text]), "undisclosed")


def test_a_wrong_figure_is_the_feature_checks_business_not_a_missing_disclosure(rental_spec):
    report = run(rental_spec, ["租电版每个月有5000公里基础里程，超出部分每公里0.2元。"])
    assert not of(report, "undisclosed")


def test_the_document_is_the_file_for_pages_and_the_record_for_jsonl(rental_spec):
    para = [claim("选择租电版，入手价仅49,900元。", "page.md", line=3),
            claim("每月包3000公里，超出部分0.2元/公里。", "page.md", line=9)]
    assert not of(run(rental_spec, para), "undisclosed")
    records = [claim("选择租电版，入手价仅49,900元。", "cs.jsonl", line=1, record="a"),
               claim("每月包3000公里，超出部分0.2元/公里。", "cs.jsonl", line=2, record="b")]
    (f,) = of(run(rental_spec, records), "undisclosed")
    assert f.record == "a" and f.column is None


def test_one_finding_per_document_at_the_trigger_that_quotes_the_plan(rental_spec):
    page = [claim("租电更轻松", "page.md", line=18), claim("租电版月租399元。", "page.md", line=20),
            claim("租电版入手价仅49,900元。", "page.md", line=22)]
    (f,) = of(run(rental_spec, page), "undisclosed")
    assert f.line == 20  # rather than the heading
    page = [claim("租电更轻松", "page.md", line=18), claim("选择租电，换电更方便。", "page.md", line=20)]
    (f,) = of(run(rental_spec, page), "undisclosed")
    assert f.line == 18


def test_a_term_the_spec_does_not_give_is_not_required():
    spec = make_spec("M", AION_TRIMS, [("厂商指导价", ["¥49,900", "¥89,900", "¥99,900"])])
    assert not of(run(spec, ["租电版入手价仅49,900元。"]), "undisclosed")


def test_zero_down_needs_term_and_rate_even_without_spec_rows(rental_spec):
    (f,) = of(run(rental_spec, ["零首付，月供低至999元，分36期。"]), "undisclosed")
    assert f.rule == "disclosure-cn/zero-down-payment" and "利率或手续费" in f.message and "贷款期数" not in f.message
    assert not of(run(rental_spec, ["0首付，分36期，年化利率3.5%。"]), "undisclosed")


def test_english_battery_rental(rental_spec_en):
    (f,) = of(run(rental_spec_en, ["Choose battery rental and drive away from $29,990, the battery at $89 a month."]),
              "undisclosed")
    assert f.rule == "disclosure-en/battery-rental" and f.match == "battery rental"
    assert "monthly mileage allowance (the spec: 1,500 km)" in f.message
    assert f.suggestion == "Add: the plan includes 1,500 km a month, each km beyond it costs $0.05/km."
    ok = "Battery rental is $89 a month and includes 1,500 km; each km beyond the allowance costs $0.05."
    assert not of(run(rental_spec_en, [ok]), "undisclosed")
    assert not of(run(rental_spec_en, ["No battery rental on the Long Range."]), "undisclosed")


def test_english_zero_down_and_subsidy(rental_spec_en):
    assert [f.rule for f in of(run(rental_spec_en, ["Zero down, drive it home today."]), "undisclosed")] == [
        "disclosure-en/zero-down"]
    assert not of(run(rental_spec_en, ["$0 down, $399 a month for 60 months at 4.9% APR."]), "undisclosed")
    assert of(run(rental_spec_en, ["Take $2,000 off with the trade-in subsidy."]), "undisclosed")
    assert not of(run(rental_spec_en, ["The trade-in subsidy runs until January 31."]), "undisclosed")


def test_chinese_rules_leave_english_copy_alone_and_the_other_way_round(rental_spec, rental_spec_en):
    assert [f.rule for f in of(run(rental_spec, ["选择租电版，电池月租399元。"]), "undisclosed")] == [
        "disclosure-cn/battery-rental"]
    assert not of(run(rental_spec, ["选择租电版，电池月租399元。"], packs=("disclosure-en",)), "undisclosed")
