"""Kind `consistency`: two places (channels, files) that state the same fact differently.

    - id: cross-channel
      kind: consistency
      across: [channel, source]     # statements differ in place when any of these differ

Every statement the feature judgement read is noted: its model, feature, trims and what it says
(there / not there, a figure, unlimited, a text value). At the end, statements about the same
feature of the same model, on overlapping trims, from different places, are compared:
- there vs. not there ("有全景遮阳帘" / "没有全景遮阳帘");
- two figures for the same trims beyond the rounding tolerance ("3000公里" / "5000公里"), or a
  figure vs. unlimited;
- for text rows, one the spec backs vs. one it contradicts ("只有广州和上海能开票" / "全国都能开票").
This works for facts the spec does not cover too: then the statements' own polarity and figures
are compared. One finding per feature, at the statement that disagrees with the spec (else the
later one), listing the other side's sources, and saying which side the spec agrees with.

What is kept, so that memory grows with the distinct statements and not with every statement: per
feature, the first of each set of repeats, statements alike in all that decides what they clash
with (what the comparison reads of what they say, their trims, model and place: source, record,
line, channel, kind of text) and in verdict. A repeat changes no finding, so it is dropped as it
arrives: a million repeats of a few statements from a few places cost what one of each does. The
place is part of what makes a repeat because a finding names every place of the other side, so
a catalogue with a record per claim keeps a statement per record; but only the few statements
that may become a finding's subject keep their judged finding (sentence, message, spec cells),
the rest only what is compared and shown. Runner._keep says why both are safe: the report is
the one keeping every statement would give.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from ..model import Claim, Finding
from ..normalise import norm
from ..reading import read_sentence
from ..units import Quantity, agrees, format_value, parse_quantity
from .common import Prepared, Stamp
from .packs import Rule, check_template, fill, str_list

KIND = "consistency"
KEYS = {"across"}
ACROSS = ("channel", "source", "record", "kind")
PLACEHOLDERS = {"feature", "here", "there", "spec_note", "advice", "rationale", "name"}
RULE_VERDICTS = ("supported", "contradicted", "unqualified", "unverifiable")
POSITIVE = ("standard", "available", "present", "has", "optional")


def validate(rule: Rule) -> None:
    across = str_list(rule, "across", rule.params.get("across"))
    bad = [a for a in across if a not in ACROSS]
    if bad:
        rule.fail(f"`across` takes {', '.join(ACROSS)}, not {', '.join(bad)}", "across")
    for key in ("message", "suggestion"):
        check_template(rule, key, PLACEHOLDERS)


@dataclass(slots=True)
class Statement:
    finding: Finding | None  # None when it can never be a finding's subject (see Runner._keep)
    order: int
    claim_model: str | None
    stance: tuple           # ("pol", +1|-1) | ("fig", comparator, Quantity) | ("unbounded",) | ("text", value)
    trims: tuple[str, ...]
    verdict: str
    # the finding's model and place, which comparing and listing statements read: kept here so
    # that the finding itself can go
    model: str | None = None
    source: str | None = None
    record: str | None = None
    line: int | None = None
    channel: str | None = None
    kind: str | None = None

    @classmethod
    def of(cls, f: Finding, order: int, claim_model: str | None, stance: tuple, trims: tuple[str, ...]):
        return cls(f, order, claim_model, stance, trims, f.verdict, f.model, f.source, f.record, f.line,
                   f.channel, f.kind)

    @property
    def place(self) -> str:
        where = f"{self.source}" + (f" record {self.record}" if self.record else
                                    f":{self.line}" if self.line else "")
        return f"{self.channel} ({where})" if self.channel else where

    def says(self, feature: str) -> str:
        kind = self.stance[0]
        if kind == "pol":
            return f"has {feature}" if self.stance[1] > 0 else f"has no {feature}"
        if kind == "fig":
            comp, q = self.stance[1], self.stance[2]
            pre = {"eq": "", "min": "from ", "max": "up to ", "ge": "≥ ", "le": "≤ "}.get(comp, "")
            return f"{feature}: {pre}{format_value(q.value, q.unit)}"
        if kind == "unbounded":
            return f"{feature}: unlimited"
        return f"{feature}: {self.stance[1]}"


@dataclass
class _Group:
    # the first of each set of repeats (alike in _said_key and place), in the order they came
    representatives: dict[tuple, Statement] = field(default_factory=dict)
    # per lead set (alike in _said_key and the place fields the rules compare): the claim (source,
    # record, line) of its first statement, None once one from another claim came too
    first_claim: dict[tuple, tuple | None] = field(default_factory=dict)


class Runner:
    def __init__(self, rules: list[Rule], stamp: Stamp):
        self.rules = rules
        self.stamp = stamp
        self.groups: dict[tuple, _Group] = {}
        self.order = 0
        self.compared_fields = tuple(a for a in ACROSS if any(a in _across(r) for r in rules))

    def claim(self, claim: Claim, ctx, results: list[Finding], sentences: list[Prepared]) -> list[Finding]:
        assertions = None
        for f in results:
            if f.verdict not in RULE_VERDICTS or f.suppressed:
                continue
            if f.verdict == "unverifiable":
                if assertions is None:  # the statement's own polarity, for facts the spec lacks
                    assertions = [a for p in sentences for a in read_sentence(p.sentence, ctx).assertions]
                stmts = [(s, f.trims) for s in _from_assertions(f, assertions)]
            else:
                stmts = _from_claimed(f)
            for stance, trims in stmts:
                self.order += 1
                key = (norm(f.model or ""), f.feature_id if f.verdict == "unverifiable" else f.feature)
                self._keep(self.groups.setdefault(key, _Group()),
                           Statement.of(f, self.order, claim.locator.model, stance, tuple(trims)))
        return []

    def _keep(self, group: _Group, statement: Statement) -> None:
        """Keep the statement unless it repeats a kept one, and its finding only if it may lead one.

        Repeats: statements alike in _said_key and place clash with the same statements, and
        never with each other (a place is not apart from itself). _group on the first of each
        set of repeats gives the finding it gives on every statement, since wherever it shows a
        statement of a set, it shows the set's first:
        - the subject is the earliest contradicted (else unqualified) statement in a clashing
          pair, and a set's first is in a pair when any of the set is; failing that, it is the
          later one of the first pair, which has no earlier repeat (that would make an earlier
          pair);
        - the other side is every statement of the sets that clash with the subject's; a place
          shows what its earliest statement says, and the rest is places, verdicts and trims.
        So what a repeat says beyond _said_key (another text value, a figure written another
        way) never shows, and nothing counts repeats.

        Leaders: kept statements alike in _said_key and in the place fields a rule compares (its
        `across`), a lead set, clash under that rule with the same statements, bar those from
        their own claim (source, record, line). Either way the subject is picked, it is the
        earliest of its lead set to clash with one of some statements (any at all, or the first
        pair's earlier one): the set's first, unless all it would clash with are from its own
        claim, and then the first from another claim. Only these two keep their finding. Lead
        sets split by the fields any rule compares are finer than by one rule's, which only
        makes more leaders. A catalogue with a record per claim keeps two findings per lead set,
        not one per record."""
        said = _said_key(statement)
        repeat_key = said + (statement.source, statement.record, statement.line, statement.channel,
                             statement.kind)
        if repeat_key in group.representatives:
            return
        group.representatives[repeat_key] = statement
        lead_key = said + tuple(getattr(statement, a) for a in self.compared_fields)
        claim = (statement.source, statement.record, statement.line)
        if lead_key not in group.first_claim:
            group.first_claim[lead_key] = claim
        elif group.first_claim[lead_key] not in (None, claim):
            group.first_claim[lead_key] = None  # the first from another claim: the last that may lead
        else:
            statement.finding = None

    def finish(self) -> list[Finding]:
        out = []
        for group in self.groups.values():
            for rule in self.rules:
                f = self._group(rule, list(group.representatives.values()))
                if f is not None:
                    out.append(f)
        self.groups.clear()
        return out

    def _group(self, rule: Rule, stmts: list[Statement]) -> Finding | None:
        across = _across(rule)
        pairs = [(a, b) for a, b in _clashing_pairs(stmts)
                 if _apart(a, b, across) and _same_model(a, b) and set(a.trims) & set(b.trims)]
        if not pairs:
            return None
        # the subject: a statement the spec contradicts, else the later one of the first pair
        wrong = ([s for pair in pairs for s in pair if s.verdict == "contradicted"]
                 or [s for pair in pairs for s in pair if s.verdict == "unqualified"])
        subject = min(wrong, key=lambda s: s.order) if wrong else pairs[0][1]
        others = []
        for a, b in pairs:
            if subject is a:
                others.append(b)
            elif subject is b:
                others.append(a)
        if not others:
            a, b = pairs[0]
            subject, others = b, [a]
        f = subject.finding
        feature = f.feature
        here = f"{subject.place} says: {subject.says(feature)}"
        seen, lines = set(), []
        for o in sorted(others, key=lambda s: s.order):
            if o.place in seen:
                continue
            seen.add(o.place)
            lines.append(f"{o.place} says: {o.says(feature)}")
        shown = lines[:4] + ([f"{len(lines) - 4} more"] if len(lines) > 4 else [])
        there = "; ".join(shown)
        spec_note, advice = _verdict_note(subject, others, feature, f)
        values = dict(feature=feature, here=here, there=there, spec_note=spec_note, advice=advice,
                      rationale=rule.rationale, name=rule.name)
        message = fill(rule.message or "{here}, but {there}. {spec_note}", **values)
        suggestion = fill(rule.suggestion or "{advice}", **values)
        trims = tuple(t for t in f.trims if any(t in o.trims for o in others)) or f.trims
        return self.stamp.finding(rule, None, feature=feature, feature_id=f.feature_id, model=f.model, trims=trims,
                                  claimed=f.claimed_value, spec=f.spec_value, message=message, suggestion=suggestion,
                                  cells=f.spec_cells, locate=(_loc(f), f.line, f.column, f.text, f.match))


def _across(rule: Rule) -> list[str]:
    return str_list(rule, "across", rule.params.get("across")) or ["channel", "source"]


def _loc(f: Finding):
    from ..model import Locator

    return Locator(f.source, f.line, f.column, f.record, f.kind or "body", f.channel)


def _verdict_note(subject: Statement, others: list[Statement], feature: str, f: Finding) -> tuple[str, str]:
    other_places = ", ".join(dict.fromkeys(o.place for o in others))
    if subject.verdict == "unverifiable" or all(o.verdict == "unverifiable" for o in others):
        return (f"The spec does not cover {feature}, so it cannot say which is right.",
                f"Settle which is right, add {feature} to the spec, and align {subject.place} and {other_places}.")
    agree = [o for o in others if o.verdict == "supported"]
    says = f"; it says {f.spec_value}" if f.spec_value else ""
    if subject.verdict in ("contradicted", "unqualified") and agree:
        return (f"The spec agrees with {', '.join(dict.fromkeys(o.place for o in agree))}{says}.",
                f"Correct {subject.place} to match the spec and {', '.join(dict.fromkeys(o.place for o in agree))}.")
    if subject.verdict == "supported":
        return (f"The spec agrees with {subject.place}{says}.",
                f"Correct {other_places} to match the spec and {subject.place}.")
    if subject.verdict == "contradicted":
        return (f"The spec agrees with neither{says}.",
                f"Correct both {subject.place} and {other_places} to what the spec says.")
    return (f"The spec backs neither fully{says}.",
            f"Align {subject.place} and {other_places} with the spec.")


def _said_key(s: Statement) -> tuple:
    """What _conflict and _same_model read of a statement, and its verdict (which picks the
    subject): with its place, all that decides what a statement clashes with and whether it
    leads a finding. A text value, or how a figure is written, is not in it: no comparison
    reads them (see Runner._keep)."""
    kind = s.stance[0]
    if kind == "pol":
        said = ("pol", s.stance[1])
    elif kind == "fig":
        q = s.stance[2]
        said = ("fig", s.stance[1], q.unit, q.value, q.decimals, q.resolution)
    else:
        said = (kind,)  # "unlimited", or a text value: _conflict reads no more of them
    return said + (s.trims, s.verdict, s.model, s.claim_model)


def _conflict_key(s: Statement) -> tuple:
    """What _conflict looks at of a statement: it answers alike for any two statements of two
    keys, and never flags two statements of one key (the same polarity, the same figure...)."""
    kind = s.stance[0]
    if kind == "pol":
        return ("pol", s.stance[1])
    if kind == "fig":
        q = s.stance[2]
        return ("fig", s.stance[1], s.verdict == "unqualified", frozenset(s.trims),
                q.unit, q.value, q.decimals, q.resolution)
    if kind == "text":
        return ("text", s.verdict)
    return (kind,)


def _clashing_pairs(stmts: list[Statement]):
    """The pairs (a, b), a before b, that _conflict flags, in the order of a loop over every
    pair, without that loop: statements are grouped by _conflict_key, and only groups that
    clash are paired. A catalogue says one thing about a feature many thousands of times;
    when all agree this is one pass, not a comparison of every pair."""
    keys = [_conflict_key(s) for s in stmts]
    first: dict[tuple, Statement] = {}
    where: dict[tuple, list[int]] = {}
    for i, (s, k) in enumerate(zip(stmts, keys)):
        first.setdefault(k, s)
        where.setdefault(k, []).append(i)
    clashes = {k: [o for o in first if o != k and _conflict(first[k], first[o])] for k in first}
    for i, a in enumerate(stmts):
        rivals = clashes[keys[i]]
        if not rivals:
            continue
        later = sorted(j for o in rivals for j in where[o][bisect_right(where[o], i):])
        for j in later:
            yield a, stmts[j]


def _apart(a: Statement, b: Statement, across) -> bool:
    if (a.source, a.record, a.line) == (b.source, b.record, b.line):
        return False  # one claim does not disagree with itself here
    for attr in across:
        va, vb = getattr(a, attr), getattr(b, attr)
        if va is not None and vb is not None and va != vb:
            return True
    return False


def _same_model(a: Statement, b: Statement) -> bool:
    if (a.model or "") != (b.model or ""):
        return False
    ma, mb = norm(a.claim_model or ""), norm(b.claim_model or "")
    return not (ma and mb and ma not in mb and mb not in ma)


def _conflict(a: Statement, b: Statement) -> bool:
    ka, kb = a.stance[0], b.stance[0]
    if ka == "pol" and kb == "pol":
        return a.stance[1] != b.stance[1]
    if ka == "fig" and kb == "fig":
        if a.stance[1] != "eq" or b.stance[1] != "eq" or "unqualified" in (a.verdict, b.verdict):
            return False
        if set(a.trims) != set(b.trims):
            return False  # "430 km" for every trim and "502 km" for the Max are different facts
        qa, qb = a.stance[2], b.stance[2]
        if qa.unit != qb.unit:
            return False
        return not (agrees(qa, qb.value) or agrees(qb, qa.value))
    if {ka, kb} == {"fig", "unbounded"}:
        fig = a if ka == "fig" else b
        return fig.stance[1] in ("eq", "le", "max")
    if {ka, kb} == {"pol", "fig"} or {ka, kb} == {"pol", "unbounded"} or {ka, kb} == {"pol", "text"}:
        pol = a if ka == "pol" else b
        return pol.stance[1] < 0  # "no X" against a figure or value for X
    if ka == "text" and kb == "text":
        return {a.verdict, b.verdict} == {"supported", "contradicted"}
    return False


_PREFIX = {"from ": "min", "up to ": "max", "≥ ": "ge", "≤ ": "le"}


def _stance_of(text: str):
    t = text.strip()
    if t in POSITIVE:
        return ("pol", 1)
    if t == "absent":
        return ("pol", -1)
    if t == "unlimited":
        return ("unbounded",)
    comp = "eq"
    for pre, c in _PREFIX.items():
        if t.startswith(pre):
            comp, t = c, t[len(pre):]
            break
    q = _quantity(t)
    if q is not None:
        return ("fig", comp, q)
    return ("text", text.strip())


def _quantity(text: str) -> Quantity | None:
    q = parse_quantity(text)
    if q is not None:
        return q
    m = re.fullmatch(r"([¥$€]?)([\d,]+(?:\.\d+)?)\s*(\S*)", text.strip())
    if m:  # a canonical unit the surface forms do not list ("0.2 CNY/km")
        digits = m.group(2).replace(",", "")
        unit = {"¥": "CNY", "$": "USD", "€": "EUR"}.get(m.group(1), "") or m.group(3)
        decimals = len(digits.split(".")[1]) if "." in digits else 0
        return Quantity(float(digits), unit, decimals, text, 0, len(text), 10 ** -decimals)
    return None


def _from_claimed(f: Finding) -> list[tuple[tuple, tuple[str, ...]]]:
    out = []
    for part in (f.claimed_value or "").split("; "):
        if not part.strip():
            continue
        value, _, trims = part.partition(" @ ")
        out.append((_stance_of(value), tuple(trims.split("/")) if trims else f.trims))
    return out


def _from_assertions(f: Finding, assertions) -> list[tuple]:
    out = []
    for a in assertions:
        if a.feature_id != f.feature_id:
            continue
        if a.polarity in ("has", "optional"):
            out.append(("pol", 1))
        elif a.polarity == "absent":
            out.append(("pol", -1))
        elif a.polarity == "unbounded":
            out.append(("unbounded",))
        elif a.polarity == "value" and a.quantity is not None:
            out.append(("fig", a.comparator, a.quantity))
        elif a.polarity == "text" and a.text_value:
            out.append(("text", a.text_value))
    return list(dict.fromkeys(out)) if all(isinstance(x, tuple) for x in out) else out
