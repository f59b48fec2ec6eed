"""Kind `disclosure`: copy that triggers a term must also state the terms that go with it.

    - id: battery-rental-terms
      kind: disclosure
      trigger: [租电, 电池租用, 租电版]          # words that oblige the disclosure
      require:
        - term: 每月基础里程                      # what must be stated
          spec: {rows: [基础里程], features: []}  # the spec rows that give it (label regex, lexicon ids)
          cues: [基础里程, 每月含]                 # wording that states it
          patterns: ['包\\d+公里']                 # … or regular expressions
          suggestion: 租电版每月含{value}基础里程   # the words to add; {value} is the spec's figure
          always: false                           # true: required even when the spec has no row

The unit is the document: a whole file for .md/.html/.txt/.yaml copy, one record for
.jsonl/.csv. A required term counts as stated when the document says it in any way: a cue or
pattern, the spec's figure itself, or a statement the feature judgement read for that row —
when that statement has the wrong figure the judgement reports it as `contradicted`, so it is
not reported again here. A term whose spec row is missing is not required (unless `always`).
Only what is missing is reported: one `undisclosed` finding per rule and document, at the first
sentence that triggers it, naming every missing term, what the spec says, and the words to add.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import CellKind, Claim, Finding, SpecRow
from ..normalise import norm
from ..units import agrees, find_quantities, unit_dimension
from .common import PhraseScan, Prepared, Stamp, clause_start, model_of, negated_before
from .packs import Rule, check_template, fill, regex_list, str_list

KIND = "disclosure"
KEYS = {"trigger", "require"}
TERM_KEYS = {"term", "spec", "cues", "patterns", "suggestion", "always"}
MESSAGE = "{missing_list}"
PLACEHOLDERS = {"trigger", "missing", "missing_list", "sentence", "rationale", "name"}


def validate(rule: Rule) -> None:
    str_list(rule, "trigger", rule.params.get("trigger"), required=True)
    terms = rule.params.get("require")
    if not isinstance(terms, list) or not terms:
        rule.fail("`require` must list the terms the copy has to state", "require")
    for i, t in enumerate(terms):
        if not isinstance(t, dict) or not t.get("term"):
            rule.fail("each required term is a mapping with at least `term`", "require", i)
        unknown = sorted(set(t) - TERM_KEYS)
        if unknown:
            rule.fail(f"required term has unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(TERM_KEYS))})",
                      "require", i, unknown[0])
        spec = t.get("spec") or {}
        if not isinstance(spec, dict) or set(spec) - {"rows", "features"}:
            rule.fail("`spec` has `rows:` (row label patterns) and `features:` (lexicon ids)", "require", i, "spec")
        regex_list(rule, "rows", spec.get("rows"), path=("require", i, "spec", "rows"))
        str_list(rule, "features", spec.get("features"), path=("require", i, "spec", "features"))
        str_list(rule, "cues", t.get("cues"), path=("require", i, "cues"))
        regex_list(rule, "patterns", t.get("patterns"), path=("require", i, "patterns"))
        if not (spec.get("rows") or spec.get("features") or t.get("cues") or t.get("patterns")):
            rule.fail("a required term needs spec rows or cues that tell when it is stated", "require", i)
        if t.get("suggestion") is not None and not isinstance(t["suggestion"], str):
            rule.fail("`suggestion` must be text", "require", i, "suggestion")
    check_template(rule, "message", PLACEHOLDERS)
    check_template(rule, "suggestion", PLACEHOLDERS)


@dataclass
class _Term:
    name: str
    rows: list[re.Pattern]
    features: list[str]
    cues: PhraseScan
    patterns: list[re.Pattern]
    suggestion: str
    always: bool


@dataclass
class _Compiled:
    rule: Rule
    terms: list[_Term]


@dataclass
class _Document:
    ctx: object
    sentences: list[Prepared] = field(default_factory=list)
    results: list[Finding] = field(default_factory=list)


class Runner:
    def __init__(self, rules: list[Rule], stamp: Stamp):
        self.stamp = stamp
        self.rules = []
        triggers: dict[str, list] = {}
        for rule in rules:
            terms = []
            for t in rule.params["require"]:
                spec = t.get("spec") or {}
                terms.append(_Term(
                    name=str(t["term"]), rows=regex_list(rule, "rows", spec.get("rows")),
                    features=[str(f) for f in spec.get("features") or ()],
                    cues=PhraseScan({c: [True] for c in str_list(rule, "cues", t.get("cues"))}),
                    patterns=regex_list(rule, "patterns", t.get("patterns")),
                    suggestion=str(t.get("suggestion") or ""),
                    always=bool(t.get("always", not (spec.get("rows") or spec.get("features"))))))
            c = _Compiled(rule, terms)
            self.rules.append(c)
            for w in str_list(rule, "trigger", rule.params["trigger"]):
                triggers.setdefault(w, []).append(c)
        self.triggers = PhraseScan(triggers)
        self.documents: dict[tuple, _Document] = {}

    def claim(self, claim: Claim, ctx, results: list[Finding], sentences: list[Prepared]) -> list[Finding]:
        loc = claim.locator
        key = (loc.source, loc.record)
        doc = self.documents.setdefault(key, _Document(ctx))
        doc.sentences.extend(sentences)
        doc.results.extend(results)
        return []

    def finish(self) -> list[Finding]:
        out = []
        for doc in self.documents.values():
            out.extend(self._document(doc))
        self.documents.clear()
        return out

    # -- one document ------------------------------------------------------------------------
    def _document(self, doc: _Document) -> list[Finding]:
        first: dict[int, tuple[Prepared, int, int, bool]] = {}
        for p in doc.sentences:
            if p.question:
                continue
            matches = self.triggers.find(p.text)
            if not matches:
                continue
            for start, end, _phrase, rules in matches:
                if negated_before(p, start, clause_start(p.text, start)):
                    continue  # "买断版无需支付电池月租"
                if _trim_scope(doc, p, start, end):
                    continue  # "租电版和买断版可以选装座椅加热": the trim, not the rental plan
                for c in rules:
                    if not p.speaks(c.rule.language):
                        continue
                    # the first trigger, but rather one that quotes the plan's figures than a heading
                    if id(c) not in first or (not first[id(c)][3] and _has_figure(p)):
                        first[id(c)] = (p, start, end, _has_figure(p))
        out = []
        for c in self.rules:
            if id(c) not in first:
                continue
            missing = []
            for term in c.terms:
                rows = _rows(doc.ctx, term)
                if not rows and not term.always:
                    continue  # the spec says nothing to disclose
                if not _stated(term, rows, doc):
                    missing.append((term, rows))
            if missing:
                out.append(self._finding(c, doc, first[id(c)], missing))
        return out

    def _finding(self, c: _Compiled, doc: _Document, where, missing) -> Finding:
        p, start, end, _ = where
        rule = c.rule
        parts, adds, cells, labels = [], [], [], []
        for term, rows in missing:
            value = _value(rows)
            parts.append(f"{term.name} (the spec: {value})" if value else term.name)
            if term.suggestion:
                adds.append(fill(term.suggestion, value=value or "…"))
            for row in rows[:1]:
                labels.append(row.feature)
                cells.extend((f"{row.feature} · {cell.trim}", cell.raw) for cell in row.cells
                             if cell.kind is not CellKind.NOT_APPLICABLE)
        trigger = p.position(start, end)[2]
        sentence = "，".join(adds) if any(_cjk(a) for a in adds) else ", ".join(adds)
        if sentence and not sentence.endswith(("。", ".")):
            sentence += "。" if _cjk(sentence) else "."
        missing_list = "; ".join(parts)
        values = dict(trigger=trigger, missing=", ".join(t.name for t, _ in missing), missing_list=missing_list,
                      sentence=sentence, rationale=rule.rationale, name=rule.name)
        message = fill(rule.message or "The copy mentions «{trigger}» but does not state {missing_list}.", **values)
        suggestion = fill(rule.suggestion or "Add: {sentence}", **values) if sentence or rule.suggestion else ""
        spec = "; ".join(f"{r[0].feature}: {_value(r)}" for _, r in missing if r) or None
        ctx = doc.ctx
        fid = ctx.feature_of_row.get(labels[0], f"row:{labels[0]}") if labels and ctx is not None else f"rule:{rule.id}"
        return self.stamp.finding(rule, p, start=start, end=end, feature=" / ".join(labels) or rule.name,
                                  feature_id=fid, model=model_of(ctx), trims=_trims(missing), claimed=None,
                                  spec=spec, message=message, suggestion=suggestion, cells=cells)


def _trim_scope(doc: _Document, p: Prepared, start: int, end: int) -> bool:
    """The trigger is a trim name ("租电版") that scopes an equipment statement in this sentence."""
    ctx = doc.ctx
    if ctx is None or ctx.trims is None or ctx.spec is None:
        return False
    if not any(r.start <= start and end <= r.end for r in ctx.trims.find(p.text)):
        return False
    for f in doc.results:
        if f.text == p.sentence.text and f.verdict != "unverifiable":
            row = ctx.spec.row(f.feature)
            if row is not None and row.kind is CellKind.AVAILABILITY:
                return True
    return False


def _has_figure(p: Prepared) -> bool:
    return bool(find_quantities(p.text, bare=False))


def _cjk(text: str) -> bool:
    return re.search(r"[\u3400-\u9fff]", text) is not None


def _rows(ctx, term: _Term) -> list[SpecRow]:
    if ctx is None or ctx.spec is None:
        return []
    out = []
    for fid in term.features:
        out.extend(ctx.rows_by_feature.get(fid, ()))
    for row in ctx.spec.rows:
        label = norm(row.feature)
        if row not in out and any(p.search(label) or p.search(row.feature) for p in term.rows):
            out.append(row)
    # a row that applies to no trim ('-' across a row of figures) has nothing to disclose
    return [r for r in out if any(c.kind is not CellKind.NOT_APPLICABLE for c in r.cells)]


def _value(rows: list[SpecRow]) -> str:
    if not rows:
        return ""
    raws = [c.raw for c in rows[0].cells if c.kind is not CellKind.NOT_APPLICABLE]
    uniq = list(dict.fromkeys(raws))
    if len(uniq) == 1:
        return uniq[0]
    return "; ".join(f"{c.trim}: {c.raw}" for c in rows[0].cells if c.kind is not CellKind.NOT_APPLICABLE)


def _trims(missing) -> tuple[str, ...]:
    trims: list[str] = []
    for _, rows in missing:
        for row in rows[:1]:
            trims.extend(c.trim for c in row.cells if c.kind is not CellKind.NOT_APPLICABLE and c.trim not in trims)
    return tuple(trims)


def _stated(term: _Term, rows: list[SpecRow], doc: _Document) -> bool:
    ctx = doc.ctx
    fids = set(term.features)
    labels = {r.feature for r in rows}
    if ctx is not None:
        fids |= {ctx.feature_of_row.get(r.feature, f"row:{r.feature}") for r in rows}
    # 1. the feature judgement read a statement about the row (right or wrong: it reports a wrong one)
    for f in doc.results:
        if f.verdict != "unverifiable" and (f.feature in labels or f.feature_id in fids):
            return True
    for p in doc.sentences:
        text = p.text
        # 2. wording cues
        if term.cues.find(text) or any(pat.search(text) for pat in term.patterns):
            return True
        # 3. the spec's own figure
        for row in rows:
            values = [c.value for c in row.cells if c.kind is CellKind.VALUE and c.value is not None]
            if not values:
                continue
            dim = unit_dimension(row.unit or "")
            for q in find_quantities(text, bare=False):
                if _compatible(dim, q.dimension) and any(agrees(q, v) for v in values):
                    return True
    return False


def _compatible(row_dim: str, q_dim: str) -> bool:
    return row_dim == q_dim or (row_dim == "rate" and q_dim == "price")
