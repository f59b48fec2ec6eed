"""One normal form for copy, aliases and labels; spans map back to the original text."""
from specaudit.normalise import normalise


def test_full_width_and_case():
    assert normalise("ＡＲ－ＨＵＤ").text == "ar-hud"
    assert normalise("５０２ｋｍ").text == "502km"


def test_traditional_to_simplified():
    assert normalise("抬頭顯示器僅旗艦版配備").text == "抬头显示器仅旗舰版配备"
    assert normalise("天窓").text == "天窗"  # a Japanese variant form


def test_spaces_inside_cjk_terms_removed_but_kept_between_words():
    assert normalise("全景天 窗设计").text == "全景天窗设计"
    assert normalise("glass  roof 很 漂亮").text == "glass roof 很漂亮"


def test_offsets_point_at_the_original():
    original = "Ｐｅｒｆｏｒｍａｎｃｅ：３．６ ｓ"
    n = normalise(original)
    i = n.text.index("3.6")
    s, e = n.original_span(i, i + 3)
    assert original[s:e] == "３．６"
    original = "全景天 窗设计"
    n = normalise(original)
    s, e = n.original_span(0, 4)
    assert original[s:e] == "全景天 窗"


def test_every_odd_space_is_unprintable():
    # _squeezes skips the odd-whitespace search for printable text; that holds only while every
    # character the search finds is one isprintable() refuses
    from specaudit.normalise import _ODD_SPACE

    assert not [hex(c) for c in range(0x110000) if _ODD_SPACE.match(chr(c)) and chr(c).isprintable()]


def test_full_width_punctuation_shortcut_is_nfkc():
    # normalise replaces Chinese copy's full-width punctuation before asking the NFKC tables;
    # each pair must be what NFKC itself gives, one character for one
    import unicodedata

    from specaudit.normalise import _FULL_WIDTH_PUNCT

    assert all(unicodedata.normalize("NFKC", wide) == narrow and len(narrow) == 1 for wide, narrow in _FULL_WIDTH_PUNCT)
    original = "续航（CLTC）：５１０ｋｍ，约３㎞／分钟！"
    n = normalise(original)
    assert n.text == "续航(cltc):510km,约3km/分钟!"
    i = n.text.index("3km")
    s, e = n.original_span(i, i + 3)
    assert original[s:e] == "３㎞"
