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
from dataclasses import dataclass, field, replace

from .context import CYCLES, SpecContext
from .language import Cue, find_cues, words
from .model import CellKind, Hit, Sentence
from .normalise import Normalised, normalise
from .trims import TrimRef
from .units import Quantity, find_quantities, is_ambiguous, unit_dimension

DEFAULT_SCOPE = "no trim named: every trim"
FROM_AFTER = tuple(sorted(words("scope.from_after"), key=len, reverse=True))   # "智驾版起", "XLE and above"
FROM_BEFORE = tuple(words("scope.from_before"))                                 # "from the Max up"
# Every alternative starts with a plain character (the look-behind comes after the first
# letter), so the regex engine skips to the characters a break can start with instead of trying
# each position: the same matches as one character class and "(?<![a-z])(?:but|...)", twice as fast.
CLAUSE_BREAK = re.compile("|".join(re.escape(c) for c in "，；;：:。！!？?\n|｜")
                          + r"|,(?!\d{3}(?!\d))|b(?<![a-z]b)ut(?![a-z])|h(?<![a-z]h)owever(?![a-z])"
                            r"|w(?<![a-z]w)hereas(?![a-z])|但是|但|不过|就是|而是")


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
    clause: str = ""                  # the normalised clause, for text rows read off the wording


_new = object.__new__


def _assertion(feature_id: str, hit: Hit, polarity: str, trims: tuple, scope_how: str, quantity: Quantity | None,
               comparator: str, text_value: str | None, only: bool, all_trims: bool, cycle: str | None,
               clause: str) -> Assertion:
    """Assertion(...) with every field given in order, without the frozen-field __setattr__
    calls (the statement most feature sentences make)."""
    obj = _new(Assertion)
    obj.__dict__.update(feature_id=feature_id, hit=hit, polarity=polarity, trims=trims, scope_how=scope_how,
                        quantity=quantity, comparator=comparator, text_value=text_value, only=only,
                        all_trims=all_trims, cycle=cycle, clause=clause)
    return obj


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
    scope_out: tuple[tuple[str, ...], str] | None = None  # a scope-only sentence sets the next one's scope


_NUMERAL_CHARS = frozenset("0123456789零一二两三四五六七八九十百千万半")


class _NumberEnds:
    """The offsets where a numeral character ends, as the scan asks of an after-number alias
    ("4,790 mm long", "14-speaker"): answered from the text when asked (seldom), not listed."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def __contains__(self, end: int) -> bool:
        return end > 0 and self.text[end - 1] in _NUMERAL_CHARS


# One pattern per test cycle ("CLTC 续航"), compiled once rather than formatted per hit, and
# one for any of them, which most clauses fail at once.
_CYCLE_RES = tuple((c, re.compile(rf"(?<![a-z]){c}(?![a-z])")) for c in CYCLES)
_ANY_CYCLE = re.compile("|".join(CYCLES))


def _cycle_of(clause: str) -> str | None:
    """The test cycle a clause names, the first of CYCLES when it names several."""
    if _ANY_CYCLE.search(clause) is None:
        return None
    return next((c for c, rx in _CYCLE_RES if rx.search(clause)), None)


_CONTRAST_BREAKS = frozenset(("but", "however", "whereas", "但是", "但", "不过", "就是", "而是"))


def _clauses(text: str) -> list[tuple[int, int]]:
    """(start, end) of each clause."""
    out, start = [], 0
    for m in CLAUSE_BREAK.finditer(text):
        if m.start() > start:
            out.append((start, m.start()))
        start = m.end()
        if m.group(0) in _CONTRAST_BREAKS:
            start = m.start()  # the contrast word opens the next clause
    if start < len(text):
        out.append((start, len(text)))
    return out


def _inside(a_start: int, a_end: int, spans) -> bool:
    return any(s <= a_start and a_end <= e for s, e in spans)


def _overlaps(a_start: int, a_end: int, spans) -> bool:
    return any(a_start < e and s < a_end for s, e in spans)


def read_sentence(sentence: Sentence, ctx: SpecContext,
                  scope_in: tuple[tuple[str, ...], str] | None = None) -> Reading:
    """Read one sentence; `scope_in` is the scope a previous scope-only sentence set
    ("Took delivery of my LR AWD. Love the glass roof…")."""
    n = normalise(sentence.text)
    text = n.text
    quantities = find_quantities(text)
    hits = ctx.index.scan(text, _NumberEnds(text))
    trim_refs = ctx.trims.find(text) if ctx.trims else []
    if not hits and not quantities:
        # most sentences: with neither a feature nor a figure no clause can assert anything,
        # and cue words have nothing to qualify; trim names alone scope the next sentence
        reading = Reading(sentence, n, hits, quantities, trim_refs, [])
        if trim_refs:
            reading.scope_out = _scope_out(ctx, trim_refs)
        return reading
    if trim_refs:
        trim_spans = [(r.start, r.end) for r in trim_refs]
        # a trim name wins over a feature alias inside it ("Long Range AWD" is not the AWD drivetrain)
        hits = [h for h in hits if not _inside(h.start, h.end, trim_spans)]
        trim_refs = [r for r in trim_refs if not any(h.start <= r.start and r.end <= h.end and (h.end - h.start) > (r.end - r.start) for h in hits)]
    after_number = ctx.index.after_number
    feature_spans = [(h.start, h.end) for h in hits if h.alias not in after_number]
    if quantities:
        # a figure inside a feature's name ("0-100 km/h", "360度全景影像") or a trim name is not a claim
        ref_spans = [(r.start, r.end) for r in trim_refs]
        quantities = [q for q in quantities if not _inside(q.start, q.end, feature_spans)
                      and not _overlaps(q.start, q.end, ref_spans)
                      and not any(s <= q.start < e and q.end - q.start <= (e - s) for s, e in feature_spans)]
    cue_mask = feature_spans + [(r.start, r.end) for r in trim_refs]
    # cue words inside a feature's name are not cues ("最高车速", "无钥匙进入"), except a word
    # for "no limit", which is the claim itself ("不限里程")
    cues = [c for c in find_cues(text) if c.kind == "unbounded" or not _overlaps(c.start, c.end, cue_mask)]
    reading = Reading(sentence, n, hits, quantities, trim_refs, cues)
    ending = text.rstrip().rstrip("。.!！~～")
    reading.question = ending.endswith(("?", "？", "吗", "么", "呢")) or any(c.kind == "question" for c in cues)
    if not reading.question and (hits or quantities):
        reading.assertions = [a for a in _assertions(reading, ctx, scope_in) if _judgeable(ctx, a.feature_id)]
    if trim_refs and not hits:
        reading.scope_out = _scope_out(ctx, trim_refs)
    return reading


def _scope_out(ctx: SpecContext, trim_refs: list[TrimRef]) -> tuple[tuple[str, ...], str]:
    trims = tuple(t for t in (ctx.spec.trims if ctx.spec else ()) if any(t in r.trims for r in trim_refs))
    return trims, "; ".join(r.how for r in trim_refs) + " (from the sentence before)"


_POLAR_KINDS = frozenset(("negation_before", "negation_prefix", "negation_after", "optional"))
# cue kinds that make a clause a statement of its own (not a heading for what follows)
_STATEMENT_KINDS = _POLAR_KINDS | {"standard", "only"}


def _polarity(h: Hit, cues: list[Cue], hits: list[Hit], ce: int) -> str:
    """What a clause's cue words say of feature `h`: has, optional or absent."""
    before = [c for c in cues if c.end <= h.start]
    after = [c for c in cues if c.start >= h.end]
    # a one-character negation ("没") governs only what follows it closely: "没天窗"
    # denies the sunroof, "没跑满的公里数会攒到下个月" denies nothing about carry-over
    neg_before = [c for c in before if c.kind == "negation_before"
                  and (len(c.text) > 1 or h.start - c.end <= 1)]
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


def _judgeable(ctx: SpecContext, fid: str) -> bool:
    """A descriptor ("纯电SUV") with no row is how the car is described, not a claim to check."""
    if fid in ctx.rows_by_feature:
        return True
    f = ctx.feature(fid)
    if f is not None and f.descriptor:
        return False
    # a topic the spec's rows are about ("租电" when rows say 电池租用月租金, 电池租用每月基础
    # 里程): the spec covers it through those rows, so it is not unverifiable
    return fid not in ctx.topics


def _per_context(ctx: SpecContext, name: str) -> dict:
    """A memo kept on the context: _row_kind and _dimension are asked per hit per clause, and
    their answers depend only on the context's rows and lexicon, which are fixed once built."""
    memo = ctx.__dict__.get(name)
    if memo is None:
        memo = ctx.__dict__[name] = {}
    return memo


def _row_kind(ctx: SpecContext, fid: str) -> str:
    memo = _per_context(ctx, "_row_kind_memo")
    kind = memo.get(fid)
    if kind is None:
        kind = memo[fid] = _row_kind_of(ctx, fid)
    return kind


def _row_kind_of(ctx: SpecContext, fid: str) -> str:
    rows = ctx.rows_by_feature.get(fid)
    if rows:
        k = rows[0].kind
        return {CellKind.VALUE: "value", CellKind.TEXT: "text"}.get(k, "availability")
    f = ctx.feature(fid)
    return f.kind if f else "availability"


def _dimension(ctx: SpecContext, fid: str) -> str | None:
    memo = _per_context(ctx, "_dimension_memo")
    if fid not in memo:
        memo[fid] = _dimension_of(ctx, fid)
    return memo[fid]


def _dimension_of(ctx: SpecContext, fid: str) -> str | None:
    rows = ctx.rows_by_feature.get(fid)
    if rows:
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


def _assertions(r: Reading, ctx: SpecContext, scope_in=None) -> list[Assertion]:
    text = r.norm.text
    all_trims = ctx.spec.trims if ctx.spec else ()
    out: list[Assertion] = []
    scope: tuple[str, ...] = all_trims
    scope_how = DEFAULT_SCOPE
    if scope_in:
        scope, scope_how = scope_in
    bare: list[Assertion] = []  # "X:" headings, superseded by the clauses that follow
    mentioned_trims: list[str] = []
    last_features: list[Hit] = []          # features of the last clause that had any
    last_by_dim: dict[str, Hit] = {}
    used_quantities: set[int] = set()

    clauses = _clauses(text)
    whole = len(clauses) == 1  # one clause (most sentences): it holds everything
    for cs, ce in clauses:
        if whole:
            hits, quants, refs, cues = r.hits, r.quantities, r.trim_refs, r.cues
        else:
            hits = [h for h in r.hits if cs <= h.start < ce]
            quants = [q for q in r.quantities if cs <= q.start < ce] if r.quantities else []
            refs = [t for t in r.trim_refs if cs <= t.start < ce] if r.trim_refs else []
            cues = [c for c in r.cues if cs <= c.start < ce] if r.cues else []
            if not (hits or quants or refs or cues):
                continue  # a clause with nothing in it neither asserts nor changes what follows
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
                after = text[ref.end:ref.end + 12].lstrip()
                before = text[max(0, ref.start - 12):ref.start].rstrip()
                if any(after.startswith(w) for w in FROM_AFTER) or any(before.endswith(w) for w in FROM_BEFORE):
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

        clause_assertions: list[Assertion] = []
        if hits:
            cycle = _cycle_of(text[cs:ce])
            for h in hits:
                if h.alias in ctx.index.after_number and any(x is not h and x.feature_id == h.feature_id for x in hits):
                    continue
                kind = _row_kind(ctx, h.feature_id)
                pol = _polarity(h, cues, hits, ce) if kinds & _POLAR_KINDS else "has"
                if kind == "value":
                    continue  # figures are bound below
                if kind == "text":
                    clause_assertions.append(Assertion(h.feature_id, h, "absent" if pol == "absent" else "text",
                                                       scope, scope_how, text_value=h.alias, only=only, cycle=cycle,
                                                       clause=text[cs:ce]))
                    continue
                if "unbounded" in kinds and kind != "availability":
                    pol = "unbounded"
                clause_assertions.append(_assertion(h.feature_id, h, pol, scope, scope_how, None, "eq", None, only,
                                                    is_all, cycle, ""))
            for h, q in (_bind_figures(ctx, hits, quants) if quants else ()):
                used_quantities.add(id(q))
                clause_assertions.append(_value_assertion(h, q, text, scope, scope_how, only, cues, cs, ce))
            # value features with no figure but an unbounded word: "不限里程", "lifetime warranty"
            for h in hits:
                if _row_kind(ctx, h.feature_id) == "value" and not any(a.feature_id == h.feature_id for a in clause_assertions):
                    if "unbounded" in kinds:
                        clause_assertions.append(Assertion(h.feature_id, h, "unbounded", scope, scope_how))
            last_features = list(hits)
            bare = [a for a in clause_assertions if a.quantity is None] if not refs and not quants and not (kinds & _STATEMENT_KINDS) \
                and "scope.all" not in kinds else []
            for h in hits:
                dim = _dimension(ctx, h.feature_id)
                if dim:
                    last_by_dim[dim] = h
        else:
            # no feature: continue the previous ones
            if last_features and refs and (kinds & _STATEMENT_KINDS):
                for h in last_features:
                    if _row_kind(ctx, h.feature_id) != "availability":
                        continue
                    pol = "absent" if kinds & {"negation_before", "negation_after"} else "optional" if "optional" in kinds else "has"
                    clause_assertions.append(Assertion(h.feature_id, h, pol, scope, scope_how, only=only))
                if bare:
                    out = [a for a in out if not any(a is b for b in bare)]
                    bare = []
            elif last_features and clause_scope is not None and not quants and out:
                # "座椅加热+通风，旗舰版": a clause that only names trims scopes the
                # statements before it that named none
                out = [replace(a, trims=scope, scope_how=scope_how) if a.scope_how == DEFAULT_SCOPE else a
                       for a in out]
        if "observed" in kinds:
            # "实测380 km", "real-world range of 380 km": a measurement, not a spec claim
            clause_assertions = [a for a in clause_assertions if a.quantity is None]
            quants = []
        # figures no feature word in their clause claims: the last feature of their dimension
        # ("430公里起，Max版502公里"), else the one spec row they can only belong to ("390 kW")
        for q in quants:
            if id(q) in used_quantities:
                continue
            h = last_by_dim.get(q.dimension) or (last_by_dim.get("rate") if q.dimension == "price" else None)
            if h is None and not any(_gap(x, q) <= 8 for x in hits
                                     if _row_kind(ctx, x.feature_id) != "value" and x.feature_id in ctx.rows_by_feature):
                # a figure beside an equipment word is about it ("sunroof for $1,200"), not a row
                h = _row_for_figure(ctx, q)
            if h is not None:
                used_quantities.add(id(q))
                clause_assertions.append(_value_assertion(h, q, text, scope, scope_how, only, cues, cs, ce))
        out.extend(clause_assertions)
    return out


def _gap(h: Hit, q: Quantity) -> float:
    """Characters between a feature and a figure; a figure after its feature wins a tie
    ("续航502km"), overlapping ones are adjacent ("4,790 mm long")."""
    if q.start >= h.end:
        return q.start - h.end
    if h.start >= q.end:
        return h.start - q.end + 0.5
    return 0.0


def _bind_figures(ctx: SpecContext, hits: list[Hit], quants: list[Quantity]) -> list[tuple[Hit, Quantity]]:
    """Each figure to a feature of its dimension: closest pairs first, one figure per feature
    while there are features left ("4,790 mm long, 1,880 mm wide"); a figure right next to an
    equipment word goes to a figures row about that equipment ("60 L frunk" -> Frunk volume)."""
    options: list[tuple[float, int, int, Hit]] = []
    for qi, q in enumerate(quants):
        for hi, h in enumerate(hits):
            target = h
            if _row_kind(ctx, h.feature_id) == "value" and h.feature_id not in ctx.rows_by_feature:
                # a figure beside a feature the spec lacks is that feature's figure, whatever
                # its unit ("电耗低至12kWh/100km"): unverifiable, never another row's
                if _gap(h, q) <= 6:
                    options.append((_gap(h, q), qi, hi, h))
                continue
            if _row_kind(ctx, h.feature_id) != "value":
                related = ctx.value_rows_of.get(h.feature_id)
                if not related or _gap(h, q) > 3:
                    continue
                target = Hit(related, h.start, h.end, h.alias, h.score, h.method)
            if _compatible(_dimension(ctx, target.feature_id), q):
                options.append((_gap(h, q), qi, hi, target))
    options.sort(key=lambda o: (o[0], o[1], o[2]))
    bound: dict[int, Hit] = {}
    taken: set[int] = set()
    for gap, qi, hi, target in options:
        if qi not in bound and hi not in taken:
            bound[qi] = target
            taken.add(hi)
    for gap, qi, hi, target in options:  # more figures than features: nearest feature again
        if qi not in bound:
            bound[qi] = target
    return [(bound[qi], quants[qi]) for qi in sorted(bound)]


def _row_for_figure(ctx: SpecContext, q: Quantity) -> Hit | None:
    """The spec row a bare figure belongs to: the only row of its dimension; else the only row
    with a cell the figure agrees with ("390 kW" -> motor power, not charging power); else the
    row whose figures are clearly nearest in magnitude (a car's price, not the battery rent)."""
    import math

    from .units import agrees

    if q.dimension in ("number", "count", "percent") or q.value <= 0 or is_ambiguous(q):
        return None
    rows = []
    for fid, feature_rows in ctx.rows_by_feature.items():
        for row in feature_rows:
            values = [c.value for c in row.cells if c.kind is CellKind.VALUE and c.value and c.value > 0]
            if row.kind is CellKind.VALUE and values and _compatible(_dimension(ctx, fid), q):
                rows.append((fid, values))
                break
    if not rows:
        return None
    if len(rows) > 1:
        agreeing = [r for r in rows if any(agrees(q, v) for v in r[1])]
        if len(agreeing) == 1:
            rows = agreeing
        else:
            scored = sorted((min(abs(math.log10(q.value / v)) for v in values), fid) for fid, values in rows)
            if scored[0][0] > 0.15 or scored[1][0] - scored[0][0] < 0.15:
                return None
            rows = [r for r in rows if r[0] == scored[0][1]]
    return Hit(rows[0][0], q.start, q.start, "", 100.0, "implied")


def _value_assertion(h: Hit, q: Quantity, text: str, scope, scope_how, only, cues, cs, ce) -> Assertion:
    comparator = "eq"
    gap = text[:q.start].rstrip(" $¥€")
    before = [c for c in cues if c.end <= q.start and c.start >= cs and len(gap) - c.end <= 3]
    if h.end <= q.start and _gap(h, q) <= 6:
        # a cue before the feature that the figure follows: "起售价13.98万", "starting MSRP of $29,500"
        lead = text[:h.start].rstrip()
        before += [c for c in cues if c.start >= cs and c.end <= h.start and len(lead) - c.end <= 1]
    after = [c for c in cues if c.start >= q.end and c.start <= q.end + 2]
    kinds_before = {c.kind for c in before}
    kinds_after = {c.kind for c in after}
    if "comparators.min_after" in kinds_after or "comparators.min_before" in kinds_before:
        comparator = "min"
    elif "comparators.max_before" in kinds_before:
        comparator = "max"
    elif "comparators.ge_before" in kinds_before or "comparators.ge_after" in kinds_after or "+" in q.raw:
        comparator = "ge"
    elif "comparators.le_before" in kinds_before or "comparators.le_after" in kinds_after:
        comparator = "le"
    return Assertion(h.feature_id, h, "value", scope, scope_how, quantity=q, comparator=comparator,
                     only=only, cycle=_cycle_of(text[cs:ce]))
