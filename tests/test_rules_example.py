"""The shipped example (specs/, claims/) triggers every rule kind through realistic copy, as the
README walks through."""
from __future__ import annotations

from pathlib import Path

import pytest

import specaudit

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def report():
    return specaudit.audit(specs=[str(ROOT / "specs" / "aion-ut-super.csv")], claims=[str(ROOT / "claims")])


def rel(f):
    return Path(f.source).resolve().relative_to(ROOT).as_posix()


def test_the_product_page_gives_the_rent_but_not_the_mileage_cap(report):
    (f,) = [f for f in report.results if f.verdict == "undisclosed" and rel(f) == "claims/product-page.md"]
    assert f.rule == "disclosure-cn/battery-rental" and f.match == "租电"
    assert "3,000 km" in f.message and "0.2 元/km" in f.message
    assert "租电版每月含3,000 km基础里程" in f.suggestion


def test_customer_service_says_invoices_anywhere(report):
    (f,) = [f for f in report.results if f.record == "cs-003" and f.feature == "开票城市" and f.verdict != "inconsistent"]
    assert f.verdict == "contradicted" and "广州、上海" in f.message


def test_the_two_service_channels_disagree_about_the_sunshade(report):
    (f,) = [f for f in report.results if f.verdict == "inconsistent" and f.feature == "全景遮阳帘"]
    assert f.record == "cs-002" and f.channel == "store"
    assert "cs-001" in f.message and "faq" in f.message and "The spec agrees with faq" in f.message


def test_an_absolute_term_on_the_product_page(report):
    found = [f for f in report.results if f.verdict == "prohibited"]
    assert any(rel(f) == "claims/product-page.md" and f.match == "最" and "同级最大" in f.text for f in found)


def test_every_rule_kind_fires_on_the_example(report):
    verdicts = {f.verdict for f in report.results}
    assert {"undisclosed", "inconsistent", "prohibited", "contradicted"} <= verdicts
