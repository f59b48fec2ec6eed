"""Reading a sentence: which features it names, what it says of each, for which trims.

A sentence is cut into clauses (at commas, semicolons, colons and contrast words such as
但 / but). Within a clause:
- a negation cue before a feature, or right after it with no other feature between, denies
  it ("没有天窗", "a HUD isn't offered"); a contrast word ends the clause, so "no sunroof but
  a sunshade" denies only the sunroof;
- an option cue (选装, optional, available) makes it an option claim, else it is a claim that
  the feature is there;
- trim words give the scope; a clause with none inherits the scope of the clause before it;
  all-trims words (全系, all trims) reset it to every trim;
- each figure binds to the nearest feature of the same dimension in its clause; a figure with
  no feature of its own continues the last feature of that dimension ("430公里起，Max版502公里").
A clause that names trims and a cue but no feature continues the features before it
("选装，Max版标配"; "Max版有HUD，其他版本没有").
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .context import CYCLES, SpecContext
from .language import Cue, find_cues
from .mentions import Hit
from .model import CellKind, Sentence
from .normalise import Normalised, normalise
from .trims import TrimRef
from .units import Quantity, find_quantities

CLAUSE_BREAK = re.compile(r"[，,；;：:。！!？?\n()（）|｜]|(?<![a-z])(?:but|however|whereas)(?![a-z])|但是|但|不过|就是|而是")


@dataclass(frozen=True)
class Assertion:
    feature_id: str
    hit: Hit
    polarity: str                     # has | optional | absent | value | text | unbounded
    trims: tuple[str, ...]
    scope_how: str
    quantity: Quantity | None = None
    comparator: str = "eq"            # eq | min | max | ge | le
    text_value: str | None = None
    only: bool = False
    all_trims: bool = False           # "全系可选装": every trim in scope must offer it
    cycle: str | None = None          # CLTC / WLTP / EPA named in the clause


@dataclass(frozen=True)
class Clause:
    start: int
    end: int


@dataclass
class Reading:
    sentence: Sentence
    norm: Normalised
    hits: list[Hit]
    quantities: list[Quantity]
    trim_refs: list[TrimRef]
    cues: list[Cue]
    assertions: list[Assertion] = field(default_factory=list)
    question: bool = False


def _clauses(text: str) -> list[Clause]:
    out, start = [], 0
    for m in CLAUSE_BREAK.finditer(text):
        if m.start() > start:
            out.append(Clause(start, m.start()))
        start = m.end()
        if m.group(0) in ("but", "however", "whereas", "但是", "但", "不过", "就是", "而是"):
            start = m.start()  # the contrast word opens the next clause
    if start < len(text):
        out.append(Clause(start, len(text)))
    return out


def _inside(a_start: int, a_end: int, spans) -> bool:
    return any(s <= a_start and a_end <= e for s, e in spans)


def _overlaps(a_start: int, a_end: int, spans) -> bool:
    return any(a_start < e and s < a_end for s, e in spans)


def read_sentence(sentence: Sentence, ctx: SpecContext) -> Reading:
    n = normalise(sentence.text)
    text = n.text
    quantities = find_quantities(text)
    number_ends = frozenset(m.end() for m in re.finditer(r"[0-9零一二两三四五六七八九十百千万半]", text))
    hits = ctx.index.scan(text, number_ends)
    trim_refs = ctx.trims.find(text) if ctx.trims else []
    trim_spans = [(r.start, r.end) for r in trim_refs]
    # a trim name wins over a feature alias inside it ("Long Range AWD" is not the AWD drivetrain)
    hits = [h for h in hits if not _inside(h.start, h.end, trim_spans)]
    trim_refs = [r for r in trim_refs if not any(h.start <= r.start and r.end <= h.end and (h.end - h.start) > (r.end - r.start) for h in hits)]
    feature_spans = [(h.start, h.end) for h in hits if h.alias not in ctx.index.after_number]
    quantities = [q for q in quantities if not _overlaps(q.start, q.end, feature_spans) and not _overlaps(q.start, q.end, [(r.start, r.end) for r in trim_refs])]
    cue_mask = feature_spans + [(r.start, r.end) for r in trim_refs]
    cues = [c for c in find_cues(text) if not _overlaps(c.start, c.end, cue_mask)]
    reading = Reading(sentence, n, hits, quantities, trim_refs, cues)
    reading.question = text.rstrip().endswith(("?", "？")) or any(c.kind == "question" for c in cues)
    if not reading.question:
        reading.assertions = _assertions(reading, ctx)
    return reading


def _row_kind(ctx: SpecContext, fid: str) -> str:
    rows = ctx.rows_by_feature.get(fid)
    if rows:
        k = rows[0].kind
        return {CellKind.VALUE: "value", CellKind.TEXT: "text"}.get(k, "availability")
    f = ctx.feature(fid)
    return f.kind if f else "availability"


def _dimension(ctx: SpecContext, fid: str) -> str | None:
    rows = ctx.rows_by_feature.get(fid)
    if rows:
        from .units import unit_dimension

        units = [r.unit for r in rows if r.unit]
        if units:
            return unit_dimension(units[0])
    f = ctx.feature(fid)
    return f.dimension if f else None


def _compatible(dim: str | None, q: Quantity) -> bool:
    if dim is None:
        return False
    qd = q.dimension
    if qd == dim:
        return True
    if dim == "rate" and qd == "price":
        return True  # "每公里两毛钱": a per-km charge written as a price
    if dim == "count" and qd == "number":
        return True
    if dim in ("price", "price_usd", "price_eur") and qd in ("price", "price_usd", "price_eur", "number"):
        return qd != "number" or q.value >= 1000
    return False


def _assertions(r: Reading, ctx: SpecContext) -> list[Assertion]:
    text = r.norm.text
    all_trims = ctx.spec.trims if ctx.spec else ()
    out: list[Assertion] = []
    scope: tuple[str, ...] = all_trims
    scope_how = "no trim named: every trim"
    mentioned_trims: list[str] = []
    last_features: list[Hit] = []          # features of the last clause that had any
    last_by_dim: dict[str, Hit] = {}
    used_quantities: set[int] = set()

    for clause in _clauses(text):
        cs, ce = clause.start, clause.end
        hits = [h for h in r.hits if cs <= h.start < ce]
        quants = [q for q in r.quantities if cs <= q.start < ce]
        refs = [t for t in r.trim_refs if cs <= t.start < ce]
        cues = [c for c in r.cues if cs <= c.start < ce]
        kinds = {c.kind for c in cues}

        # -- scope -------------------------------------------------------------------------
        clause_scope, how, is_all = None, None, False
        if "scope.all" in kinds:
            clause_scope, how, is_all = all_trims, "all-trims wording: every trim", True
        if "scope.others" in kinds and mentioned_trims:
            rest = tuple(t for t in all_trims if t not in mentioned_trims)
            if rest:
                clause_scope, how = rest, "'other trims': every trim not named before"
        if refs and clause_scope is None:
            chosen: list[str] = []
            hows = []
            for ref in refs:
                trims = ref.trims
                after = text[ref.end:ref.end + 4]
                before = text[max(0, ref.start - 6):ref.start]
                if any(after.lstrip().startswith(w) for w in ("起", "及以上", "以上", "and up", "up", "and above", "onwards")) or before.rstrip().endswith("from"):
                    trims = ctx.trims.from_onwards(trims)
                    hows.append(f"{ref.text!r} and every dearer trim ({ref.how})")
                else:
                    hows.append(ref.how)
                chosen.extend(t for t in trims if t not in chosen)
            clause_scope = tuple(t for t in all_trims if t in chosen)
            how = "; ".join(hows)
            mentioned_trims.extend(t for t in clause_scope if t not in mentioned_trims)
        if clause_scope is not None:
            scope, scope_how = clause_scope, how
        only = "only" in kinds

        # -- polarity per feature ------------------------------------------------------------
        def polarity_of(h: Hit) -> str:
            before = [c for c in cues if c.end <= h.start]
            after = [c for c in cues if c.start >= h.end]
            neg_before = [c for c in before if c.kind == "negation_before"]
            if any(c.kind == "negation_prefix" and c.end == h.start for c in before):
                return "absent"
            if neg_before:
                last = neg_before[-1]
                contrast = [c for c in cues if c.kind == "contrast" and last.end <= c.start < h.start]
                if not contrast:
                    return "absent"
            nxt = min((o.start for o in hits if o.start >= h.end), default=ce)
            if any(c.kind == "negation_after" and c.start < nxt for c in after):
                return "absent"
            if any(c.kind == "optional" for c in cues):
                return "optional"
            return "has"

        clause_assertions: list[Assertion] = []
        if hits:
            for h in hits:
                if h.alias in ctx.index.after_number and any(x is not h and x.feature_id == h.feature_id for x in hits):
                    continue
                kind = _row_kind(ctx, h.feature_id)
                pol = polarity_of(h)
                cycle = next((c for c in CYCLES if re.search(rf"(?<![a-z]){c}(?![a-z])", text[cs:ce])), None)
                if kind == "value":
                    continue  # figures are bound below
                if kind == "text":
                    clause_assertions.append(Assertion(h.feature_id, h, "absent" if pol == "absent" else "text",
                                                       scope, scope_how, text_value=h.alias, only=only, cycle=cycle))
                    continue
                if any(c.kind == "unbounded" for c in cues) and kind != "availability":
                    pol = "unbounded"
                clause_assertions.append(Assertion(h.feature_id, h, pol, scope, scope_how, only=only,
                                                   all_trims=is_all, cycle=cycle))
            # figures -> nearest feature of their dimension
            for qi, q in enumerate(quants):
                best = None
                for h in hits:
                    dim = _dimension(ctx, h.feature_id)
                    if _row_kind(ctx, h.feature_id) != "value" or not _compatible(dim, q):
                        continue
                    gap = q.start - h.end if q.start >= h.end else h.start - q.end + 0.5
                    if best is None or gap < best[0]:
                        best = (gap, h)
                if best is not None:
                    h = best[1]
                    used_quantities.add(id(q))
                    clause_assertions.append(_value_assertion(h, q, text, scope, scope_how, only, cues, cs, ce))
            # value features with no figure but an unbounded word: "不限里程", "lifetime warranty"
            for h in hits:
                if _row_kind(ctx, h.feature_id) == "value" and not any(a.feature_id == h.feature_id for a in clause_assertions):
                    if any(c.kind == "unbounded" for c in cues):
                        clause_assertions.append(Assertion(h.feature_id, h, "unbounded", scope, scope_how))
                    elif h.feature_id not in ctx.rows_by_feature and h.feature_id.startswith("row:") is False:
                        f = ctx.feature(h.feature_id)
                        if f is not None and f.kind != "value":
                            clause_assertions.append(Assertion(h.feature_id, h, "has", scope, scope_how))
            last_features = [h for h in hits]
            for h in hits:
                dim = _dimension(ctx, h.feature_id)
                if dim:
                    last_by_dim[dim] = h
        else:
            # no feature: continue the previous ones
            if last_features and refs and (kinds & {"standard", "optional", "negation_before", "negation_after", "negation_prefix"}):
                for h in last_features:
                    if _row_kind(ctx, h.feature_id) != "availability":
                        continue
                    pol = "absent" if kinds & {"negation_before", "negation_after"} else "optional" if "optional" in kinds else "has"
                    clause_assertions.append(Assertion(h.feature_id, h, pol, scope, scope_how, only=only))
            for q in quants:
                h = last_by_dim.get(q.dimension) or (last_by_dim.get("rate") if q.dimension == "price" else None)
                if h is None:
                    h = _only_row_of_dimension(ctx, q, r)
                if h is not None:
                    clause_assertions.append(_value_assertion(h, q, text, scope, scope_how, only, cues, cs, ce))
        out.extend(clause_assertions)
    return out


def _only_row_of_dimension(ctx: SpecContext, q: Quantity, r: Reading) -> Hit | None:
    """A figure with no feature word ("8.99万", "$42,990"): the one spec row of its dimension."""
    if q.dimension not in ("price", "price_usd", "price_eur"):
        return None  # only a price is unambiguous without a feature word ("8.99万", "$42,990")
    candidates = []
    for fid, rows in ctx.rows_by_feature.items():
        for row in rows:
            if row.kind is CellKind.VALUE and _compatible(_dimension(ctx, fid), q):
                candidates.append(fid)
                break
    if len(candidates) != 1:
        return None
    return Hit(candidates[0], q.start, q.start, "", 100.0, "implied")


def _value_assertion(h: Hit, q: Quantity, text: str, scope, scope_how, only, cues, cs, ce) -> Assertion:
    comparator = "eq"
    before = [c for c in cues if c.end <= q.start and c.start >= max(cs, q.start - 8)]
    after = [c for c in cues if c.start >= q.end and c.start <= q.end + 2]
    kinds_before = {c.kind for c in before}
    kinds_after = {c.kind for c in after}
    if "comparators.min_after" in kinds_after or "comparators.min_before" in kinds_before:
        comparator = "min"
    elif "comparators.max_before" in kinds_before:
        comparator = "max"
    elif "comparators.ge_before" in kinds_before or "comparators.ge_after" in kinds_after:
        comparator = "ge"
    elif "comparators.le_before" in kinds_before or "comparators.le_after" in kinds_after:
        comparator = "le"
    cycle = next((c for c in CYCLES if re.search(rf"(?<![a-z]){c}(?![a-z])", text[cs:ce])), None)
    return Assertion(h.feature_id, h, "value", scope, scope_how, quantity=q, comparator=comparator,
                     only=only, cycle=cycle)
