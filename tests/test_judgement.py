"""What a reviewer relies on: each construction read and judged as the docs say, in Chinese and English."""
from __future__ import annotations

import pytest

from specaudit import AuditOptions, audit
from specaudit.model import Claim, Locator


def verdicts(spec, text, **kw):
    claim = Claim(text, Locator("copy.jsonl", 1, None, record="c1"))
    report = audit([spec], [claim], options=AuditOptions(**kw))
    return {r.feature: r.verdict for r in report.results}


# -- availability ------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["全景天窗带来通透视野", "電動天窗開啟狀態實拍", "全景天 窗设计，通透敞亮"])
def test_claimed_sunroof_on_a_car_without_one_is_contradicted(aion_spec, text):
    assert verdicts(aion_spec, text)["电动天窗"] == "contradicted"


def test_sunroof_and_sunshade_are_never_confused(aion_spec):
    v = verdicts(aion_spec, "这台车有全景遮阳帘的，就是没有天窗。")
    assert v == {"全景遮阳帘": "contradicted", "电动天窗": "supported"}


def test_english_sunroof_on_option_only_trim_is_unqualified(corvale_spec):
    assert verdicts(corvale_spec, "Sunroof open, wind in your hair. Corvale E5 Standard Range.")["Power sunroof"] == "unqualified"


def test_feature_on_some_trims_only_is_unqualified_until_qualified(aion_spec):
    assert verdicts(aion_spec, "全系标配360度全景影像。")["360度全景影像"] == "unqualified"
    assert verdicts(aion_spec, "高配车型配备360度全景影像。")["360度全景影像"] == "supported"
    assert verdicts(aion_spec, "买断Max版配备360度全景影像。")["360度全景影像"] == "supported"


def test_optional_feature_claimed_as_optional_is_supported(aion_spec, corvale_spec):
    assert verdicts(aion_spec, "前排座椅加热可选装。")["前排座椅加热"] == "supported"
    assert verdicts(aion_spec, "买断版标配前排座椅加热。")["前排座椅加热"] == "unqualified"
    assert verdicts(corvale_spec, "Ventilated front seats: standard on Performance, optional on Long Range AWD.")[
        "Ventilated front seats"] == "supported"


# -- negation ---------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["埃安UT super全系不配备天窗。", "提车才发现没有天窓", "這台沒有電動天窗。"])
def test_denying_an_absent_feature_is_supported(aion_spec, text):
    assert verdicts(aion_spec, text)["电动天窗"] == "supported"


def test_negation_binds_to_one_feature_across_a_contrast(corvale_spec):
    v = verdicts(corvale_spec, "The Standard Range comes without the glass roof, but you can add the power sunroof for $1,200.")
    assert v["Panoramic fixed glass roof"] == "supported"
    assert v["Power sunroof"] == "supported"


def test_denying_a_present_feature_is_contradicted(corvale_spec):
    assert verdicts(corvale_spec, "The E5 doesn't have a glass roof at all.")["Panoramic fixed glass roof"] == "contradicted"
    assert verdicts(corvale_spec, "Sorry, a HUD isn't offered on the Standard Range.")["Head-up display"] == "supported"


# -- figures ----------------------------------------------------------------------------------
def test_figures_with_units_and_tolerance(aion_spec):
    assert verdicts(aion_spec, "轴距2.75米，后排宽敞。")["轴距"] == "supported"
    assert verdicts(aion_spec, "Max版续航约500公里。")["CLTC纯电续航里程"] == "supported"
    assert verdicts(aion_spec, "买断Max版CLTC续航能跑到520km。")["CLTC纯电续航里程"] == "contradicted"
    assert verdicts(aion_spec, "51.9度磷酸铁锂电池")["电池容量"] == "unqualified"


def test_from_and_up_to_compare_with_the_ends_of_the_range(aion_spec, corvale_spec):
    assert verdicts(aion_spec, "CLTC纯电续航430公里起，买断Max版最长可达502公里。")["CLTC纯电续航里程"] == "supported"
    assert verdicts(corvale_spec, "Up to 630 km of WLTP range.")["WLTP range"] == "supported"
    assert verdicts(corvale_spec, "The all-new Corvale E5. Starting at $42,990.")["MSRP"] == "supported"


def test_prices_in_wan(aion_spec):
    assert verdicts(aion_spec, "租电版4.99万元，买断版8.99万元起。")["厂商指导价"] == "supported"
    assert verdicts(aion_spec, "租电版3.99万开回家")["厂商指导价"] == "contradicted"


def test_not_applicable_cells_leave_the_scope(aion_spec):
    assert verdicts(aion_spec, "租电每月三千公里，超了每公里两毛钱。") == {
        "电池租用每月基础里程": "supported", "超出里程费用": "supported"}
    assert verdicts(aion_spec, "租电版不限里程，想开多远开多远。")["电池租用每月基础里程"] == "contradicted"


def test_test_cycle_the_spec_does_not_give_is_unverifiable(corvale_spec):
    report = audit([corvale_spec], [Claim("EPA-estimated 340 miles of range.", Locator("c.jsonl", 1, None, "c1"))])
    assert [r.verdict for r in report.results] == ["unverifiable"]


def test_feature_without_a_row_is_unverifiable(aion_spec):
    report = audit([aion_spec], [Claim("标配6个安全气囊。", Locator("c.jsonl", 1, None, "c1"))])
    assert [(r.verdict, r.severity) for r in report.results] == [("unverifiable", "warning")]


def test_every_result_carries_its_locator_and_match(aion_spec):
    claim = Claim("第一行\n全景天窗带来通透视野", Locator("page.md", 10, 1))
    report = audit([aion_spec], [claim])
    (r,) = [r for r in report.results if r.feature == "电动天窗"]
    assert (r.source, r.line, r.column, r.match) == ("page.md", 11, 1, "全景天窗")


def test_bare_numbers_take_the_unit_their_row_label_names():
    from conftest import make_spec

    spec = make_spec("X", ["标准版", "长续航版"], [("CLTC纯电续航里程(km)", ["430", "502"]),
                                                 ("厂商指导价(万元)", ["13.98", "15.98"])])
    assert verdicts(spec, "长续航版续航502公里，售价15.98万元。") == {
        "CLTC纯电续航里程(km)": "supported", "厂商指导价(万元)": "supported"}
    assert verdicts(spec, "标准版续航450公里")["CLTC纯电续航里程(km)"] == "contradicted"


def test_a_measured_figure_is_not_a_spec_claim(aion_spec):
    assert "CLTC纯电续航里程" not in verdicts(aion_spec, "冬天开空调实测能跑380 km。")
    assert "CLTC纯电续航里程" not in verdicts(aion_spec, "Real-world range was about 380 km.")


def test_an_angle_is_not_a_battery(aion_spec):
    assert verdicts(aion_spec, "白色车身侧面45度，线条利落。") == {}
    assert verdicts(aion_spec, "电池容量51.9度。")["电池容量"] == "unqualified"


def test_at_least_and_at_most(aion_spec, corvale_spec):
    assert verdicts(corvale_spec, "450+ km of WLTP range on every trim.")["WLTP range"] == "supported"
    assert verdicts(aion_spec, "全系CLTC续航超450公里。")["CLTC纯电续航里程"] == "unqualified"
    assert verdicts(aion_spec, "Max版CLTC续航不到500公里。")["CLTC纯电续航里程"] == "contradicted"


def test_bare_figure_goes_to_the_only_row_it_fits(corvale_spec):
    assert verdicts(corvale_spec, "Starting at $42,990.") == {"MSRP": "supported"}
    assert verdicts(corvale_spec, "Performance: 0-100 km/h in 3.6 s.")["0-100 km/h"] == "supported"


def test_figures_bind_to_their_own_feature(corvale_spec):
    from conftest import make_spec

    spec = make_spec("E", ["A"], [("Length", ["4,790 mm"]), ("Width", ["1,880 mm"]), ("Height", ["1,450 mm"])])
    assert verdicts(spec, "4,790 mm long, 1,880 mm wide and 1,470 mm tall.") == {
        "Length": "supported", "Width": "supported", "Height": "contradicted"}


def test_scope_only_sentence_scopes_the_next(corvale_spec):
    v = verdicts(corvale_spec, "Took delivery of my LR AWD. Love the glass roof, but I wish it had a sunroof.")
    assert v == {"Panoramic fixed glass roof": "supported", "Power sunroof": "supported"}


def test_questions_are_not_claims(corvale_spec):
    assert verdicts(corvale_spec, "Does the Standard Range have a sunshade?") == {}


def test_descriptors_without_a_row_are_not_unverifiable(aion_spec):
    assert verdicts(aion_spec, "年轻人的第一台纯电SUV。") == {}


def test_equipment_named_in_a_text_row_is_checked_there():
    from conftest import make_spec

    spec = make_spec("X", ["Pro", "Max"], [("天窗类型", ["全景天幕", "不可开启式全景天窗"]),
                                           ("座椅材质", ["仿皮", "真皮"])])
    v = verdicts(spec, "全系标配全景天幕，Max版配备真皮座椅。")
    assert v == {"天窗类型": "unqualified", "座椅材质": "supported"}
    assert verdicts(spec, "Max版全景天窗可开启。")["天窗类型"] == "contradicted"  # 不可开启: fixed


def test_us_style_copy():
    from conftest import make_spec

    spec = make_spec("Sedan", ["LE", "XLE", "Limited"], [
        ("MSRP", ["$29,500", "$33,200", "$38,900"]),
        ("Power moonroof", ["N/A", "Optional", "Standard"]),
        ("Heated front seats", ["Optional", "Standard", "Standard"]),
    ])
    assert verdicts(spec, "Starting MSRP of $29,500.") == {"MSRP": "supported"}
    assert verdicts(spec, "Available power moonroof.") == {"Power moonroof": "supported"}
    assert verdicts(spec, "Every trim comes with a moonroof.") == {"Power moonroof": "unqualified"}
    assert verdicts(spec, "Heated front seats are standard on XLE and above.") == {"Heated front seats": "supported"}


def test_each_sentence_of_a_document_paragraph_is_its_own_result(aion_spec):
    claim = Claim("全景天窗带来通透视野。\n这台车没有天窗。", Locator("page.md", 3, 1))
    report = audit([aion_spec], [claim])
    assert [(r.line, r.verdict) for r in report.results] == [(3, "contradicted"), (4, "supported")]


def test_a_one_character_negation_governs_only_what_follows_it(aion_spec):
    assert verdicts(aion_spec, "提车才发现没天窗。")["电动天窗"] == "supported"
    assert verdicts(aion_spec, "没想到全景天窗这么通透。")["电动天窗"] == "contradicted"


def test_split_chinese_features(aion_spec):
    from conftest import make_spec

    assert verdicts(aion_spec, "Max版主驾座椅支持加热。") == {"前排座椅加热": "supported"}
    spec = make_spec("X", ["A"], [("整车质保", ["5 年"]), ("电池质保", ["8 年"])])
    assert verdicts(spec, "整车6年质保，电池8年质保。") == {"整车质保": "contradicted", "电池质保": "supported"}
