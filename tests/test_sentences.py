from specaudit.model import Claim, Locator
from specaudit.sentences import split_sentences


def claim(text, line=1, column=1, source="copy.md", record=None):
    return Claim(text=text, locator=Locator(source=source, line=line, column=column,
                                            record=record, kind="body", channel="web", model="M"))


def texts(text):
    return [s.text for s in split_sentences(claim(text))]


def test_chinese_terminators_kept_and_commas_not_split():
    assert texts("续航430km，快充很快。支持换电！真的吗？是的；就这样") == [
        "续航430km，快充很快。", "支持换电！", "真的吗？", "是的；", "就这样"]
    assert texts("标配倒车影像、自动紧急制动，安全无忧。") == ["标配倒车影像、自动紧急制动，安全无忧。"]


def test_decimals_do_not_split():
    assert texts("售价8.99万起，超出里程0.2元/km。百公里加速9.9 s。") == [
        "售价8.99万起，超出里程0.2元/km。", "百公里加速9.9 s。"]
    assert texts("0-100 km/h in 3.6 s. The battery holds 60.0 kWh.") == [
        "0-100 km/h in 3.6 s.", "The battery holds 60.0 kWh."]


def test_english_full_stop_needs_capital_or_end():
    assert texts("Range is 430 km. the rest follows. Charging takes 24 min.") == [
        "Range is 430 km. the rest follows.", "Charging takes 24 min."]


def test_abbreviations_do_not_split():
    assert texts("Many extras, e.g. Heated seats, are optional. Approx. 3 hours. Ranked No. 1 in class.") == [
        "Many extras, e.g. Heated seats, are optional.", "Approx. 3 hours.", "Ranked No. 1 in class."]
    assert texts("It weighs approx. Two tonnes, i.e. Heavy.") == ["It weighs approx. Two tonnes, i.e. Heavy."]
    assert texts("Styled by J. Smith in Guangzhou. Done.") == ["Styled by J. Smith in Guangzhou.", "Done."]
    # "No." before a capital is a word, not an abbreviation.
    assert texts("Sunroof? No. The roof is solid.") == ["Sunroof?", "No.", "The roof is solid."]


def test_mixed_chinese_english():
    assert texts("支持ACC.标配倒车影像。The Max trim adds a heat pump! 续航502km") == [
        "支持ACC.", "标配倒车影像。", "The Max trim adds a heat pump!", "续航502km"]
    assert texts("续航 430 km. 快充 24 min.") == ["续航 430 km.", "快充 24 min."]


def test_ellipses_make_no_empty_sentence():
    assert texts("续航真的长……后排也宽敞。") == ["续航真的长……后排也宽敞。"]
    assert texts("太省心了。……下次还买。") == ["太省心了。……", "下次还买。"]
    assert texts("Wait... what? Fine... The end...") == ["Wait... what?", "Fine...", "The end..."]
    assert texts("……") == []
    assert texts("。。。") == []


def test_closing_quotes_and_brackets_stay():
    assert texts("他说：“全系没有天窗。”然后挂了电话。") == ["他说：“全系没有天窗。”", "然后挂了电话。"]
    assert texts("Great value (really!) Buy now.") == ["Great value (really!)", "Buy now."]
    assert texts("真的吗？！太好了") == ["真的吗？！", "太好了"]


def test_ascii_marks_glued_to_tokens_do_not_split():
    assert texts("详见 https://example.com/?a=1&b=2 页面。") == ["详见 https://example.com/?a=1&b=2 页面。"]


def test_line_breaks_split_but_soft_wraps_do_not():
    assert texts("续航430km\n快充24分钟") == ["续航430km", "快充24分钟"]
    assert texts("Range up to 502\nkm on the Max trim.") == ["Range up to 502\nkm on the Max trim."]
    assert texts("买断版标配LED大灯，\n铝合金轮毂。") == ["买断版标配LED大灯，\n铝合金轮毂。"]
    assert texts("Range 430 km\nCharging 24 min") == ["Range 430 km", "Charging 24 min"]


def test_start_offsets_and_whitespace_stripped():
    c = claim("  第一句。   Second one.  ")
    out = split_sentences(c)
    assert [(s.text, s.start) for s in out] == [("第一句。", 2), ("Second one.", 9)]
    for s in out:
        assert c.text[s.start:s.start + len(s.text)] == s.text
        assert s.claim is c


def test_locator_on_same_line_adds_offset():
    out = split_sentences(claim("无天窗。有遮阳帘。", line=7, column=5))
    assert [(s.locator.line, s.locator.column) for s in out] == [(7, 5), (7, 9)]
    assert out[1].locator.source == "copy.md" and out[1].locator.channel == "web"


def test_locator_across_lines_counts_from_line_start():
    # The claim starts at column 3 (after a list marker); its continuation lines keep their
    # indentation in the text, so columns there count from the start of the line.
    c = claim("第一行。\n  第二行的句子。第三句。", line=10, column=3)
    out = split_sentences(c)
    assert [(s.text, s.locator.line, s.locator.column) for s in out] == [
        ("第一行。", 10, 3), ("第二行的句子。", 11, 3), ("第三句。", 11, 10)]


def test_record_locator_keeps_line_and_no_column():
    c = claim("第一句。\n第二句。", line=4, column=None, source="a.jsonl", record="r1")
    out = split_sentences(c)
    assert [s.text for s in out] == ["第一句。", "第二句。"]
    assert all(s.locator.line == 4 and s.locator.column is None and s.locator.record == "r1"
               for s in out)
