"""The matcher's fast paths give what the plain methods give: the automaton finds exactly the
leftmost-longest matches, normalisation's shortcuts change nothing, and the fuzzy stage finds the typos
its pieces are meant to anchor."""
import random

import pytest

from specaudit.automaton import leftmost_longest
from specaudit.mentions import MentionIndex
from specaudit.normalise import _per_char, _squeeze_spaces, norm, normalise

ALIASES = {"sunroof": {"sunroof"}, "panoramic sunroof": {"pano"}, "heated front seats": {"seat_heat"},
           "全景天幕": {"glass_roof"}, "天幕": {"glass_roof"}, "遮阳帘": {"sunshade"}, "前排座椅加热": {"seat_heat"},
           "座椅加热": {"seat_heat_any"}, "led大灯": {"led"}, "hud": {"hud"}}


def hits(text, **kw):
    t = norm(text)
    return [(h.feature_id, t[h.start:h.end], h.method) for h in MentionIndex(ALIASES, **kw).scan(t)]


def test_a_typo_around_a_shorter_exact_alias_is_the_longer_alias():
    assert hits("the panoramc sunroof opens wide") == [("pano", "panoramc sunroof", "fuzzy")]
    assert hits("the panoramic sunroof") == [("pano", "panoramic sunroof", "exact")]


def test_a_different_word_around_a_shorter_alias_is_not_a_typo_of_the_longer():
    # 后排 is not a slip on 前排: the window is mostly the exact alias 座椅加热
    assert hits("后排座椅加热") == [("seat_heat_any", "座椅加热", "exact")]


def test_same_sounding_characters_in_short_chinese_aliases():
    assert hits("全景天慕很通透") == [("glass_roof", "全景天慕", "fuzzy")]  # a half looked up by sound
    assert hits("遮阳莲") == [("sunshade", "遮阳莲", "fuzzy")]            # three characters: the typos indexed
    assert hits("遮阳床") == []                                           # not the same sound


def test_dropped_letter_and_word_boundaries():
    assert hits("heated frnt seats for all") == [("seat_heat", "heated frnt seats", "fuzzy")]
    assert hits("subsunrof") == []  # inside a word


def _brute_leftmost_longest(patterns, text):
    """The definition: from the left, the longest pattern starting at the first place one starts."""
    out, i = [], 0
    while i < len(text):
        found = [p for p in patterns if text.startswith(p, i)]
        if found:
            p = max(found, key=len)
            out.append((i, i + len(p), patterns.index(p)))
            i += len(p)
        else:
            i += 1
    return out


@pytest.mark.parametrize("seed", range(3))
def test_the_automaton_finds_leftmost_longest_matches(seed):
    rng = random.Random(seed)
    alphabet = "ab 天窗cd-幕"
    patterns = sorted({"".join(rng.choice(alphabet) for _ in range(rng.randint(1, 5))).strip()
                       for _ in range(200)} - {""})
    find = leftmost_longest(patterns)
    for _ in range(2000):
        text = "".join(rng.choice(alphabet + "1s") for _ in range(rng.randint(0, 24)))
        assert [tuple(m) for m in find(text)] == _brute_leftmost_longest(patterns, text)


def _slow_normalise(text):
    """The normal form step by step, with no shortcut (the definition the fast paths keep)."""
    import unicodedata

    from specaudit.normalise import PUNCT, VARIANTS, _t2s_convert, is_cjk

    offsets = list(range(len(text)))
    s, offsets = _per_char(text, offsets, lambda c: unicodedata.normalize("NFKC", c))
    s, offsets = _per_char(s, offsets, str.casefold)
    s = s.translate(PUNCT)
    if any(is_cjk(c) for c in s):
        s = s.translate(VARIANTS)
        converted = _t2s_convert(s)
        if len(converted) == len(s):
            s = converted
        else:
            s, offsets = _per_char(s, offsets, lambda c: _t2s_convert(c) if is_cjk(c) else c)
    s, offsets = _squeeze_spaces(s, offsets)
    offsets.append(offsets[-1] + 1 if offsets else 0)
    if len(text) and offsets[-1] > len(text):
        offsets[-1] = len(text)
    return s, tuple(offsets)


def test_normalisation_shortcuts_change_nothing():
    rng = random.Random(11)
    alphabet = list("abcXYZ09 .,-") + list("  \t\n\u3000\xa0") + list("全景天窗車頭顯示窓転両瞭解藉口打坏–—’“”～・ＡＢ５ｋ㎞ﬁẞİΣς，。！")
    samples = ["抬頭顯示器僅旗艦版配備", "全景天 窗设计", "glass  roof 很 漂亮", "Ｐｅｒｆｏｒｍａｎｃｅ：３．６ ｓ", "瞭解藉口", ""]
    samples += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(3000)]
    for text in samples:
        n = normalise(text)
        assert (n.text, n.offsets) == _slow_normalise(text), repr(text)


def test_aliases_as_close_as_each_other_give_the_most_similar_in_any_table_order():
    # "alloy whees" is one edit from both "alloy wheel" and "alloy wheels"; which one is reported
    # (and its score) once followed the order of the caller's table, built from sets whose order
    # changes with the hash seed, so two runs of one audit could differ
    aliases = {"alloy wheel": {"wheels"}, "alloy wheels": {"wheels"}, "alloy rims": {"wheels"},
               "sunroof": {"sunroof"}, "sun roof": {"sunroof"}}
    text = norm("every trim has alloy whees and a sunrooof")
    found = set()
    for order in (sorted(aliases), sorted(aliases, reverse=True), ["sun roof", "alloy wheels", "sunroof",
                                                                     "alloy rims", "alloy wheel"]):
        scan = MentionIndex({a: aliases[a] for a in order}).scan(text)
        found.add(tuple((h.feature_id, h.start, h.end, h.alias, h.score, h.method) for h in scan))
    assert len(found) == 1
    (hits_,) = found
    assert [(fid, text[s:e], alias) for fid, s, e, alias, _, _ in hits_] == [
        ("wheels", "alloy whees", "alloy wheels"), ("sunroof", "sunrooof", "sunroof")]
