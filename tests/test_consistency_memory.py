"""The consistency pack keeps one statement per distinct statement, not one per statement, and
the judged finding only of those that may lead a finding: the findings are those of keeping
every statement, and repeats cost no memory."""
import random
from dataclasses import dataclass, replace
from types import SimpleNamespace

import pytest

from specaudit.model import Claim, Finding, Locator
from specaudit.normalise import norm
from specaudit.rules import consistency
from specaudit.rules.common import Stamp
from specaudit.rules.consistency import (Statement, _conflict, _from_assertions, _from_claimed, _loc, _same_model,
                                         _verdict_note)
from specaudit.rules.packs import fill, load_rules, str_list
from specaudit.units import Quantity


# -- the rule as it was: every statement kept, every pair compared ---------------------------------
@dataclass
class Said:
    """A statement as the rule kept it before: with its whole finding, its place read from that."""
    finding: Finding
    order: int
    claim_model: str | None
    stance: tuple
    trims: tuple[str, ...]
    verdict: str

    says = Statement.says

    @property
    def place(self) -> str:
        f = self.finding
        where = f"{f.source}" + (f" record {f.record}" if f.record else f":{f.line}" if f.line else "")
        return f"{f.channel} ({where})" if f.channel else where


def _apart_then(a: Said, b: Said, across) -> bool:
    fa, fb = a.finding, b.finding
    if (fa.source, fa.record, fa.line) == (fb.source, fb.record, fb.line):
        return False
    for attr in across:
        va, vb = getattr(fa, attr), getattr(fb, attr)
        if va is not None and vb is not None and va != vb:
            return True
    return False


def _same_model_then(a: Said, b: Said) -> bool:
    if (a.finding.model or "") != (b.finding.model or ""):
        return False
    ma, mb = norm(a.claim_model or ""), norm(b.claim_model or "")
    return not (ma and mb and ma not in mb and mb not in ma)


class KeepEverything:
    """Reference: the consistency runner before repeats were dropped, with a plain loop over every
    pair; what it shares with the module (stance parsing, _conflict, the notes) that change did
    not touch."""

    def __init__(self, rules, stamp):
        self.rules, self.stamp = rules, stamp
        self.groups: dict[tuple, list[Said]] = {}
        self.order = 0

    def claim(self, claim, ctx, results, sentences):
        assertions = None
        for f in results:
            if f.verdict not in consistency.RULE_VERDICTS or f.suppressed:
                continue
            if f.verdict == "unverifiable":
                if assertions is None:
                    assertions = [a for p in sentences for a in consistency.read_sentence(p.sentence, ctx).assertions]
                stmts = [(s, f.trims) for s in _from_assertions(f, assertions)]
            else:
                stmts = _from_claimed(f)
            for stance, trims in stmts:
                self.order += 1
                key = (norm(f.model or ""), f.feature_id if f.verdict == "unverifiable" else f.feature)
                self.groups.setdefault(key, []).append(
                    Said(f, self.order, claim.locator.model, stance, tuple(trims), f.verdict))
        return []

    def finish(self):
        return [f for stmts in self.groups.values() for rule in self.rules
                if (f := self._group(rule, stmts)) is not None]

    def _group(self, rule, stmts):
        across = str_list(rule, "across", rule.params.get("across")) or ["channel", "source"]
        pairs = [(a, b) for i, a in enumerate(stmts) for b in stmts[i + 1:]
                 if _conflict(a, b) and _apart_then(a, b, across) and _same_model_then(a, b)
                 and set(a.trims) & set(b.trims)]
        if not pairs:
            return None
        wrong = ([s for pair in pairs for s in pair if s.verdict == "contradicted"]
                 or [s for pair in pairs for s in pair if s.verdict == "unqualified"])
        subject = min(wrong, key=lambda s: s.order) if wrong else pairs[0][1]
        others = [b if subject is a else a for a, b in pairs if subject is a or subject is b]
        f = subject.finding
        feature = f.feature
        here = f"{subject.place} says: {subject.says(feature)}"
        seen, lines = set(), []
        for o in sorted(others, key=lambda s: s.order):
            if o.place not in seen:
                seen.add(o.place)
                lines.append(f"{o.place} says: {o.says(feature)}")
        shown = lines[:4] + ([f"{len(lines) - 4} more"] if len(lines) > 4 else [])
        spec_note, advice = _verdict_note(subject, others, feature, f)
        values = dict(feature=feature, here=here, there="; ".join(shown), spec_note=spec_note, advice=advice,
                      rationale=rule.rationale, name=rule.name)
        message = fill(rule.message or "{here}, but {there}. {spec_note}", **values)
        suggestion = fill(rule.suggestion or "{advice}", **values)
        trims = tuple(t for t in f.trims if any(t in o.trims for o in others)) or f.trims
        return self.stamp.finding(rule, None, feature=feature, feature_id=f.feature_id, model=f.model, trims=trims,
                                  claimed=f.claimed_value, spec=f.spec_value, message=message, suggestion=suggestion,
                                  cells=f.spec_cells, locate=(_loc(f), f.line, f.column, f.text, f.match))


# -- random statement streams with many repeats -----------------------------------------------------
ACROSS = (["channel"], ["source"], ["record"], ["kind"], ["channel", "source", "record", "kind"], [])


def _rules(which: str = "all"):
    """The shipped rule, and one for each choice of `across` with a message showing every part:
    all of them, or the one of this id."""
    (shipped,) = [r for r in load_rules(("consistency",)) if r.kind == "consistency"]
    every = "{name}: {here} | {there} | {spec_note} | {advice} | {feature} | {rationale}"
    rules = [shipped] + [replace(shipped, id=f"test/{'-'.join(a) or 'default'}", params={"across": a},
                                 message=every, suggestion="{advice} ({there})") for a in ACROSS]
    return rules if which == "all" else [r for r in rules if r.id == which]


FEATURES = [("全景遮阳帘", "sunshade"), ("每月基础里程", "mileage"), ("开票城市", "invoice")]
CLAIMED = ["standard", "optional", "absent", "absent", "absent", "unlimited", "3,000 km", "3000 km", "3010 km",
           "5,000 km", "3000.5 km", "from 3000 km", "up to 5000 km", "¥1,500", "0 km", "广州", "全国"]
QUANTITIES = [Quantity(3000.0, "km", 0, "3000 km", 0, 7, 1.0), Quantity(3000.0, "km", 0, "3,000公里", 2, 9, 1.0),
              Quantity(5000.0, "km", 0, "5000 km", 0, 7, 1.0), Quantity(0.0, "km", 0, "0 km", 0, 4, 1.0),
              Quantity(-0.0, "km", 0, "-0 km", 0, 5, 1.0), Quantity(3000.5, "km", 1, "3000.5 km", 0, 9, 0.1)]


def _claimed(r: random.Random) -> str:
    parts = []
    for _ in range(r.choice([1, 1, 1, 2])):
        trims = r.choice(["A", "B", "A/B", "C"]) if r.random() < 0.4 else None
        parts.append(r.choice(CLAIMED) + (f" @ {trims}" if trims else ""))
    return "; ".join(parts)


def _assertion(r: random.Random):
    polarity = r.choice(["has", "optional", "absent", "absent", "unbounded", "value", "value", "text"])
    return SimpleNamespace(feature_id=r.choice(FEATURES)[1], polarity=polarity, quantity=r.choice(QUANTITIES),
                           comparator=r.choice(["eq", "eq", "min", "max", "le"]),
                           text_value=r.choice(["广州", "全国"]))


def _originals(r: random.Random, n: int) -> list[dict]:
    """A few distinct findings (feature, verdict, what it claims, where) for a stream to repeat;
    most differ from an earlier one in one to three fields, so near-repeats are common."""
    draw = dict(
        verdict=lambda: r.choice(["supported", "supported", "contradicted", "unqualified", "unverifiable"]),
        feature=lambda: r.choice(FEATURES),
        model=lambda: r.choice(["埃安UT super"] * 4 + ["埃安ut SUPER", None]),
        trims=lambda: r.choice([("A",), ("B",), ("A", "B"), ("B", "A"), ("A", "B", "C")]),
        source=lambda: r.choice(["faq.jsonl", "store.md", "web.jsonl"]),
        record=lambda: r.choice([None, "r1", "r2"]),
        line=lambda: r.choice([None, 1, 2]), channel=lambda: r.choice([None, "faq", "faq", "store", "web"]),
        kind=lambda: r.choice(["body", "faq", None]),
        claim_model=lambda: r.choice([None] * 4 + ["埃安UT super", "UT", "凌川 S5"]),
        claimed=lambda: _claimed(r), assertions=lambda: [_assertion(r) for _ in range(r.choice([1, 2]))])
    originals = []
    for i in range(n):
        if i < 2 or r.random() < 0.2:
            original = {name: pick() for name, pick in draw.items()}
        else:
            original = dict(r.choice(originals))
            # what a statement says and where change most, so that a stream holds clashes
            # (dict.fromkeys, not a set: the stream must not depend on string hashing)
            for name in dict.fromkeys(r.choice([*draw, "claimed", "claimed", "verdict", "assertions", "source",
                                                "channel"]) for _ in range(r.choice([1, 1, 2, 3]))):
                original[name] = draw[name]()
        originals.append(original)
    return originals


def _stream(seed: int, claims: int) -> list[tuple]:
    """(claim, results, sentences) per claim. Repeats of an original differ in what no comparison
    reads (column, sentence, the spec's wording), so a wrong choice of representative shows."""
    r = random.Random(seed)
    originals = _originals(r, r.choice([6, 12, 24]))
    out = []
    for _ in range(claims):
        picked = [r.choice(originals) for _ in range(r.choice([1, 1, 2, 3]))]
        first = picked[0]
        loc = Locator(first["source"], first["line"], None, first["record"], first["kind"] or "body",
                      first["channel"], first["claim_model"])
        results, assertions = [], []
        for o in picked:
            column = r.randrange(1, 5)
            feature, feature_id = o["feature"]
            results.append(Finding(
                verdict=o["verdict"], severity="info", rule="feature", feature=feature, feature_id=feature_id,
                model=o["model"], trims=o["trims"], source=o["source"], record=o["record"], line=o["line"],
                column=column, text=f"sentence {column}", match=feature, claimed_value=o["claimed"],
                spec_value=r.choice([None, "A: 3,000 km", "A: ●; B: -"]), message="", suggestion="",
                channel=o["channel"], kind=o["kind"], spec_cells=(("A", str(column)),),
                suppressed="waived" if r.random() < 0.03 else None))
            assertions.extend(o["assertions"])
        sentences = [SimpleNamespace(sentence=SimpleNamespace(assertions=assertions))]
        out.append((Claim("copy", loc), results, sentences))
    return out


@pytest.fixture
def assertions_as_given(monkeypatch):
    # the stream carries each sentence's assertions; reading them is not what is tested here
    monkeypatch.setattr(consistency, "read_sentence", lambda sentence, ctx: sentence)


def _run(runner, stream):
    for claim, results, sentences in stream:
        runner.claim(claim, None, results, sentences)
    return runner


def _representatives(runner) -> int:
    return sum(len(g.representatives) for g in runner.groups.values())


def _without_finding(runner) -> int:
    return sum(s.finding is None for g in runner.groups.values() for s in g.representatives.values())


@pytest.mark.usefixtures("assertions_as_given")
@pytest.mark.parametrize("which", ["all", "consistency/cross-channel", "test/channel", "test/source", "test/record",
                                   "test/kind", "test/default"])
def test_findings_are_those_of_keeping_every_statement(which):
    rules = _rules(which)
    fired = deduplicated = findings_dropped = 0
    for seed in range(50):
        stream = _stream(seed, random.Random(seed).choice([20, 80, 160]))
        kept = _run(consistency.Runner(rules, Stamp()), stream)
        stored, findings_dropped = _representatives(kept), findings_dropped + _without_finding(kept)
        reference = _run(KeepEverything(rules, Stamp()), stream)
        expected = reference.finish()
        assert kept.finish() == expected, f"seed {seed}"
        fired += bool(expected)
        deduplicated += stored < sum(len(s) for s in reference.groups.values())
    assert fired >= 5 and deduplicated >= 40  # the streams do clash, and do repeat
    # and some statements kept cannot lead a finding (hardly any when some rule compares every
    # place field: then only statements of one source, record, channel and kind are alike)
    assert findings_dropped >= (0 if which == "all" else 30)


def _finding(**fields) -> Finding:
    """A judged statement of the monthly mileage; what no comparison reads (column, sentence)
    may differ between repeats."""
    given = dict(verdict="supported", severity="info", rule="feature", feature="每月基础里程",
                 feature_id="mileage", model="埃安UT super", trims=("A", "B"), source="faq.jsonl", record="r1",
                 line=None, column=1, text="每月基础里程", match="每月基础里程", claimed_value="3,000 km",
                 spec_value="A: 3,000 km", message="", suggestion="", channel="faq", kind="body")
    return Finding(**{**given, **fields})


def _say(runner, claim_model=None, **fields):
    f = _finding(**fields)
    runner.claim(Claim("copy", Locator(f.source, f.line, f.column, f.record, f.kind, f.channel, claim_model)),
                 None, [f], [])


@pytest.mark.usefixtures("assertions_as_given")
def test_a_long_list_of_places_is_the_same():
    # past four places the message says "N more", and the advice still names every place
    r = random.Random(1)
    rules = _rules()
    kept, reference = consistency.Runner(rules, Stamp()), KeepEverything(rules, Stamp())
    for i in range(400):
        place = r.randrange(12)
        said = dict(verdict=r.choice(["supported", "supported", "contradicted"]),
                    claimed_value=r.choice(["standard", "absent", "3000 km", "5000 km"]),
                    source=f"s{place % 5}.md", record=None, line=place, channel=f"c{place % 3}", column=i)
        _say(kept, **said)
        _say(reference, **said)
    assert _representatives(kept) <= 12 * 4 * 2  # places x what they say x verdicts
    expected = reference.finish()
    assert expected and any("more" in f.message for f in expected)
    assert kept.finish() == expected


# a first statement, one at the same place that differs from it in one thing, and one elsewhere
# that clashes with the second only: taking the second for a repeat of the first loses the finding
HERE = dict(source="shop.jsonl", channel="shop", record="r1")
ELSEWHERE = dict(source="web.jsonl", channel="web", record="w1", claimed_value="absent")
NEAR_REPEATS = {
    "model": (dict(model="埃安ut SUPER"), dict(), dict()),
    "model of the claim": (dict(claim_model="凌川 S5"), dict(), dict(claim_model="埃安UT super")),
    "trims": (dict(trims=("A",), claimed_value="standard"), dict(trims=("B",), claimed_value="standard"),
              dict(trims=("B",))),
    "verdict": (dict(), dict(verdict="contradicted"), dict(verdict="contradicted")),
    "figure": (dict(claimed_value="5000 km"), dict(), dict(claimed_value="5000 km")),
    # the one elsewhere shares the first one's source, record and line: one claim, not apart
    "line": (dict(line=1), dict(line=2), dict(HERE, line=1, channel="store")),
    "record": (dict(), dict(record="r2"), dict(HERE, channel="store")),
    "source": (dict(), dict(source="b.jsonl"), dict(HERE, channel="store")),
    # the one elsewhere shares the first one's channel and source: not apart
    "channel": (dict(channel="faq"), dict(channel="store"), dict(HERE, record="r9", channel="faq")),
    "kind of text": (dict(kind="body"), dict(kind="faq"), dict(HERE, record="r9", kind="body")),
}


@pytest.mark.parametrize("differs_in", sorted(NEAR_REPEATS))
def test_a_statement_that_differs_in_what_a_clash_reads_is_no_repeat(differs_in):
    first, second, elsewhere = NEAR_REPEATS[differs_in]
    rules = _rules()
    if differs_in == "kind of text":
        rules = [replace(r, params={"across": ["kind"]}) for r in rules]
    kept, reference = consistency.Runner(rules, Stamp()), KeepEverything(rules, Stamp())
    for runner in (kept, reference):
        for column, said in enumerate(({**HERE, **first}, {**HERE, **second}, {**ELSEWHERE, **elsewhere})):
            _say(runner, column=column, **said)
    assert _representatives(kept) == 3
    expected = reference.finish()
    assert expected and kept.finish() == expected


# -- who may lead a finding keeps its finding --------------------------------------------------------
def _said_in_order(rules, statements):
    kept, reference = consistency.Runner(rules, Stamp()), KeepEverything(rules, Stamp())
    for runner in (kept, reference):
        for column, said in enumerate(statements):
            _say(runner, column=column, **said)
    return kept, reference


def test_a_later_statement_from_another_claim_may_lead():
    # three places say the same; the one that contradicts them shares the first one's claim
    # (one claim does not disagree with itself), so the finding is at the second
    same = dict(source="shop.jsonl", channel="shop", verdict="contradicted", claimed_value="standard")
    kept, reference = _said_in_order(_rules("consistency/cross-channel"), [
        dict(same, record="r1"), dict(same, record="r2"), dict(same, record="r3"),
        dict(source="shop.jsonl", record="r1", channel="faq", claimed_value="absent")])
    assert _without_finding(kept) == 1  # the third can never lead
    (finding,) = reference.finish()
    assert finding.record == "r2"
    assert kept.finish() == [finding]


def test_who_may_lead_follows_the_place_fields_the_rules_compare():
    # across [record]: a statement without a record is apart from none, so the one from r3 leads,
    # though two before it share its source and channel
    same = dict(source="shop.jsonl", channel="shop", verdict="contradicted", claimed_value="standard")
    kept, reference = _said_in_order(_rules("test/record"), [
        dict(same, record=None, line=1), dict(same, record=None, line=2), dict(same, record="r3"),
        dict(source="shop.jsonl", record="r9", channel="shop", claimed_value="absent")])
    (finding,) = reference.finish()
    assert finding.record == "r3"
    assert kept.finish() == [finding]


def test_statements_of_one_said_key_are_alike_to_every_comparison():
    # what _said_key leaves out (text values, how a figure is written) no comparison reads
    r = random.Random(5)
    # 10 with decimals and 10 without, of one resolution: only the one with decimals agrees with 11.5
    quantities = QUANTITIES + [Quantity(10.0, "km", 1, "", 0, 0, 4.0), Quantity(10.0, "km", 0, "", 0, 0, 4.0),
                               Quantity(11.5, "km", 0, "", 0, 0, 1.0), Quantity(3000.0, "kWh", 0, "", 0, 0)]
    stances = [("pol", 1), ("pol", -1), ("unbounded",), ("text", "广州"), ("text", "全国")]
    stances += [("fig", comparator, q) for comparator in ("eq", "min", "max", "le") for q in quantities]
    statements = []
    for _ in range(12):  # every stance, said by a few statements alike in all else
        claim_model = r.choice([None, "埃安UT super", "UT", "凌川 S5"])
        model = r.choice(["埃安UT super", None, ""])
        trims = r.choice([("A",), ("B",), ("A", "B"), ("B", "A")])
        verdict = r.choice(["supported", "contradicted", "unqualified", "unverifiable"])
        statements += [Statement(None, len(statements) + i, claim_model, stance, trims, verdict, model=model)
                       for i, stance in enumerate(stances)]
    by_key: dict[tuple, list[Statement]] = {}
    for s in statements:
        by_key.setdefault(consistency._said_key(s), []).append(s)
    alike = [ss for ss in by_key.values() if len(ss) > 1]
    assert len(alike) >= 20
    for first, *rest in alike:
        for other in rest:
            for t in statements:
                assert _conflict(first, t) == _conflict(other, t)
                assert _same_model(first, t) == _same_model(other, t)
                assert bool(set(first.trims) & set(t.trims)) == bool(set(other.trims) & set(t.trims))


# -- repeats cost nothing ---------------------------------------------------------------------------
def test_the_same_statement_twenty_thousand_times_is_stored_once():
    runner = consistency.Runner(_rules(), Stamp())
    _say(runner, column=0)
    assert _representatives(runner) == 1
    for i in range(1, 20_000):
        _say(runner, column=i)
    assert runner.order == 20_000  # every repeat was read ...
    assert _representatives(runner) == 1  # ... and dropped


def test_a_record_per_claim_keeps_each_place_but_two_findings():
    runner = consistency.Runner(_rules("consistency/cross-channel"), Stamp())
    for i in range(20_000):
        _say(runner, record=f"r{i}", column=i)
    assert _representatives(runner) == 20_000  # a finding may have to name every one of them
    assert _representatives(runner) - _without_finding(runner) == 2  # the first, and the first from another claim


def test_two_clashing_statements_repeated_give_the_finding_of_one_of_each():
    def feed(times):
        runner = consistency.Runner(_rules(), Stamp())
        for i in range(times):
            _say(runner, column=i)
            _say(runner, verdict="contradicted", claimed_value="5000 km", source="store.jsonl", channel="store",
                 record="s7", column=i)
        return runner

    once, often = feed(1), feed(10_000)
    assert _representatives(often) == _representatives(once) == 2
    findings = often.finish()
    assert findings and findings == once.finish()
    assert all(f.record == "s7" and f.column == 0 for f in findings)  # at the first contradicted statement
