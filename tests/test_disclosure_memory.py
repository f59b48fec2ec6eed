"""The disclosure pack folds each claim into a small digest of its document as it arrives, instead
of keeping every sentence and result until the end: the findings are those of keeping everything,
and a document with no trigger and nothing stated costs its key only."""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field, replace

import pytest

from conftest import AION_SPEC_CSV, make_spec
from rules_helpers import AION_TRIMS, cached_lexicon
from specaudit import AuditOptions, audit
from specaudit.engine import Auditor
from specaudit.model import CellKind, Claim, Finding, Locator
from specaudit.rules import disclosure, load_rules
from specaudit.rules.common import PhraseScan, Prepared, Stamp, clause_start, negated_before, prepare
from specaudit.rules.packs import regex_list, str_list
from specaudit.specs import load_specs
from specaudit.units import agrees, find_quantities, unit_dimension


# -- the rule as it was: every sentence and result of a document kept until finish() ----------------
_WORDED_FINDING = disclosure.Runner._finding  # (taken before a test puts the reference in its place)

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
    rule: object
    terms: list[_Term]


@dataclass
class _KeptDocument:
    ctx: object
    sentences: list[Prepared] = field(default_factory=list)
    results: list[Finding] = field(default_factory=list)


class KeepEverything:
    """Reference: the disclosure runner before documents were folded as they arrive (a copy of
    its logic, with a count of the triggers a trim scope took away)."""

    def __init__(self, rules, stamp):
        self.stamp = stamp
        self.rules = []
        self.scoped_away = 0
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
        self.documents: dict[tuple, _KeptDocument] = {}

    def claim(self, claim, ctx, results, sentences):
        loc = claim.locator
        doc = self.documents.setdefault((loc.source, loc.record), _KeptDocument(ctx))
        doc.sentences.extend(sentences)
        doc.results.extend(results)
        return []

    def finish(self):
        out = []
        for doc in self.documents.values():
            out.extend(self._document(doc))
        self.documents.clear()
        return out

    def _document(self, doc):
        first: dict[int, tuple[Prepared, int, int, bool]] = {}
        for p in doc.sentences:
            if p.question:
                continue
            matches = self.triggers.find(p.text)
            if not matches:
                continue
            for start, end, _phrase, rules in matches:
                if negated_before(p, start, clause_start(p.text, start)):
                    continue
                if self._trim_scope(doc, p, start, end):
                    self.scoped_away += 1
                    continue
                for c in rules:
                    if not p.speaks(c.rule.language):
                        continue
                    if id(c) not in first or (not first[id(c)][3] and _has_figure(p)):
                        first[id(c)] = (p, start, end, _has_figure(p))
        out = []
        for c in self.rules:
            if id(c) not in first:
                continue
            missing = []
            for term in c.terms:
                rows = disclosure._rows(doc.ctx, term)  # (which rows a term names did not change)
                if not rows and not term.always:
                    continue
                if not _stated(term, rows, doc):
                    missing.append((term, rows))
            if missing:
                out.append(self._finding(c, doc, first[id(c)], missing))
        return out

    def _finding(self, c, doc, where, missing):
        # how a finding is worded did not change: the module's own, on the document's context
        return _WORDED_FINDING(self, c, doc.ctx, where[:3], missing)

    @staticmethod
    def _trim_scope(doc, p, start, end):
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


def _has_figure(p):
    return bool(find_quantities(p.text, bare=False))




def _stated(term, rows, doc):
    ctx = doc.ctx
    fids = set(term.features)
    labels = {r.feature for r in rows}
    if ctx is not None:
        fids |= {ctx.feature_of_row.get(r.feature, f"row:{r.feature}") for r in rows}
    for f in doc.results:
        if f.verdict != "unverifiable" and (f.feature in labels or f.feature_id in fids):
            return True
    for p in doc.sentences:
        text = p.text
        if term.cues.find(text) or any(pat.search(text) for pat in term.patterns):
            return True
        for row in rows:
            values = [c.value for c in row.cells if c.kind is CellKind.VALUE and c.value is not None]
            if not values:
                continue
            dim = unit_dimension(row.unit or "")
            for q in find_quantities(text, bare=False):
                compatible = dim == q.dimension or (dim == "rate" and q.dimension == "price")
                if compatible and any(agrees(q, v) for v in values):
                    return True
    return False


# -- rules, specs and random claim streams -------------------------------------------------------------
SHIPPED = [r for r in load_rules(("default",)) if r.kind == "disclosure"]


def _rules():
    """The shipped disclosure rules, and three more that reach what they do not: trim names as
    triggers (a trim scope decides most of them), a term given by lexicon feature ids, a rule of
    no language, a trigger twice in two spellings, and a message with every placeholder."""
    base = SHIPPED[0]
    every = "{name} | {trigger} | {missing} | {missing_list} | {sentence} | {rationale}"
    extra = [
        replace(base, id="test/trim-trigger", name="trim as trigger", params={
            "trigger": ["租电版", "买断版", "Standard Range", "选装"],
            "require": [
                {"term": "座椅加热价格", "spec": {"rows": ["座椅加热"]}, "cues": ["标配"],
                 "patterns": [r"¥\s*1,?500"], "suggestion": "座椅加热{value}"},
                {"term": "月租", "spec": {"features": ["battery_rental_rent"]}, "cues": ["月租"]},
            ]}, message=every, suggestion="{sentence} ({trigger})"),
        replace(base, id="test/any-language", name="any language", language="", params={
            "trigger": ["rebate", "补贴", "电池月租", "Zero Down", "zero  down"],
            "require": [{"term": "deadline", "cues": ["截止", "until"], "always": True},
                        {"term": "excess", "spec": {"rows": ["超出里程", "excess"]}, "cues": ["超出", "excess"],
                         "suggestion": "excess {value}"}]}),
        replace(base, id="test/en-figures", name="figures", language="en", params={
            "trigger": ["battery rental", "subsidy"],
            "require": [{"term": "allowance", "spec": {"rows": ["mileage"], "features": ["mileage_allowance"]},
                         "suggestion": "{value} a month"}]}),
    ]
    for r in extra:
        disclosure.validate(r)
    return SHIPPED + extra


RENTAL_ROWS = [
    ("厂商指导价", ["¥49,900", "¥89,900", "¥99,900"]),
    ("电池租用月租金", ["¥399", "-", "-"]),
    ("电池租用每月基础里程", ["3,000 km", "-", "-"]),
    ("超出里程费用", ["0.2 元/km", "-", "-"]),
    ("前排座椅加热", ["○ ¥1,500", "○ ¥1,500", "●"]),
    ("补贴截止日期", ["2026-01-31", "2026-01-31", "2026-01-31"]),
]


@pytest.fixture(scope="module")
def contexts():
    """Spec contexts that ask different things of the terms, and no context at all."""
    specs = [make_spec("埃安UT super", AION_TRIMS, RENTAL_ROWS, source="rental.csv"),
             *load_specs([AION_SPEC_CSV]),
             make_spec("Corvale E5", ["Standard Range", "Long Range"], [
                 ("Battery rental monthly mileage", ["1,500 km", "-"]), ("Excess mileage charge", ["$0.05/km", "-"]),
                 ("Subsidy end date", ["2026-01-31", "2026-01-31"])], source="corvale.csv"),
             make_spec("M", AION_TRIMS, [("厂商指导价", ["¥49,900", "¥89,900", "¥99,900"])], source="m.csv")]
    auditor = Auditor(specs, AuditOptions(fuzzy=False))
    no_spec = Auditor([], AuditOptions(fuzzy=False), lexicon=auditor.lexicon).contexts[0]
    return auditor, [*auditor.contexts, no_spec, None]


ZH = ["选择租电版", "租电方案更轻松", "电池月租399元", "电池租用", "零首付", "0首付开回家", "享受国补", "置换补贴5000元",
      "租电版和买断版可以选装前排座椅加热", "买断版无需支付电池月租", "本车型没有补贴", "租电版标配前排座椅加热",
      "每月含3000公里基础里程", "包3,000公里", "超出部分每公里0.2元", "分36期", "年化利率3.5%", "补贴截止2026年1月31日",
      "活动1月底结束", "3,000 km", "0.2 元/km", "座椅加热¥1,500", "入手价仅49,900元", "颜值在线", "周末带家人出去露营",
      "换电几分钟满电", "买断Max版更划算", "租电版月租399元"]
EN = ["Choose battery rental", "Battery rental from $89 a month", "Zero down today", "zero  down",
      "No battery rental on the Long Range", "Take $2,000 off with the trade-in subsidy", "includes 1,500 km a month",
      "each km beyond the allowance costs $0.05", "for 60 months at 4.9% APR", "until January 31",
      "Standard Range and Long Range offer battery rental", "Drive it home today", "a rebate for you", "1,500 km"]
QUESTIONS = ["租电版怎么收费？", "有补贴吗？", "Is there a rebate?", "Battery rental on the Standard Range?"]
ROW_RESULTS = ["前排座椅加热", "前排座椅加热", "电池租用每月基础里程", "超出里程费用", "厂商指导价", "电池租用月租金",
               "补贴截止日期", "Battery rental monthly mileage", "电动天窗"]
FEATURE_IDS = ["seat_heating_front", "mileage_allowance", "excess_mileage_charge", "battery_rental_rent", "price_msrp",
               "row:补贴截止日期", "row:Subsidy end date", "sunroof"]
VERDICTS = ["supported", "contradicted", "unqualified", "unverifiable", "unverifiable"]


def _sentence(r: random.Random) -> str:
    if r.random() < 0.08:
        return r.choice(QUESTIONS)
    if r.random() < 0.7:
        return "，".join(r.choice(ZH) for _ in range(r.choice([1, 1, 2, 3]))) + "。"
    return ", ".join(r.choice(EN) for _ in range(r.choice([1, 1, 2, 3]))).capitalize() + "."


def _result(r: random.Random, text: str, loc: Locator) -> Finding:
    feature = r.choice(ROW_RESULTS)
    return Finding(verdict=r.choice(VERDICTS), severity="info", rule="feature", feature=feature,
                   feature_id=r.choice(FEATURE_IDS), model=None, trims=(), source=loc.source, record=loc.record,
                   line=loc.line, column=loc.column, text=text, match=feature, claimed_value=None, spec_value=None,
                   message="", suggestion="")


DOCUMENTS = [("page.md", None), ("faq.md", None), ("page.md", ""), ("cs.jsonl", "r1"), ("cs.jsonl", "r2"),
             ("cs.jsonl", "r3"), ("web.jsonl", "r1"), ("web.jsonl", "w7"), ("post.html", None)]


def _stream(seed: int, claims: int, auditor, contexts) -> list[tuple]:
    """(claim, ctx, results, sentences) per claim: documents interleaved, a sentence of a document
    often repeated by a later claim of it (with or without the result that scopes it), the
    context mostly the document's own, sometimes another; the feature check's own results, and
    made-up ones that state a row or read a sentence as equipment (at times a sentence of another
    claim, or of none). Drawn from lists only, so the stream does not depend on string hashing."""
    r = random.Random(seed)
    documents = r.sample(DOCUMENTS, r.choice([2, 4, len(DOCUMENTS)]))
    usual = {key: r.choice(contexts) for key in documents}
    said: dict[tuple, list[str]] = {key: [] for key in documents}
    lines = dict.fromkeys(documents, 0)
    out = []
    for _ in range(claims):
        key = r.choice(documents)
        texts = [r.choice(said[key]) if said[key] and r.random() < 0.3 else _sentence(r)
                 for _ in range(r.choice([1, 1, 2, 3]))]
        said[key].extend(texts)
        lines[key] += 1
        source, record = key
        loc = Locator(source, lines[key], None if record is not None else r.choice([1, 3]), record=record,
                      model=r.choice([None, None, "埃安UT super", "Corvale E5"]))
        claim = Claim("".join(texts) if r.random() < 0.5 else "\n".join(texts), loc)
        ctx = usual[key] if r.random() < 0.8 else r.choice(contexts)
        sentences = prepare(claim)
        results = auditor.audit_claim(claim)[0] if r.random() < 0.5 else []
        for p in sentences:
            if r.random() < 0.35:
                x = r.random()
                text = p.sentence.text if x < 0.8 else r.choice(said[key]) if x < 0.95 else "另一句。"
                results.append(_result(r, text, loc))
        out.append((claim, ctx, results, sentences))
    return out


def _feed(runner, stream):
    for claim, ctx, results, sentences in stream:
        runner.claim(claim, ctx, results, sentences)
    return runner


@pytest.fixture(scope="module")
def rules():
    return _rules()


def test_findings_are_those_of_keeping_every_sentence(contexts, rules):
    auditor, ctxs = contexts
    findings = scoped_away = in_doubt = 0
    for seed in range(120):
        stream = _stream(seed, random.Random(seed).choice([5, 20, 60, 150]), auditor, ctxs)
        stamp = Stamp({"test/any-language": "warning"} if seed % 2 else None)
        folded = _feed(disclosure.Runner(rules, stamp), stream)
        in_doubt += any(t.in_doubt for documents in folded.documents.values() for d in documents.values()
                        if isinstance(d, disclosure._Document) for kept in d.triggers.values() for t in kept.triggers)
        reference = _feed(KeepEverything(rules, stamp), stream)
        expected = reference.finish()
        assert folded.finish() == expected, f"seed {seed}"
        findings += len(expected)
        scoped_away += reference.scoped_away
    # the streams do report, do hold triggers a trim scope takes away, and triggers in doubt
    assert findings >= 300 and scoped_away >= 20 and in_doubt >= 10


def test_the_report_of_an_audit_is_the_same(monkeypatch, contexts):
    # the whole audit, default packs, with the runner as it was and as it is
    cached_lexicon(monkeypatch)
    auditor, _ = contexts
    specs = auditor.specs
    r = random.Random(11)
    claims = []
    for i in range(300):
        source, record = r.choice(DOCUMENTS)
        claims.append(Claim(" ".join(_sentence(r) for _ in range(r.choice([1, 2, 3]))),
                            Locator(source, i + 1, None if record is not None else 1, record=record,
                                    channel=r.choice([None, "web", "faq"]), model=r.choice([None, "Corvale E5"]))))
    options = AuditOptions(fuzzy=False)
    now = audit(specs, claims, options=options)
    monkeypatch.setattr(disclosure, "Runner", KeepEverything)
    before = audit(specs, claims, options=options)
    assert [f for f in before.results if f.verdict == "undisclosed"]
    assert now.results == before.results


# -- what is kept -----------------------------------------------------------------------------------
def _claim(text, source="cs.jsonl", record="r1", line=1):
    return Claim(text, Locator(source, line, None if record is not None else 1, record=record))


def test_twenty_thousand_documents_with_no_trigger_and_nothing_stated_share_one_digest(contexts):
    _, ctxs = contexts
    runner = disclosure.Runner(_rules(), Stamp())
    plain = [prepare(_claim(t)) for t in ("颜值在线，线条流畅。", "周末带家人出去露营。", "Drive it home today.")]
    for i in range(20_000):
        runner.claim(_claim("", record=f"r{i}"), ctxs[0], [], plain[i % 3])
    # one entry per document, its key (a later claim of it is judged with its first claim's context,
    # and its findings take its place in first-seen order) and a digest all of them share
    assert len(runner.documents["cs.jsonl"]) == 20_000 and runner.order == [["cs.jsonl", 20_000]]
    assert len({id(d) for d in runner.documents["cs.jsonl"].values()}) == 1
    (digest,) = {id(d): d for d in runner.documents["cs.jsonl"].values()}.values()
    assert isinstance(digest, disclosure._Seen) and digest.stated == 0
    assert runner.finish() == []


def test_documents_that_state_terms_share_a_digest_per_set_of_terms_stated(contexts):
    _, ctxs = contexts
    runner = disclosure.Runner(_rules(), Stamp())
    texts = ["每月含3000公里基础里程。", "分36期，年化利率3.5%。", "超出部分每公里0.2元。", "until January 31."]
    said = [prepare(_claim(t)) for t in texts]
    for i in range(20_000):
        runner.claim(_claim("", record=f"r{i}"), ctxs[0], [], said[i % 4] + said[(i // 4) % 4])
    assert not any(isinstance(d, disclosure._Document) for d in runner.documents["cs.jsonl"].values())
    assert len({id(d) for d in runner.documents["cs.jsonl"].values()}) <= 16


def test_a_document_triggered_again_and_again_keeps_the_triggers_that_may_lead(contexts):
    _, ctxs = contexts
    rental = [r for r in _rules() if r.id == "disclosure-cn/battery-rental"]

    def kept_after(first, then):
        runner = disclosure.Runner(rental, Stamp())
        first, then = prepare(_claim(first)), prepare(_claim(then))
        for i in range(10_000):
            runner.claim(_claim(""), ctxs[0], [], then if i % 2 else first)
        (doc,) = runner.documents["cs.jsonl"].values()
        return [t.sentence.sentence.text for t in doc.triggers[0].triggers], runner.finish()

    # a trigger that quotes figures: no later one can lead
    kept, (finding,) = kept_after("电池月租399元。", "租电更轻松。")
    assert kept == ["电池月租399元。"] and finding.text == "电池月租399元。"
    # a heading first: only a later one that quotes figures can lead instead
    kept, (finding,) = kept_after("租电更轻松。", "电池月租399元。")
    assert kept == ["租电更轻松。", "电池月租399元。"] and finding.text == "电池月租399元。"
    # in "租电版月租399元" the trigger is in a trim name, and no result has read the sentence as
    # equipment yet: it is in doubt, so the heading after it is kept too (each text once)
    kept, (finding,) = kept_after("租电版月租399元。", "租电更轻松。")
    assert kept == ["租电版月租399元。", "租电更轻松。"] and finding.text == "租电版月租399元。"


def test_a_document_that_states_every_term_keeps_nothing_of_its_triggers(contexts):
    _, ctxs = contexts
    rules = [r for r in _rules() if r.id == "disclosure-cn/battery-rental"]
    runner = disclosure.Runner(rules, Stamp())
    runner.claim(_claim(""), ctxs[0], [], prepare(_claim("选择租电版，入手价仅49,900元。")))
    assert isinstance(runner.documents["cs.jsonl"]["r1"], disclosure._Document)
    runner.claim(_claim(""), ctxs[0], [], prepare(_claim("每月包3000公里，超出部分0.2元/公里。")))
    assert isinstance(runner.documents["cs.jsonl"]["r1"], disclosure._Seen)
    assert runner.finish() == []


# -- the corners that need more than an OR -------------------------------------------------------------
def _both(rules, claims):
    folded, reference = disclosure.Runner(rules, Stamp()), KeepEverything(rules, Stamp())
    for runner in (folded, reference):
        for claim, ctx, results in claims:
            runner.claim(claim, ctx, results, prepare(claim))
    expected = reference.finish()
    assert folded.finish() == expected
    return expected


def _equipment_result(claim, text=None):
    text = text or prepare(claim)[0].sentence.text
    loc = claim.locator
    return Finding(verdict="supported", severity="info", rule="feature", feature="前排座椅加热",
                   feature_id="seat_heating_front", model=None, trims=(), source=loc.source, record=loc.record,
                   line=loc.line, column=loc.column, text=text, match="座椅加热", claimed_value=None,
                   spec_value=None, message="", suggestion="")


def test_a_trim_scope_a_later_claim_decides(contexts):
    # "租电版和买断版可以选装前排座椅加热" names the trim, not the plan, when the feature check read it as
    # equipment; here that result comes with a repeat of the sentence in a later claim
    _, ctxs = contexts
    rules = [r for r in _rules() if r.id == "disclosure-cn/battery-rental"]
    scoped = "租电版和买断版可以选装前排座椅加热。"
    first = _claim(scoped, line=1)
    later = _claim(scoped + "租电更轻松。", line=2)
    assert _both(rules, [(first, ctxs[0], [])])  # alone: a trigger
    (finding,) = _both(rules, [(first, ctxs[0], []), (later, ctxs[0], [_equipment_result(later)])])
    assert finding.line == 2 and finding.match == "租电"  # the heading of the later claim
    assert not _both(rules, [(first, ctxs[0], []), (_claim(scoped, line=2), ctxs[0], [_equipment_result(later)])])


def test_a_document_seen_again_is_judged_with_its_first_context_and_keeps_its_place(contexts):
    _, ctxs = contexts
    rental, corvale = ctxs[0], ctxs[2]
    rules = SHIPPED
    a1 = _claim("颜值在线。", record="a", line=1)
    b = _claim("零首付开回家。", record="b", line=2)
    a2 = _claim("选择租电版，电池月租399元。零首付开回家。", record="a", line=3)
    found = _both(rules, [(a1, rental, []), (b, corvale, []), (a2, corvale, [])])
    # the Corvale spec has no rental rows: only the document's first context asks for the terms
    assert [(f.record, f.rule, f.model) for f in found] == [
        ("a", "disclosure-cn/battery-rental", "埃安UT super"), ("a", "disclosure-cn/zero-down-payment", "埃安UT super"),
        ("b", "disclosure-cn/zero-down-payment", "Corvale E5")]


def test_a_result_about_a_sentence_of_no_claim_is_kept(contexts):
    # the feature check reports on its claim's sentences; a result about another text is kept all the
    # same, as any later sentence of that text is read with it
    _, ctxs = contexts
    rules = [r for r in _rules() if r.id == "disclosure-cn/battery-rental"]
    scoped = "租电版和买断版可以选装前排座椅加热。"
    plain = _claim("颜值在线。", line=1)
    assert not _both(rules, [(plain, ctxs[0], [_equipment_result(plain, scoped)]),
                             (_claim(scoped, line=2), ctxs[0], [])])
