"""What every rule kind needs: prepared sentences, one compiled phrase scan, findings with positions."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property


from ..automaton import overlapping
from ..findings import DEFAULT_SEVERITY
from ..language import find_cues
from ..model import Claim, Finding, Sentence
from ..normalise import Normalised, is_cjk, norm, normalise
from ..sentences import split_sentences
from .packs import VERDICT_OF_KIND, Rule


@dataclass
class Prepared:
    """A sentence of a claim with its normal form (offsets map back to the original)."""

    sentence: Sentence
    norm: Normalised

    @property
    def text(self) -> str:
        return self.norm.text

    @cached_property
    def cues(self):
        return find_cues(self.norm.text)

    @cached_property
    def has_cjk(self) -> bool:
        return any(is_cjk(c) for c in self.norm.text)

    @cached_property
    def has_latin(self) -> bool:
        return re.search(r"[a-z]{2,}", self.norm.text) is not None

    @cached_property
    def question(self) -> bool:
        t = self.norm.text.rstrip()
        return t.endswith(("?", "？")) or any(c.kind == "question" for c in self.cues)

    def speaks(self, language: str) -> bool:
        if language == "zh":
            return self.has_cjk
        if language == "en":
            return self.has_latin and not self.has_cjk
        return True

    def position(self, start: int, end: int) -> tuple[int | None, int | None, str]:
        """(line, column, original words) of normalised span [start, end)."""
        s, e = self.norm.original_span(start, end)
        text = self.sentence.text
        line, column = self.sentence.locator.line, self.sentence.locator.column
        if line is not None and column is not None:
            before = text[:s]
            line += before.count("\n")
            column = (len(before) - before.rfind("\n")) if "\n" in before else column + s
        return line, column, text[s:e]


def prepare(claim: Claim) -> list[Prepared]:
    return [Prepared(s, normalise(s.text)) for s in split_sentences(claim)]


def _is_word(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


class PhraseScan:
    """Many phrases, one compiled automaton: every occurrence in a normalised text, each with the
    payloads of the phrase. Latin phrases must sit on word boundaries."""

    def __init__(self, phrases: dict[str, list]):
        table: dict[str, list] = {}
        for phrase, payloads in phrases.items():
            p = norm(str(phrase)).strip()
            if p:
                table.setdefault(p, []).extend(payloads)
        self.patterns = sorted(table)
        self.table = table
        self._find = overlapping(self.patterns) if self.patterns else None

    def find(self, text: str) -> list[tuple[int, int, str, list]]:
        if self._find is None:
            return []
        out = []
        for start, end, idx in self._find(text):
            p = self.patterns[idx]
            if _is_word(p[0]) and start > 0 and _is_word(text[start - 1]):
                continue
            if _is_word(p[-1]) and end < len(text) and _is_word(text[end]):
                rest = text[end:end + 2]
                if not (rest[:1] == "s" and (len(rest) == 1 or not _is_word(rest[1]))):
                    continue
            out.append((start, end, p, self.table[p]))
        out.sort(key=lambda m: (m[0], -(m[1] - m[0])))
        return out


def longest(matches):
    """Drop matches that lie inside a longer kept one (leftmost-longest over overlapping scans)."""
    kept = []
    for m in sorted(matches, key=lambda m: (m[0], -(m[1] - m[0]))):
        if any(k[0] <= m[0] and m[1] <= k[1] for k in kept):
            continue
        kept.append(m)
    return kept


NEGATION_RIGHT_BEFORE = re.compile(r"(?:(?<![a-z])(?:no|not|without|never)\s+(?:\w+\s+)?|无需|无|没有|不含|不提供|不支持|非)$")


def negated_before(p: Prepared, start: int, clause_start: int) -> bool:
    """A negation cue between the start of the clause and `start` ("无需支付电池月租", "no subsidy")."""
    if NEGATION_RIGHT_BEFORE.search(p.text, clause_start, start):
        return True
    return any(c.kind in ("negation_before", "negation_prefix") and clause_start <= c.start and c.end <= start
               for c in p.cues)


CLAUSE_BREAK = re.compile(r"[，,；;：:。！!？?\n()（）]|(?<![a-z])(?:but|however)(?![a-z])|但是|但|不过")


def clause_start(text: str, pos: int) -> int:
    start = 0
    for m in CLAUSE_BREAK.finditer(text, 0, pos):
        start = m.end()
    return start


def clause_end(text: str, pos: int) -> int:
    m = CLAUSE_BREAK.search(text, pos)
    return m.start() if m else len(text)


class Stamp:
    """Severity and rule id, as the engine stamps them: config by rule id > the rule's YAML >
    config by verdict > the verdict's default."""

    def __init__(self, severities: dict | None = None):
        self.severities = dict(severities or {})

    def severity(self, rule: Rule, verdict: str) -> str:
        return (self.severities.get(rule.id) or rule.severity or self.severities.get(verdict)
                or DEFAULT_SEVERITY[verdict])

    def finding(self, rule: Rule, p: Prepared | None, *, verdict: str | None = None, start: int = 0, end: int = 0,
                feature: str, feature_id: str, model: str | None, trims=(), claimed: str | None = None,
                spec: str | None = None, message: str, suggestion: str = "", cells=(), locate=None,
                rationale: str | None = None) -> Finding:
        verdict = verdict or VERDICT_OF_KIND[rule.kind]
        if locate is not None:
            loc, line, column, text, match = locate
        else:
            loc = p.sentence.locator
            line, column, match = p.position(start, end)
            text = p.sentence.text
        return Finding(
            verdict=verdict, severity=self.severity(rule, verdict), rule=rule.id, feature=feature,
            feature_id=feature_id, model=model, trims=tuple(trims), source=loc.source, record=loc.record,
            line=line, column=column, text=text, match=match, claimed_value=claimed, spec_value=spec,
            message=message, suggestion=suggestion, channel=loc.channel, kind=loc.kind, spec_cells=tuple(cells),
            rationale=rationale or rule.rationale or None)


def model_of(ctx) -> str | None:
    return ctx.spec.model if ctx is not None and ctx.spec is not None else None
