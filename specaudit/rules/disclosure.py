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

What is kept, so that memory grows with what the findings need and not with the corpus: each
claim is folded into a digest of its document as it arrives, and its sentences and results are
let go. That gives the findings of reading the whole document at the end because what a finding
reads of a document is
- per required term, whether it is stated: an OR over every sentence and result of the document,
  so a bit per term, set as claims arrive (and a rule whose terms are all stated can report
  nothing more, so its triggers are dropped);
- per rule, the sentence a finding points at: the first trigger that counts, or rather the first
  that quotes figures. _RuleTriggers keeps what can still become that: once a trigger that counts
  with figures is kept, no later one can; once one without, only later ones with figures can;
- except that a trigger inside a trim name ("租电版") does not count in a sentence a feature result
  reads as that trim's equipment, and that result may come with a later claim (a repeat of the
  sentence). Such a trigger is kept in doubt with what counts either way (_Trigger), and the texts
  of results that read a sentence as equipment are kept where a trigger in doubt may depend on them.
A document with no trigger to remember holds a digest shared by every document with the same first
context and the same terms stated (_Seen). What stays per document is its key, as a record id in a
dict per source (about 100 bytes): a later claim of the same document, however far on in the stream
(a .jsonl may repeat a record id), is judged with the context of its first claim, and its findings
take their place in first-seen order; forgetting a key would change both. A document with triggers
keeps, per rule, at most the two that certainly count and the distinct sentences in doubt before
them, however many claims trigger it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import islice
from typing import NamedTuple

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
    cues: list[str]
    patterns: list[re.Pattern]
    suggestion: str
    always: bool


@dataclass
class _Compiled:
    rule: Rule
    terms: list[_Term]
    index: int       # position in Runner.rules
    bits: list[int]  # each term's bit in the Runner's numbering of every rule's terms


class _Requirements:
    """What one spec context makes of the terms (the context of a document's first claim, which
    all of the document is judged with): the rows that give each term, which terms are required,
    and the row labels, feature ids and figures that state them. One per context, shared."""

    def __init__(self, ctx, rules: list[_Compiled]):
        self.ctx = ctx
        # a trigger that is a trim name may be scoping equipment (_Trigger): only with trims and a spec
        self.scopes = ctx is not None and ctx.trims is not None and ctx.spec is not None
        self.rows: dict[int, list[SpecRow]] = {}
        self.rule_masks: list[int] = []  # per rule, the bits of its required terms (none: it never reports)
        self.required = 0
        self.by_label: dict[str, int] = {}        # a result's feature -> the terms it states
        self.by_feature_id: dict[str, int] = {}   # a result's feature id -> the terms it states
        self.figures: list[tuple[int, list[tuple[str, list]]]] = []  # (bit, [(row dimension, values)])
        for c in rules:
            mask = 0
            for term, bit in zip(c.terms, c.bits):
                rows = self.rows[bit] = _rows(ctx, term)
                if not rows and not term.always:
                    continue  # the spec says nothing to disclose
                mask |= bit
                fids = set(term.features)
                if ctx is not None:
                    fids |= {ctx.feature_of_row.get(r.feature, f"row:{r.feature}") for r in rows}
                for fid in fids:
                    self.by_feature_id[fid] = self.by_feature_id.get(fid, 0) | bit
                figures = []
                for row in rows:
                    self.by_label[row.feature] = self.by_label.get(row.feature, 0) | bit
                    values = [c.value for c in row.cells if c.kind is CellKind.VALUE and c.value is not None]
                    if values:
                        figures.append((unit_dimension(row.unit or ""), values))
                if figures:
                    self.figures.append((bit, figures))
            self.rule_masks.append(mask)
            self.required |= mask
        self._equipment: dict[str, bool] = {}
        self._seen: dict[int, _Seen] = {}

    def seen(self, stated: int) -> _Seen:
        """The shared digest of a document with these terms stated and no trigger to remember."""
        s = self._seen.get(stated)
        if s is None:
            s = self._seen[stated] = _Seen(self, stated)
        return s

    def is_equipment(self, feature: str) -> bool:
        """Whether a result about `feature` reads its sentence as equipment (an availability row)."""
        known = self._equipment.get(feature)
        if known is None:
            row = self.ctx.spec.row(feature)
            known = self._equipment[feature] = row is not None and row.kind is CellKind.AVAILABILITY
        return known


class _Seen:
    """A document with no trigger to remember: its first claim's context and the terms it has
    stated. Never changed: one object per (context, stated terms), shared by every such document."""

    __slots__ = ("req", "stated")

    def __init__(self, req: _Requirements, stated: int):
        self.req = req
        self.stated = stated


class _Trigger(NamedTuple):
    """A sentence that triggers a rule. `span` is the rule's first trigger word in it that is not
    negated; `span_if_scoped` the first such word that is no trim name (None: there is none). They
    differ only when the first is a trim name ("租电版"): then which one counts depends on whether a
    feature result of the document reads the sentence as that trim's equipment ("租电版和买断版可以
    选装座椅加热"), and such a result may yet come, with a later repeat of the sentence."""
    sentence: Prepared
    span: tuple[int, int]
    span_if_scoped: tuple[int, int] | None
    figured: bool  # it quotes a figure: preferred to a heading that only names the plan

    @property
    def in_doubt(self) -> bool:
        return self.span != self.span_if_scoped


@dataclass
class _RuleTriggers:
    """The triggers of one rule in one document that can still be the one its finding points at:
    the first that certainly counts, the first that certainly counts and quotes figures, and the
    ones in doubt before those (one per sentence text: a repeat is judged as its first)."""
    triggers: list[_Trigger] = field(default_factory=list)
    certain: bool = False   # a trigger that certainly counts is kept: later ones without figures cannot lead
    settled: bool = False   # ... and one with figures: no later trigger can lead

    def note(self, trigger: _Trigger) -> None:
        if self.settled or (self.certain and not trigger.figured):
            return
        text = trigger.sentence.sentence.text
        if any(t.sentence.sentence.text == text for t in self.triggers):
            return
        self.triggers.append(trigger)
        if not trigger.in_doubt:
            self.certain = True
            self.settled = trigger.figured

    def lead(self, scoped: set[str]) -> tuple[Prepared, int, int] | None:
        """The trigger the finding points at: the first that counts, but rather one that quotes figures."""
        first = None
        for t in self.triggers:
            span = t.span_if_scoped if t.in_doubt and t.sentence.sentence.text in scoped else t.span
            if span is None:
                continue
            if t.figured:
                return (t.sentence, *span)
            if first is None:
                first = (t.sentence, *span)
        return first


class _Document:
    """A document with triggers to remember: the terms stated so far, per rule that may still
    report its _RuleTriggers, and the texts of sentences a feature result reads as trim-scoped
    equipment, where a trigger in doubt may depend on them."""

    __slots__ = ("req", "stated", "triggers", "scoped")

    def __init__(self, req: _Requirements, stated: int):
        self.req = req
        self.stated = stated
        self.triggers: dict[int, _RuleTriggers] = {}  # rule index -> its triggers
        self.scoped: set[str] = set()

    def texts_in_doubt(self) -> set[str]:
        return {t.sentence.sentence.text for kept in self.triggers.values() for t in kept.triggers if t.in_doubt}


class Runner:
    def __init__(self, rules: list[Rule], stamp: Stamp):
        self.stamp = stamp
        self.rules: list[_Compiled] = []
        triggers: dict[str, list] = {}
        cues: dict[str, list[int]] = {}
        self.patterns: list[tuple[int, re.Pattern]] = []
        bit = 1
        for index, rule in enumerate(rules):
            terms, bits = [], []
            for t in rule.params["require"]:
                spec = t.get("spec") or {}
                term = _Term(
                    name=str(t["term"]), rows=regex_list(rule, "rows", spec.get("rows")),
                    features=[str(f) for f in spec.get("features") or ()],
                    cues=str_list(rule, "cues", t.get("cues")),
                    patterns=regex_list(rule, "patterns", t.get("patterns")),
                    suggestion=str(t.get("suggestion") or ""),
                    always=bool(t.get("always", not (spec.get("rows") or spec.get("features")))))
                terms.append(term)
                bits.append(bit)
                for cue in term.cues:
                    cues.setdefault(cue, []).append(bit)
                self.patterns.extend((bit, p) for p in term.patterns)
                bit <<= 1
            c = _Compiled(rule, terms, index, bits)
            self.rules.append(c)
            for w in str_list(rule, "trigger", rule.params["trigger"]):
                triggers.setdefault(w, []).append(c)
        self.triggers = PhraseScan(triggers)
        self.cues = PhraseScan(cues)  # every term's wording cues in one scan; the payloads are term bits
        self.any_pattern = _any_of(p for _, p in self.patterns)
        self.requirements: dict[int, _Requirements] = {}  # id(ctx) -> its requirements (which hold ctx)
        # every document seen, with its digest: source -> record -> digest (no key tuple per
        # document), and the first-seen order across sources, the order of the findings, as runs
        # of [source, number of new documents] (one run per file when files come one by one)
        self.documents: dict[str, dict[str | None, _Seen | _Document]] = {}
        self.order: list[list] = []

    def claim(self, claim: Claim, ctx, results: list[Finding], sentences: list[Prepared]) -> list[Finding]:
        loc = claim.locator
        documents = self.documents.get(loc.source)
        if documents is None:
            documents = self.documents[loc.source] = {}
        key = loc.record
        doc = documents.get(key)
        if doc is None:
            doc = documents[key] = self._requirements(ctx).seen(0)
            if self.order and self.order[-1][0] == loc.source:
                self.order[-1][1] += 1
            else:
                self.order.append([loc.source, 1])
        req = doc.req  # the context of the document's first claim, as before: all of it is judged with that
        unstated = req.required & ~doc.stated
        if not unstated:
            return []  # every required term is stated: no rule can report this document
        newly = self._stated(req, unstated, results, sentences)
        stated = doc.stated | newly
        unstated &= ~newly
        if not unstated:
            documents[key] = req.seen(stated)
            return []
        triggered = self._triggered(req, unstated, sentences)
        digest = doc if doc.__class__ is _Document else None
        if digest is not None:
            for i in [i for i in digest.triggers if not req.rule_masks[i] & unstated]:
                del digest.triggers[i]  # all its terms are stated now: it cannot report
        if triggered:
            if digest is None:
                digest = _Document(req, stated)
            for i, trigger in triggered:
                if trigger.in_doubt and trigger.sentence.sentence.text in digest.scoped:
                    if trigger.span_if_scoped is None:
                        continue
                    trigger = trigger._replace(span=trigger.span_if_scoped)
                kept = digest.triggers.get(i)
                if kept is None:
                    kept = digest.triggers[i] = _RuleTriggers()
                kept.note(trigger)
        if req.scopes and results:
            scoping = self._scoping(req, digest, results, sentences)
            if scoping:
                if digest is None:
                    digest = _Document(req, stated)
                digest.scoped.update(scoping)
        if digest is not None and (digest.triggers or digest.scoped):
            digest.stated = stated
            documents[key] = digest
        elif digest is not None or newly:
            documents[key] = req.seen(stated)
        return []

    def finish(self) -> list[Finding]:
        out = []
        digests = {source: iter(documents.values()) for source, documents in self.documents.items()}
        for source, n in self.order:
            for doc in islice(digests[source], n):
                if doc.__class__ is _Document:
                    out.extend(self._document(doc))
        self.documents.clear()
        self.order.clear()
        self.requirements.clear()
        return out

    def _requirements(self, ctx) -> _Requirements:
        req = self.requirements.get(id(ctx))
        if req is None:
            req = self.requirements[id(ctx)] = _Requirements(ctx, self.rules)
        return req

    # -- one claim, folded into its document's digest ----------------------------------------
    def _stated(self, req: _Requirements, unstated: int, results: list[Finding], sentences: list[Prepared]) -> int:
        """The terms among `unstated` that this claim states. A term is stated when the document
        says it in any way, so the document's answer is the OR of its claims' answers:
        1. the feature judgement read a statement about the row (right or wrong: it reports a wrong one);
        2. wording cues or patterns;
        3. the spec's own figure."""
        found = 0
        for f in results:
            if f.verdict != "unverifiable":
                found |= req.by_label.get(f.feature, 0) | req.by_feature_id.get(f.feature_id, 0)
        found &= unstated
        for p in sentences:
            left = unstated & ~found
            if not left:
                break
            text = p.text
            for _start, _end, _phrase, bits in self.cues.find(text):
                for b in bits:
                    found |= b
            if self.patterns and (self.any_pattern is None or self.any_pattern.search(text)):
                for bit, pattern in self.patterns:
                    if bit & left and not found & bit and pattern.search(text):
                        found |= bit
            quantities = None
            for bit, figures in req.figures:
                if not bit & left or found & bit:
                    continue
                if quantities is None:
                    quantities = find_quantities(text, bare=False)
                if not quantities:
                    break
                if any(_compatible(dim, q.dimension) and any(agrees(q, v) for v in values)
                       for dim, values in figures for q in quantities):
                    found |= bit
        return found & unstated

    def _triggered(self, req: _Requirements, unstated: int, sentences: list[Prepared]) -> list[tuple[int, _Trigger]]:
        """(rule index, trigger) for every sentence of the claim that triggers a rule that may still report."""
        out = []
        for p in sentences:
            matches = self.triggers.find(p.text)
            if not matches or p.question:
                continue
            spans: dict[int, list] = {}  # rule index -> [span, span_if_scoped]
            trims = None
            for start, end, _phrase, rules in matches:
                if negated_before(p, start, clause_start(p.text, start)):
                    continue  # "买断版无需支付电池月租"
                in_trim = False
                if req.scopes:
                    if trims is None:
                        trims = req.ctx.trims.find(p.text)
                    in_trim = any(r.start <= start and end <= r.end for r in trims)
                for c in rules:
                    if not req.rule_masks[c.index] & unstated or not p.speaks(c.rule.language):
                        continue
                    s = spans.get(c.index)
                    if s is None:
                        s = spans[c.index] = [(start, end), None]
                    if s[1] is None and not in_trim:
                        s[1] = (start, end)
            if spans:
                figured = _has_figure(p)
                out.extend((i, _Trigger(p, span, span_if_scoped, figured))
                           for i, (span, span_if_scoped) in spans.items())
        return out

    def _scoping(self, req: _Requirements, digest: _Document | None, results: list[Finding],
                 sentences: list[Prepared]) -> list[str]:
        """The texts of this claim's results that read their sentence as equipment, where a trigger
        in doubt may depend on them: one kept, or (a result about no sentence of its claim) one
        that may yet come."""
        in_doubt = digest.texts_in_doubt() if digest is not None and digest.triggers else ()
        texts = None
        out = []
        for f in results:
            if f.verdict == "unverifiable":
                continue
            if f.text not in in_doubt:
                if texts is None:
                    texts = {p.sentence.text for p in sentences}
                if f.text in texts:
                    continue  # its sentence is in this claim, and no trigger of it waits on this
            if req.is_equipment(f.feature):
                out.append(f.text)
        return out

    # -- one document, at the end --------------------------------------------------------------
    def _document(self, doc: _Document) -> list[Finding]:
        req = doc.req
        out = []
        for c in self.rules:
            kept = doc.triggers.get(c.index)
            where = kept.lead(doc.scoped) if kept is not None else None
            if where is None:
                continue
            missing = [(term, req.rows[bit]) for term, bit in zip(c.terms, c.bits)
                       if bit & req.required and not bit & doc.stated]
            if missing:
                out.append(self._finding(c, req.ctx, where, missing))
        return out

    def _finding(self, c: _Compiled, ctx, where, missing) -> Finding:
        p, start, end = where
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
        fid = ctx.feature_of_row.get(labels[0], f"row:{labels[0]}") if labels and ctx is not None else f"rule:{rule.id}"
        return self.stamp.finding(rule, p, start=start, end=end, feature=" / ".join(labels) or rule.name,
                                  feature_id=fid, model=model_of(ctx), trims=_trims(missing), claimed=None,
                                  spec=spec, message=message, suggestion=suggestion, cells=cells)


def _any_of(patterns) -> re.Pattern | None:
    """One regular expression that matches wherever any of `patterns` does: a sentence that no
    term's pattern matches (most) costs one search, not one per pattern. None when the patterns
    cannot be joined without changing what they match (back references, conditionals, named
    groups, global flags)."""
    sources = [p.pattern for p in patterns]
    if not sources or any(re.search(r"\\[1-9]|\(\?P|\(\?\(|\(\?[aiLmsux]+\)", s) for s in sources):
        return None
    try:
        return re.compile("|".join(f"(?:{s})" for s in sources), re.IGNORECASE)
    except re.error:
        return None


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


def _compatible(row_dim: str, q_dim: str) -> bool:
    return row_dim == q_dim or (row_dim == "rate" and q_dim == "price")
