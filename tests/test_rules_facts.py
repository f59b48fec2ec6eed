"""Commercial terms as spec facts: dates compared as dates, limited lists against "anywhere"."""
from __future__ import annotations

import pytest

from conftest import make_spec
from rules_helpers import cached_lexicon, AION_TRIMS, claim, of, run
from specaudit.dates import DateValue, find_dates, parse_date, same_date
from specaudit.normalise import norm


@pytest.fixture(autouse=True)
def _one_lexicon(monkeypatch):
    cached_lexicon(monkeypatch)


# -- dates ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("cell, iso", [
    ("2026-01-31", "2026-01-31"), ("2026/1/31", "2026-01-31"), ("2026年1月31日", "2026-01-31"),
    ("1月31日", "--01-31"), ("January 31, 2026", "2026-01-31"), ("31 Jan 2026", "2026-01-31"),
    ("2026.02.28", "2026-02-28"),
])
def test_spec_cells_parse_as_dates(cell, iso):
    assert parse_date(cell).iso() == iso


@pytest.mark.parametrize("cell", ["广州、上海", "430 km", "4 年", "2026", ""])
def test_other_cells_are_not_dates(cell):
    assert parse_date(cell) is None


@pytest.mark.parametrize("text, spec, same", [
    ("补贴延续至1月底", "2026-01-31", True),
    ("补贴延续至元月底", "2026-01-31", True),
    ("补贴延续至2月底", "2026-01-31", False),
    ("补贴截止到1月30日", "2026-01-31", False),
    ("until January 31", "1月31日", True),
    ("until the end of February", "2028-02-29", True),      # a leap year, from the spec's year
    ("until the end of February", "2026-02-28", True),
    ("截止2025年1月31日", "2026-01-31", False),             # the year, when both give one
    ("1月", "2026-01-31", True),                             # a month agrees with any day of it
])
def test_dates_in_copy_are_compared_as_dates(text, spec, same):
    (d,) = find_dates(norm(text))
    assert same_date(d, parse_date(spec)) is same


def test_numbers_that_are_not_dates():
    assert find_dates(norm("续航430km，0-100km/h加速10.9秒，1.5月")) == []
    assert find_dates(norm("分36期，每期999元")) == []


def test_end_of_month_resolves_against_the_year():
    assert DateValue(None, 2, None, True).resolved_day(2028) == 29


# -- fact-date --------------------------------------------------------------------------------------
@pytest.fixture
def spec():
    return make_spec("埃安UT super", AION_TRIMS, [
        ("开票城市", ["广州、上海"] * 3),
        ("补贴截止日期", ["2026-01-31"] * 3),
        ("整车质保", ["4 年"] * 3),
    ])


@pytest.fixture
def spec_en():
    return make_spec("Corvale E5", ["Standard Range", "Long Range"], [
        ("Invoice cities", ["Guangzhou, Shanghai"] * 2),
        ("Subsidy end date", ["January 31, 2026"] * 2),
    ])


def verdict(report, feature):
    found = [f for f in report.results if f.feature == feature]
    assert len(found) <= 1, found
    return found[0].verdict if found else None


@pytest.mark.parametrize("text, expected", [
    ("5000元置换补贴延续至1月底，以旧换新更划算。", "supported"),
    ("补贴截止2026年1月31日。", "supported"),
    ("5000元置换补贴延续至2月底。", "contradicted"),
    ("补贴1月31日前有效。", "supported"),
    ("12月起补贴金额提高到5000元。", None),        # a start, not an end date
    ("1月31日起开放预订。", None),                  # no subsidy in the sentence
])
def test_subsidy_end_date_zh(spec, text, expected):
    assert verdict(run(spec, [text]), "补贴截止日期") == expected


@pytest.mark.parametrize("text, expected", [
    ("The trade-in subsidy runs until January 31.", "supported"),
    ("The subsidy ends on Jan 31st, 2026.", "supported"),
    ("The subsidy is extended until the end of February.", "contradicted"),
])
def test_subsidy_end_date_en(spec_en, text, expected):
    assert verdict(run(spec_en, [text]), "Subsidy end date") == expected


def test_a_wrong_date_points_at_the_date_and_says_both(spec):
    (f,) = of(run(spec, [claim("以旧换新补贴延续至2月底。", "page.md", line=4, column=1)]), "contradicted")
    assert (f.rule, f.line, f.column, f.match) == ("commercial-terms/end-dates", 4, 10, "2月底")
    assert f.claimed_value == "2026-02-28 (2月底)" and "2026-01-31" in f.message and f.severity == "error"


# -- fact-list --------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("全国各地都能开票，您在本地提车上牌都很方便。", "contradicted"),
    ("全國各地都能開票。", "contradicted"),
    ("亲，发票这边只能在广州或者上海开，其他城市暂时开不了哦。", "supported"),
    ("销售说只有广州和上海能开票。", "supported"),
    ("并不是全国都能开票，目前仅限广州、上海。", "supported"),
    ("全国各地都有换电站。", None),
])
def test_invoice_cities_zh(spec, text, expected):
    assert verdict(run(spec, [text]), "开票城市") == expected


@pytest.mark.parametrize("text, expected", [
    ("Invoices can be issued anywhere in the country.", "contradicted"),
    ("The car can only be invoiced in Guangzhou or Shanghai.", "supported"),
    ("Charging stations nationwide.", None),
])
def test_invoice_cities_en(spec_en, text, expected):
    assert verdict(run(spec_en, [text]), "Invoice cities") == expected


def test_the_finding_names_the_limits(spec):
    (f,) = of(run(spec, ["全国各地都能开票。"]), "contradicted")
    assert f.match == "全国各地" and f.rule == "commercial-terms/invoice-cities" and "广州、上海" in f.suggestion


def test_a_row_the_feature_check_judged_is_not_judged_twice(spec):
    report = run(spec, ["开票城市：全国。"])
    assert len([f for f in report.results if f.feature == "开票城市"]) == 1


def test_date_agreement_for_the_judge():
    from specaudit.dates import date_agreement

    assert date_agreement(norm("补贴延续至1月底"), "2026-01-31") is True
    assert date_agreement(norm("补贴延续至2月底"), "2026-01-31") is False
    assert date_agreement(norm("补贴延续至2月底"), "广州、上海") is None
