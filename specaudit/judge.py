"""Judging what a claim asserts against the spec cells of the trims it speaks of.

Availability (per CONTRACT.md and the labelling conventions in the docs):
- "has X": standard on every trim in scope -> supported; there (● or ○) on some but not
  standard on all -> unqualified; absent on every trim in scope -> contradicted.
- "X is optional/available": offered (● or ○) on at least one trim in scope (on every trim for
  "全系可选装") -> supported, else contradicted.
- "no X": absent on every trim in scope -> supported, else contradicted.
- "only on T": also denies X on the other trims, and that part is judged too.
Figures are compared in the row's canonical unit with the rounding tolerance of units.agrees;
`from`/`起` compares with the lowest value in scope, `up to`/`最高` with the highest, `over`
and `under` need every trim at or beyond the figure. `-` in a value row means not applicable:
those trims leave the scope.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .context import SpecContext, row_cycle
from .language import language, words
from .model import Availability, CellKind, SpecCell, SpecRow
from .normalise import norm
from .reading import Assertion
from .units import agrees, format_value


@dataclass(frozen=True)
class Judgement:
    verdict: str
    rule: str
    feature: str
    trims: tuple[str, ...]
    claimed: str | None
    cells: tuple[tuple[str, str], ...]
    message: str
    suggestion: str


_new = object.__new__


def _judgement(verdict: str, rule: str, feature: str, trims: tuple, claimed: str | None, cells: tuple,
               message: str, suggestion: str) -> Judgement:
    """Judgement(...) without its eight frozen-field __setattr__ calls (one per statement judged)."""
    j = _new(Judgement)
    j.__dict__.update(verdict=verdict, rule=rule, feature=feature, trims=trims, claimed=claimed, cells=cells,
                      message=message, suggestion=suggestion)
    return j


def _cells(row: SpecRow, trims) -> list[SpecCell]:
    return [c for c in row.cells if c.trim in trims]


def _fmt_cells(cells) -> str:
    return ", ".join(f"{c.trim}: {c.raw}" for c in cells)


def _pick_row(ctx: SpecContext, a: Assertion) -> SpecRow | None:
    """The row a statement is about: the one whose label was quoted, else one of the right
    kind (a figure goes to a row of figures, "has X" to a row of ●/○/-)."""
    rows = ctx.rows_by_feature.get(a.feature_id)
    if not rows:
        return None
    if len(rows) == 1:
        return rows[0]
    for row in rows:
        if norm(row.feature) == a.hit.alias:
            return row
    wanted = CellKind.VALUE if a.polarity in ("value", "unbounded") else \
        CellKind.TEXT if a.polarity == "text" else CellKind.AVAILABILITY
    return next((r for r in rows if r.kind is wanted), rows[0])


def judge(a: Assertion, ctx: SpecContext) -> Judgement:
    row = _pick_row(ctx, a)
    name = ctx.display_name(a.feature_id)
    if row is None:
        what = a.quantity.raw if a.quantity else a.hit.alias
        return Judgement("unverifiable", "coverage", name, a.trims, what, (),
                         f"The spec has no row for {name} ({what!r}), so this claim cannot be checked.",
                         f"Add a row for {name} to the spec, or remove the claim until it can be checked.")
    cycle = row_cycle(row)
    if a.cycle and cycle and a.cycle != cycle:
        label = f"{a.cycle.upper()} {name}"
        return Judgement("unverifiable", "test-cycle", label, a.trims, a.quantity.raw if a.quantity else a.cycle, (),
                         f"The copy quotes a {a.cycle.upper()} figure; the spec row {row.feature!r} is {cycle.upper()}.",
                         f"Quote the {cycle.upper()} figure from the spec, or add the {a.cycle.upper()} figure to the spec.")
    if a.polarity in ("has", "optional", "absent") and row.kind is CellKind.AVAILABILITY:
        j = _judge_availability(a, row)
    elif a.polarity == "value":
        j = _judge_value(a, row)
    elif a.polarity == "unbounded":
        j = _judge_unbounded(a, row)
    elif a.polarity in ("text", "absent") and row.kind is CellKind.TEXT:
        j = _judge_text(a, row)
    elif a.polarity in ("has", "optional"):
        # a value or text row named without a figure: the row exists for these trims
        cells = [c for c in _cells(row, a.trims) if c.kind is not CellKind.NOT_APPLICABLE]
        verdict = "supported" if cells else "contradicted"
        j = (verdict, "availability", tuple(c.trim for c in cells), "present", cells)
    elif a.polarity == "absent":
        cells = [c for c in _cells(row, a.trims) if c.kind is not CellKind.NOT_APPLICABLE]
        verdict = "contradicted" if cells else "supported"
        j = (verdict, "negation", a.trims, "absent", _cells(row, a.trims))
    else:
        j = ("supported", "availability", a.trims, None, _cells(row, a.trims))
    verdict, rule, trims, claimed, cells = j
    cells = list(cells)
    if a.only and verdict == "supported" and row.kind is CellKind.AVAILABILITY:
        others = [c for c in row.cells if c.trim not in a.trims]
        if any(c.availability is not Availability.ABSENT for c in others):
            verdict = "contradicted"
            cells = cells + others
    message, suggestion = _explain(verdict, rule, row, a, cells, claimed)
    return _judgement(verdict, rule, row.feature, tuple(trims), claimed,
                      tuple((c.trim, c.raw) for c in cells), message, suggestion)


def _judge_availability(a: Assertion, row: SpecRow):
    cells = _cells(row, a.trims)
    avail = [c.availability for c in cells]
    std = [x is Availability.STANDARD for x in avail]
    present = [x in (Availability.STANDARD, Availability.OPTIONAL) for x in avail]
    if a.polarity == "absent":
        verdict = "supported" if not any(present) else "contradicted"
        return verdict, "negation", a.trims, "absent", cells
    if a.polarity == "optional":
        ok = all(present) if a.all_trims else any(present)
        verdict = "supported" if ok else ("unqualified" if any(present) else "contradicted")
        return verdict, "availability", a.trims, "available", cells
    if all(std) and cells:
        verdict = "supported"
    elif any(present):
        verdict = "unqualified"
    else:
        verdict = "contradicted"
    return verdict, "availability", a.trims, "standard", cells


def _value_cells(row: SpecRow, trims):
    return [c for c in _cells(row, trims) if c.kind is CellKind.VALUE and c.value is not None]


def _judge_value(a: Assertion, row: SpecRow):
    q = a.quantity
    cells = _value_cells(row, a.trims)
    as_written = " ".join(q.raw.split())
    canonical = format_value(q.value, q.unit)
    claimed = {"eq": "", "min": "from ", "max": "up to ", "ge": "≥ ", "le": "≤ "}[a.comparator] + (
        canonical if norm(canonical) == norm(as_written) else f"{as_written} ({canonical})")
    if not cells:
        return "contradicted", "figure", a.trims, claimed, _cells(row, a.trims)
    values = [c.value for c in cells]
    if a.comparator == "min":
        ok = agrees(q, min(values))
        return ("supported" if ok else "contradicted"), "figure", a.trims, claimed, cells
    if a.comparator == "max":
        ok = agrees(q, max(values))
        return ("supported" if ok else "contradicted"), "figure", a.trims, claimed, cells
    if a.comparator == "ge":
        hits = [v >= q.value - 1e-9 for v in values]
    elif a.comparator == "le":
        hits = [v <= q.value + 1e-9 for v in values]
    else:
        hits = [agrees(q, v) for v in values]
    verdict = "supported" if all(hits) else "unqualified" if any(hits) else "contradicted"
    return verdict, "figure", a.trims, claimed, cells


def _judge_unbounded(a: Assertion, row: SpecRow):
    cells = [c for c in _cells(row, a.trims) if c.kind is not CellKind.NOT_APPLICABLE]
    unlimited = [any(w in norm(c.raw) for w in ("不限", "unlimited", "终身", "lifetime")) for c in cells]
    verdict = "supported" if cells and all(unlimited) else "contradicted"
    return verdict, "figure", a.trims, "unlimited", cells or _cells(row, a.trims)


def _value_group(text: str) -> int | None:
    t = norm(text)
    for i, group in enumerate(language().get("text_values") or []):
        if any(norm(str(w)) == t for w in group):
            return i
    for i, group in enumerate(language().get("text_values") or []):
        if any(norm(str(w)) in t for w in group if len(norm(str(w))) >= 2):
            return i
    return None


def _text_matches(claimed: str, cell: str) -> bool:
    c, s = norm(claimed), norm(cell)
    if c and (c in s or s in c):
        return True
    gc, gs = _value_group(claimed), _value_group(cell)
    return gc is not None and gc == gs


ITEM_SPLIT = re.compile(r"[、,，/;；]|和|及|与|\band\b")


def _items(cell: str) -> list[str]:
    return [i.strip() for i in ITEM_SPLIT.split(norm(cell)) if i.strip()]


def _judge_listed(a: Assertion, row: SpecRow, cells: list[SpecCell]):
    """The copy names the row ("开票") rather than a value: read the values off the clause.
    "仅支持广州、上海两地开票" names the listed cities; "全国各地都能开票" claims every city;
    naming none of the listed values claims some other one."""
    universal = any(w in a.clause for w in words("universal"))
    verdicts = []
    for c in cells:
        items = _items(c.raw)
        if universal:
            verdicts.append(any(w in norm(c.raw) for w in words("universal")))
        else:
            named = [i for i in items if i in a.clause]
            verdicts.append(bool(named))
    claimed = "anywhere" if universal else a.clause
    verdict = "supported" if all(verdicts) else "unqualified" if any(verdicts) else "contradicted"
    return verdict, "text", a.trims, claimed, cells


def _judge_text(a: Assertion, row: SpecRow):
    cells = [c for c in _cells(row, a.trims) if c.kind is not CellKind.NOT_APPLICABLE]
    if not cells:
        return "contradicted", "text", a.trims, a.text_value, _cells(row, a.trims)
    hits = [_text_matches(a.text_value or "", c.raw) for c in cells]
    names_row = a.text_value and a.text_value in norm(row.feature)
    if not any(hits) and names_row and a.clause and a.polarity != "absent":
        return _judge_listed(a, row, cells)
    if a.polarity == "absent":
        verdict = "contradicted" if any(hits) else "supported"
    else:
        verdict = "supported" if all(hits) else "unqualified" if any(hits) else "contradicted"
    return verdict, "text", a.trims, a.text_value, cells


def _explain(verdict, rule, row: SpecRow, a: Assertion, cells, claimed) -> tuple[str, str]:
    label = row.feature
    spec = _fmt_cells(cells) or "no cell for these trims"
    scope = "every trim" if len(a.trims) == len(row.cells) else ", ".join(a.trims)
    if verdict == "supported":
        return f"The spec backs this on {scope}: {spec}.", ""
    if rule in ("availability", "negation"):
        have = [c.trim for c in row.cells if c.availability in (Availability.STANDARD, Availability.OPTIONAL)]
        std = [c.trim for c in row.cells if c.availability is Availability.STANDARD]
        opt = [c.trim for c in row.cells if c.availability is Availability.OPTIONAL]
        if a.polarity == "absent":
            return (f"The copy denies {label} on {scope}, but the spec has it: {spec}.",
                    f"Remove the denial, or limit it to the trims without {label}"
                    + (f" (all but {', '.join(have)})." if len(have) < len(row.cells) else "."))
        if verdict == "contradicted" and not have:
            return (f"The spec lists {label} as absent on all trims ({_fmt_cells(row.cells)}).",
                    f"Remove the claim, or correct the spec if {label} was added.")
        if verdict == "contradicted":
            return (f"The spec lists {label} as absent on {scope}: {spec}.",
                    f"Name the trims that have it ({', '.join(have)}) or remove the claim.")
        parts = []
        if std:
            parts.append(f"standard on {', '.join(std)}")
        if opt:
            parts.append(f"optional on {', '.join(opt)}")
        return (f"{label} is {' and '.join(parts)} only; the claim about {scope} does not say so ({spec}).",
                f"Qualify the claim: '{label}' ({'; '.join(parts)}).")
    if rule == "figure":
        if verdict == "contradicted":
            return (f"The copy says {claimed}; the spec says {spec}.",
                    f"Use the spec figure ({spec}) or correct the spec.")
        matching = [c.trim for c in cells if c.value is not None and a.quantity is not None and agrees(a.quantity, c.value)]
        return (f"{claimed} holds for {', '.join(matching) or 'some trims'} only; the spec says {spec}.",
                f"Name the trim the figure belongs to ({', '.join(matching) or '…'}), or quote the range of figures.")
    return (f"The copy says {claimed!r}; the spec says {spec}.",
            f"Use the spec's wording ({spec}).")
