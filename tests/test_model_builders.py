"""The positional builders a catalogue audit uses per record, sentence and judgement make
the same values as the dataclass constructors, and cover every field: a field added to the
class without the builder fails here, not in a report."""
import dataclasses

import pytest

from specaudit.judge import Judgement, _judgement
from specaudit.mentions import _hit
from specaudit.model import Claim, Hit, Locator, Sentence, new_claim, new_locator, new_sentence
from specaudit.reading import Assertion, _assertion

LOC = dict(source="copy.jsonl", line=3, column=None, record="r1", kind="caption", channel="web", model="UT")


@pytest.mark.parametrize("cls, build, values", [
    (Locator, new_locator, LOC),
    (Claim, new_claim, dict(text="有全景天窗", locator=Locator(**LOC), lang="zh", extra=(("k", "v"),),
                             waivers=(("sunroof", "why"),))),
    (Hit, _hit, dict(feature_id="sunroof", start=2, end=6, alias="全景天窗", score=100.0, method="exact")),
    (Sentence, new_sentence, dict(text="有全景天窗", claim=Claim("有全景天窗。", Locator(**LOC)), start=0,
                                   locator=Locator(**LOC))),
    (Judgement, _judgement, dict(verdict="contradicted", rule="availability", feature="全景天窗", trims=("Max",),
                                 claimed="standard", cells=(("Max", "-"),), message="m", suggestion="s")),
    (Assertion, _assertion, dict(feature_id="sunroof", hit=Hit("sunroof", 2, 6, "全景天窗", 100.0, "exact"),
                                 polarity="has", trims=("Max",), scope_how="all", quantity=None, comparator="eq",
                                 text_value=None, only=True, all_trims=False, cycle="cltc", clause="标配全景天窗")),
])
def test_builder_makes_what_the_constructor_makes(cls, build, values):
    names = [f.name for f in dataclasses.fields(cls)]
    assert list(values) == names, "the builder's arguments follow the class's fields"
    built, made = build(*values.values()), cls(**values)
    assert built == made and hash(built) == hash(made) and repr(built) == repr(made)
    assert dataclasses.asdict(built) == dataclasses.asdict(made)
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(built, names[0], "x")  # still frozen


def test_a_row_pickles_the_same_after_its_kind_is_asked():
    # SpecRow caches kind/unit in its dict; a worker's key is a hash of the pickled specs, so a
    # row must pickle to the same bytes before and after the judge asked (and keep every field)
    import pickle

    from specaudit.model import CellKind, SpecCell, SpecRow

    cell = SpecCell("UT", "Max", "车身", "续航", CellKind.VALUE, "510km", "x.csv:C5", value=510.0, unit="km")
    row = SpecRow("UT", "车身", "续航", (cell,))
    before = pickle.dumps(row)
    assert (row.kind, row.unit) == (CellKind.VALUE, "km")
    assert pickle.dumps(row) == before
    assert list(row.__getstate__()) == [f.name for f in dataclasses.fields(SpecRow)]
    assert pickle.loads(before) == row and pickle.loads(before).kind is CellKind.VALUE
