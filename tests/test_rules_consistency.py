"""Cross-channel consistency: two channels or files that state the same fact differently give one
`inconsistent` finding that lists both sources and says which one the spec agrees with — also
for facts the spec does not cover."""
from __future__ import annotations

import textwrap

import pytest

from conftest import aion_spec_of, corvale_spec_of, make_spec
from rules_helpers import AION_TRIMS, claim, of, run


pytestmark = pytest.mark.usefixtures("lexicon_once")


@pytest.fixture
def spec():
    return aion_spec_of([
        ("电动天窗", ["-", "-", "-"]),
        ("全景遮阳帘", ["-", "-", "-"]),
        ("自适应巡航", ["-", "-", "●"]),
        ("每月基础里程", ["3,000 km", "-", "-"]),
    ])


@pytest.fixture
def spec_en():
    return corvale_spec_of([
        ("Panoramic sunshade", ["—", "—"]), ("Heated front seats", ["S", "S"])])


def cs(text, record, channel, line):
    return claim(text, "claims/customer-service.jsonl", line=line, record=record, channel=channel, kind="faq",
                 model="埃安UT super")


def test_two_service_channels_disagree_about_the_sunshade(spec):
    report = run(spec, [cs("亲，全系没有天窗，也没有全景遮阳帘哦。", "cs-001", "faq", 1),
                        cs("这台车有全景遮阳帘的，就是没有天窗。", "cs-002", "store", 2)])
    (f,) = of(report, "inconsistent")
    assert (f.record, f.channel, f.feature, f.rule) == ("cs-002", "store", "全景遮阳帘", "consistency/cross-channel")
    assert "cs-001" in f.message and "faq" in f.message and "cs-002" in f.message
    assert "The spec agrees with faq" in f.message and "cs-001" in f.suggestion
    assert f.severity == "error"


def test_the_same_answer_in_two_channels_is_consistent(spec):
    report = run(spec, [cs("全系没有全景遮阳帘。", "a", "faq", 1), cs("这台车没有全景遮阳帘，也没有天窗。", "b", "store", 2)])
    assert not of(report, "inconsistent")


def test_one_channel_of_one_file_is_not_cross_channel(spec):
    report = run(spec, [cs("全系没有全景遮阳帘。", "a", "faq", 1), cs("这台车有全景遮阳帘的。", "b", "faq", 2)])
    assert not of(report, "inconsistent")


def test_two_files_count_as_two_places(spec):
    report = run(spec, [claim("全系没有全景遮阳帘。", "faq.md"), claim("车顶配有全景遮阳帘。", "page.md")])
    (f,) = of(report, "inconsistent")
    assert f.source == "page.md" and "faq.md" in f.message


def test_only_overlapping_trims_are_compared(spec):
    report = run(spec, [claim("买断Max版配备自适应巡航。", "a.md"), claim("买断版没有自适应巡航。", "b.md")])
    assert not of(report, "inconsistent")
    report = run(spec, [claim("全系标配自适应巡航。", "a.md"), claim("买断版没有自适应巡航。", "b.md")])
    (f,) = of(report, "inconsistent")
    assert f.source == "a.md" and f.trims == ("买断版",) and "The spec agrees with b.md" in f.message


def test_statements_about_other_models_are_not_compared(spec):
    other = make_spec("凌川 S5", AION_TRIMS, [("全景遮阳帘", ["●", "●", "●"])])
    from specaudit import AuditOptions, audit

    report = audit([spec, other], [claim("埃安UT super没有全景遮阳帘。", "a.md", model="埃安UT super"),
                                   claim("凌川 S5有全景遮阳帘。", "b.md", model="凌川 S5")],
                   options=AuditOptions(rule_packs=("consistency",)))
    assert not of(report, "inconsistent")


def test_two_figures_that_differ(spec):
    report = run(spec, [cs("租电版每月基础里程为3000公里。", "a", "faq", 1), cs("租电版每月基础里程有5000公里。", "b", "store", 2)])
    (f,) = of(report, "inconsistent")
    assert f.record == "b" and "5,000 km" in f.message and "3,000 km" in f.message
    report = run(spec, [cs("租电版每月基础里程为3000公里。", "a", "faq", 1), cs("每月基础里程三千公里。", "b", "store", 2)])
    assert not of(report, "inconsistent")


def test_english_channels_disagree(spec_en):
    report = run(spec_en, [claim("The car does not have a panoramic sunshade.", "faq.md", channel="faq"),
                           claim("It comes with a panoramic sunshade.", "store.md", channel="store")])
    (f,) = of(report, "inconsistent")
    assert f.source == "store.md" and "faq" in f.message and f.feature == "Panoramic sunshade"
    report = run(spec_en, [claim("Heated front seats are standard.", "faq.md", channel="faq"),
                           claim("Every trim has heated front seats.", "store.md", channel="store")])
    assert not of(report, "inconsistent")


@pytest.fixture
def hud_lexicon(tmp_path):
    p = tmp_path / "hud.yaml"
    p.write_text(textwrap.dedent("""\
        features:
          - id: hud                  # extends the built-in feature, or stands in for it
            name: Head-up display
            zh: 抬头显示
            aliases:
              zh: [抬头显示, HUD]
              en: [head-up display, HUD]
    """), encoding="utf-8")
    return (str(p),)


def test_a_fact_the_spec_does_not_cover_is_compared_statement_to_statement(spec, hud_lexicon):
    report = run(spec, [cs("这台车没有抬头显示。", "a", "faq", 1), cs("这台车配备抬头显示。", "b", "store", 2)],
                 lexicon_files=hud_lexicon)
    (f,) = of(report, "inconsistent")
    assert f.record == "b" and "does not cover" in f.message and f.feature_id == "hud"
    report = run(spec, [cs("这台车没有抬头显示。", "a", "faq", 1), cs("抬头显示？这台车没有。", "b", "store", 2)],
                 lexicon_files=hud_lexicon)
    assert not of(report, "inconsistent")


def test_an_uncovered_fact_in_english(spec_en, hud_lexicon):
    report = run(spec_en, [claim("The car does not have a head-up display.", "faq.md", channel="faq"),
                           claim("A head-up display comes as standard.", "page.md", channel="product-page")],
                 lexicon_files=hud_lexicon)
    (f,) = of(report, "inconsistent")
    assert "does not cover" in f.message and f.feature_id == "hud"
