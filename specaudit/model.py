"""The values that flow between pipeline stages.

config -> specs -> claims -> normalise -> mentions -> judge -> findings -> render

Every stage hands the next one frozen dataclasses, so a stage can be tested with values
built by hand and no stage can mutate what an earlier one produced.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from enum import Enum


class Availability(str, Enum):
    STANDARD = "standard"
    OPTIONAL = "optional"
    ABSENT = "absent"


class CellKind(str, Enum):
    AVAILABILITY = "availability"  # ● / ○ / -
    VALUE = "value"                # a number with a unit
    TEXT = "text"                  # free text (battery type, invoice cities)
    NOT_APPLICABLE = "na"          # '-' in a value row: the trim drops out of scope


@dataclass(frozen=True)
class SpecCell:
    """One (feature row, trim) cell of a configuration table, parsed."""

    model: str
    trim: str
    section: str
    feature: str            # the row label exactly as written in the table
    kind: CellKind
    raw: str                # the cell as written
    ref: str                # where it came from: "specs/x.csv:C5" or "book.xlsx[Sheet1]!C5"
    availability: Availability | None = None
    value: float | None = None
    unit: str | None = None  # canonical unit ("km", "kWh", "s", "CNY", "mm", ...)
    text: str | None = None  # for TEXT cells: the text; for others the note, if any
    note: str | None = None  # "高配", "¥1,500", "50W"


@dataclass(frozen=True)
class SpecRow:
    """One feature row across the trims of one model, cells in trim order."""

    model: str
    section: str
    feature: str
    cells: tuple[SpecCell, ...]

    # (cached: the judge asks per claim; a frozen row's cells never change, and cached_property
    # writes the instance dict directly, which a frozen dataclass allows)
    @cached_property
    def kind(self) -> CellKind:
        kinds = {c.kind for c in self.cells if c.kind is not CellKind.NOT_APPLICABLE}
        if not kinds:
            return CellKind.NOT_APPLICABLE
        if CellKind.VALUE in kinds:
            return CellKind.VALUE
        if CellKind.TEXT in kinds:
            return CellKind.TEXT
        return CellKind.AVAILABILITY

    @cached_property
    def unit(self) -> str | None:
        return next((c.unit for c in self.cells if c.unit), None)

    def __getstate__(self) -> dict:
        # the fields alone: a pickled row (sent to a worker, hashed into a worker's key) is the
        # same whether or not kind/unit were asked before
        return {"model": self.model, "section": self.section, "feature": self.feature, "cells": self.cells}


@dataclass(frozen=True)
class Spec:
    """One model's configuration table: trims ordered as the columns (cheapest first)."""

    model: str
    source: str
    trims: tuple[str, ...]
    rows: tuple[SpecRow, ...]
    sha256: str = ""

    def row(self, feature: str) -> SpecRow | None:
        return next((r for r in self.rows if r.feature == feature), None)


@dataclass(frozen=True)
class Locator:
    """Where a piece of copy came from; always points at the original, unnormalised text."""

    source: str                 # file path as given (relative where possible)
    line: int | None = None     # 1-based
    column: int | None = None   # 1-based, in characters
    record: str | None = None   # record id for .jsonl/.csv input
    kind: str = "body"          # body | caption | alt | faq
    channel: str | None = None
    model: str | None = None


@dataclass(frozen=True)
class Claim:
    """One unit of copy as loaded: a record, a paragraph, a caption, an alt text."""

    text: str
    locator: Locator
    lang: str | None = None
    extra: tuple[tuple[str, str], ...] = ()  # other record fields, kept for reports
    # inline waivers, (target, reason): target a feature id, spec row label, rule id or "*";
    # from a `<!-- specaudit-ignore x: "why" -->` comment before the claim or a `specaudit_ignore` field
    waivers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Waiver:
    """An inline waiver as the Report keeps it: which findings it covers, and why."""

    source: str
    line: int | None            # the claim's first line
    last_line: int | None       # the claim's last line
    record: str | None
    target: str                 # feature id, spec row label, rule id, or "*"
    reason: str                 # "" when none was given (then it suppresses nothing)


@dataclass(frozen=True)
class Sentence:
    """A sentence of a claim, with the locator of its first character."""

    text: str
    claim: Claim
    start: int                  # offset of the sentence in claim.text
    locator: Locator


@dataclass(frozen=True)
class Hit:
    """A mention in normalised text (the judge maps spans back to the original)."""

    feature_id: str
    start: int
    end: int
    alias: str
    score: float
    method: str  # exact | fuzzy


# Positional builders for the values a catalogue audit makes per record and per sentence.
# A frozen dataclass's generated __init__ sets each field through object.__setattr__; these
# fill the instance dict directly, about 3x cheaper, with the same result (equal, same hash:
# tests/test_model_builders.py holds them to the generated constructors).
_new = object.__new__


def new_locator(source: str, line: int | None, column: int | None, record: str | None, kind: str,
                channel: str | None, model: str | None) -> Locator:
    obj = _new(Locator)
    d = obj.__dict__
    d["source"] = source
    d["line"] = line
    d["column"] = column
    d["record"] = record
    d["kind"] = kind
    d["channel"] = channel
    d["model"] = model
    return obj


def new_claim(text: str, locator: Locator, lang: str | None, extra: tuple, waivers: tuple) -> Claim:
    obj = _new(Claim)
    d = obj.__dict__
    d["text"] = text
    d["locator"] = locator
    d["lang"] = lang
    d["extra"] = extra
    d["waivers"] = waivers
    return obj


def new_sentence(text: str, claim: Claim, start: int, locator: Locator) -> Sentence:
    obj = _new(Sentence)
    d = obj.__dict__
    d["text"] = text
    d["claim"] = claim
    d["start"] = start
    d["locator"] = locator
    return obj


@dataclass(frozen=True)
class Mention:
    """A feature named in a sentence, found by the lexicon scan."""

    feature_id: str             # canonical lexicon id, or "row:<label>" for a spec row only
    start: int                  # offsets into the ORIGINAL sentence text
    end: int
    match: str                  # the original words matched
    score: float                # 100 for exact, the fuzzy score otherwise
    method: str = "exact"       # exact | fuzzy | label


@dataclass(frozen=True)
class Finding:
    """One judged (sentence, feature) pair: the single result type of an audit."""

    verdict: str
    severity: str
    rule: str
    feature: str
    feature_id: str
    model: str | None
    trims: tuple[str, ...]
    source: str
    record: str | None
    line: int | None
    column: int | None
    text: str
    match: str
    claimed_value: str | None
    spec_value: str | None
    message: str
    suggestion: str
    score: float = 100.0
    channel: str | None = None
    kind: str | None = None
    spec_cells: tuple[tuple[str, str], ...] = field(default=())  # (trim, raw cell) pairs
    suppressed: str | None = None  # reason, when a baseline or waiver suppresses it
    rationale: str | None = None   # why the rule exists, for rule-pack findings (reports show it)

    def as_dict(self) -> dict:
        return {
            "verdict": self.verdict,
            "severity": self.severity,
            "rule": self.rule,
            "feature": self.feature,
            "feature_id": self.feature_id,
            "model": self.model,
            "trims": list(self.trims),
            "source": self.source,
            "record": self.record,
            "line": self.line,
            "column": self.column,
            "text": self.text,
            "match": self.match,
            "claimed_value": self.claimed_value,
            "spec_value": self.spec_value,
            "message": self.message,
            "suggestion": self.suggestion,
            "score": round(self.score, 1),
            "channel": self.channel,
            "kind": self.kind,
            "spec_cells": {t: raw for t, raw in self.spec_cells},
            "suppressed": self.suppressed,
            **({"rationale": self.rationale} if self.rationale else {}),
        }
