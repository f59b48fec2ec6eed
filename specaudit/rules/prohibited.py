"""Kind `prohibited`: wording a rule pack forbids, such as the absolute terms of China's
Advertising Law, Article 9(3).

    - id: absolute-terms
      kind: prohibited
      terms:
        - {term: 最佳, rationale: …}             # each term may carry its own rationale
        - 顶级                                     # … or use the rule's
      exceptions:
        words: [最高车速, 第一排]                 # fixed words that contain a term
        spec_figures: true                        # "最长可达502公里": a figure the spec supports
        not_after: [同级, 同价位, 行业]            # … never after a comparison with other products

Every term of every loaded rule is compiled into one automaton, scanned once over each
normalised sentence together with the exception words; a term inside an exception word is
allowed. `spec_figures` allows a term that is directly followed by a figure ("最高可达", "最长")
when the feature judgement found that figure supported by the spec; a term right after a
`not_after` word ("同级最大") is never excused. One finding per term and sentence.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..model import Claim, Finding
from ..normalise import norm
from ..units import find_quantities, format_value
from .common import PhraseScan, Prepared, Stamp, longest, model_of
from .packs import Rule, check_template, fill, str_list

KIND = "prohibited"
KEYS = {"terms", "exceptions"}
EXCEPTION_KEYS = {"words", "spec_figures", "not_after", "connectors"}
PLACEHOLDERS = {"term", "rationale", "name"}
ADJECTIVES = "高长大多低快远少小短轻"
CONNECTORS = ("可达", "高达", "达到", "达", "为", "是", "至", "到", "可", "up to", "of", " ", ":", "：")


def validate(rule: Rule) -> None:
    terms = rule.params.get("terms")
    if not isinstance(terms, list) or not terms:
        rule.fail("`terms` must list the forbidden words", "terms")
    for i, t in enumerate(terms):
        if isinstance(t, (str, int, float)) and str(t).strip():
            continue
        if isinstance(t, dict) and str(t.get("term") or "").strip() and set(t) <= {"term", "rationale", "suggestion"}:
            continue
        rule.fail("each term is a word, or {term, rationale, suggestion}", "terms", i)
    ex = rule.params.get("exceptions") or {}
    if not isinstance(ex, dict) or set(ex) - EXCEPTION_KEYS:
        rule.fail(f"`exceptions` has the keys {', '.join(sorted(EXCEPTION_KEYS))}", "exceptions")
    for key in ("words", "not_after", "connectors"):
        str_list(rule, key, ex.get(key), path=("exceptions", key))
    if "spec_figures" in ex and not isinstance(ex["spec_figures"], bool):
        rule.fail("`spec_figures` is true or false", "exceptions", "spec_figures")
    check_template(rule, "message", PLACEHOLDERS)
    check_template(rule, "suggestion", PLACEHOLDERS)


@dataclass(frozen=True)
class _Term:
    rule: Rule
    term: str
    rationale: str
    suggestion: str
    spec_figures: bool
    not_after: tuple[str, ...]
    connectors: tuple[str, ...]


class Runner:
    def __init__(self, rules: list[Rule], stamp: Stamp):
        self.stamp = stamp
        phrases: dict[str, list] = {}
        for rule in rules:
            ex = rule.params.get("exceptions") or {}
            not_after = tuple(str_list(rule, "not_after", ex.get("not_after")))
            connectors = tuple(str_list(rule, "connectors", ex.get("connectors"))) or CONNECTORS
            for t in rule.params["terms"]:
                t = t if isinstance(t, dict) else {"term": t}
                term = _Term(rule, str(t["term"]), str(t.get("rationale") or rule.rationale).strip(),
                             str(t.get("suggestion") or rule.suggestion), bool(ex.get("spec_figures", False)),
                             not_after, connectors)
                phrases.setdefault(term.term, []).append(term)
            for w in str_list(rule, "words", ex.get("words")):
                phrases.setdefault(w, []).append(("allow", rule.id))
        self.scan = PhraseScan(phrases)

    def finish(self) -> list[Finding]:
        return []

    def claim(self, claim: Claim, ctx, results: list[Finding], sentences: list[Prepared]) -> list[Finding]:
        out = []
        for p in sentences:
            matches = self.scan.find(p.text)
            if not matches:
                continue
            allowed = [(s, e, rid) for s, e, _, payloads in matches for x in payloads if isinstance(x, tuple)
                       for rid in [x[1]]]
            hits = [(s, e, w, [x for x in payloads if isinstance(x, _Term)]) for s, e, w, payloads in matches]
            hits = longest([h for h in hits if h[3]])
            seen: set[tuple[str, str]] = set()
            for s, e, word, terms in hits:
                for term in terms:
                    rule = term.rule
                    if not p.speaks(rule.language) or (rule.id, word) in seen:
                        continue
                    before = p.text[max(0, s - 6):s]
                    compared = any(before.endswith(w) or w in before for w in term.not_after)
                    if not compared:
                        if any(a_s <= s and e <= a_e and rid == rule.id for a_s, a_e, rid in allowed):
                            continue
                        if term.spec_figures and _supported_figure(p, e, term.connectors, results):
                            continue
                        if term.spec_figures and _inside_spec_term(p, s, e, results):
                            continue
                    seen.add((rule.id, word))
                    original = p.position(s, e)[2]
                    values = dict(term=original, rationale=term.rationale, name=rule.name)
                    message = fill(rule.message or "«{term}»: {rationale}", **values)
                    suggestion = fill(term.suggestion or "Remove «{term}», or replace it with a fact the spec states.",
                                      **values)
                    out.append(self.stamp.finding(rule, p, start=s, end=e, feature=rule.name,
                                                  feature_id=f"rule:{rule.id}", model=model_of(ctx),
                                                  claimed=original, message=message, suggestion=suggestion,
                                                  rationale=term.rationale))
        return out


JUDGED = ("supported", "contradicted", "unqualified")


def _inside_spec_term(p: Prepared, start: int, end: int, results: list[Finding]) -> bool:
    """The term is part of a spec row's name the feature check read here ("最大快充功率240kW")."""
    for f in results:
        if f.verdict not in JUDGED or f.text != p.sentence.text or not f.match:
            continue
        m = norm(f.match)
        i = p.text.find(m)
        while i >= 0:
            if i <= start and end <= i + len(m):
                return True
            i = p.text.find(m, i + 1)
    return False


def _supported_figure(p: Prepared, end: int, connectors, results: list[Finding]) -> bool:
    """The term is followed, through connector words only, by a figure the judgement supports."""
    text = p.text
    i = end
    if i < len(text) and text[i] in ADJECTIVES and text[i - 1] == "最":
        i += 1  # "最长可达502公里", "最高150 km/h"
    moved = True
    while moved and i < len(text):
        moved = False
        for c in connectors:
            if text.startswith(c, i):
                i += len(c)
                moved = True
                break
    window = text[i:i + 24]
    qs = [q for q in find_quantities(window, bare=False) if q.start == 0]
    if not qs:
        return False
    q = qs[0]
    shown = format_value(q.value, q.unit)
    for f in results:
        if f.verdict == "supported" and f.text == p.sentence.text and f.claimed_value and shown in f.claimed_value:
            return True
    return False
