"""The positional builders a catalogue audit uses per record and sentence (model.new_*) make
the same values as the dataclass constructors, and cover every field: a field added to the
class without the builder fails here, not in a report."""
import dataclasses

import pytest

from specaudit.model import Claim, Locator, Sentence, new_claim, new_locator, new_sentence

LOC = dict(source="copy.jsonl", line=3, column=None, record="r1", kind="caption", channel="web", model="UT")


@pytest.mark.parametrize("cls, build, values", [
    (Locator, new_locator, LOC),
    (Claim, new_claim, dict(text="有全景天窗", locator=Locator(**LOC), lang="zh", extra=(("k", "v"),),
                             waivers=(("sunroof", "why"),))),
    (Sentence, new_sentence, dict(text="有全景天窗", claim=Claim("有全景天窗。", Locator(**LOC)), start=0,
                                   locator=Locator(**LOC))),
])
def test_builder_makes_what_the_constructor_makes(cls, build, values):
    names = [f.name for f in dataclasses.fields(cls)]
    assert list(values) == names, "the builder's arguments follow the class's fields"
    built, made = build(*values.values()), cls(**values)
    assert built == made and hash(built) == hash(made) and repr(built) == repr(made)
    assert dataclasses.asdict(built) == dataclasses.asdict(made)
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(built, names[0], "x")  # still frozen
