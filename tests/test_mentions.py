"""The matcher on a small hand-built index: longest alias wins, word boundaries, typos, confusables."""
from specaudit.mentions import MentionIndex
from specaudit.normalise import norm

ALIASES = {
    "天窗": {"sunroof"}, "全景天窗": {"sunroof"}, "sunroof": {"sunroof"},
    "全景天幕": {"glass_roof"}, "天幕": {"glass_roof"}, "glass roof": {"glass_roof"},
    "遮阳帘": {"sunshade"}, "sunshade": {"sunshade"}, "遮阳板化妆镜": {"vanity_mirror"},
    "全景影像": {"camera_360"}, "360度全景影像": {"camera_360"},
    "座椅加热": {"seat_heat"}, "座椅通风": {"seat_vent"},
    "heated front seats": {"seat_heat"}, "ventilated front seats": {"seat_vent"},
    "hud": {"hud"},
}


def index(**kw):
    return MentionIndex(ALIASES, {"speakers": {"speakers"}}, **kw)


def found(text, **kw):
    t = norm(text)
    return [(h.feature_id, t[h.start:h.end], h.method) for h in index(**kw).scan(t, frozenset(i + 1 for i, c in enumerate(t) if c.isdigit()))]


def test_longest_alias_wins():
    assert found("全系标配360度全景影像") == [("camera_360", "360度全景影像", "exact")]
    assert found("全景天窗，抬头见星空") == [("sunroof", "全景天窗", "exact")]


def test_confusables_stay_apart_exactly():
    assert found("主副驾遮阳板均带化妆镜，遮阳帘电动") == [("sunshade", "遮阳帘", "exact")]
    assert [f for f, _, _ in found("没有天窗，但有全景天幕")] == ["sunroof", "glass_roof"]


def test_latin_aliases_need_word_boundaries_but_not_beside_cjk():
    assert found("the hudson river") == []
    assert found("Max版有HUD和wireless charging") == [("hud", "hud", "exact")]
    assert found("two sunroofs") == [("sunroof", "sunroof", "exact")]  # a plural still counts


def test_typos_found_fuzzily_with_a_score():
    (hit,) = index().scan("sunrof open, wind in your hair")
    assert (hit.feature_id, hit.method) == ("sunroof", "fuzzy") and 80 <= hit.score < 100


def test_same_sounding_chinese_typo_wins_over_a_confusable():
    # 慕 sounds like 幕 (glass roof), not like 窗 (sunroof)
    assert found("全景天慕真的很通透") == [("glass_roof", "全景天慕", "fuzzy")]


def test_fuzzy_off_and_threshold():
    assert found("sunrof open", fuzzy=False) == []
    assert found("sunrof open", fuzzy_threshold=99) == []


def test_short_aliases_are_never_fuzzy():
    assert found("天幂") == []  # two characters: no room for a typo


def test_coordination_names_both_features():
    assert [f for f, _, _ in found("座椅加热和通风一应俱全")] == ["seat_heat", "seat_vent"]
    assert [f for f, _, _ in found("Heated and ventilated front seats.")] == ["seat_heat", "seat_vent"]


def test_after_number_alias_only_after_a_figure():
    assert found("14 speakers") == [("speakers", "speakers", "exact")]
    assert found("the speakers are great") == []


def test_a_head_noun_apart_from_its_attributes():
    # attributes that several heads take: 加热 and 通风 (座椅, 前排座椅, 后排座椅, 方向盘)
    ix = MentionIndex({"座椅加热": {"seat_heat"}, "座椅通风": {"seat_vent"}, "前排座椅加热": {"seat_heat"},
                       "前排座椅通风": {"seat_vent"}, "后排座椅加热": {"rear_heat"}, "后排座椅通风": {"rear_vent"},
                       "方向盘加热": {"wheel_heat"}})
    t = norm("Max版主驾座椅支持加热和通风。")
    assert [(h.feature_id, t[h.start:h.end]) for h in ix.scan(t)] == [("seat_heat", "加热"), ("seat_vent", "通风")]
    t = norm("座椅很软，加热也快")  # the attribute is in another clause
    assert ix.scan(t) == []
