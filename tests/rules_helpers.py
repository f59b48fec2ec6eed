"""Small helpers for the rule-pack tests: run copy through an audit with chosen packs."""
from __future__ import annotations

from specaudit import AuditOptions, audit
from specaudit.model import Claim, Locator

AION_TRIMS = ["租电版", "买断版", "买断Max版"]


def claim(text, source="copy.md", line=1, record=None, channel=None, model=None, kind="body", column=1):
    return Claim(text, Locator(source, line, column if record is None else None, record=record, kind=kind,
                               channel=channel, model=model))


def run(spec, claims, packs=("default",), **kw):
    """An audit of `claims` with these packs; the typo pass is off (rules do not depend on it,
    and building its index dominates the cost of a small audit)."""
    kw.setdefault("fuzzy", False)
    claims = [c if isinstance(c, Claim) else claim(c, line=i + 1) for i, c in enumerate(claims)]
    return audit([spec] if spec is not None else [], claims, options=AuditOptions(rule_packs=tuple(packs), **kw))


def of(report, verdict):
    return [f for f in report.results if f.verdict == verdict]


_LEXICONS: dict = {}


def cached_lexicon(monkeypatch):
    """Load each lexicon once per test session: these tests run a hundred small audits."""
    import specaudit.engine as engine

    real = engine.load_lexicon

    def load(extra=(), **kw):
        key = (tuple(str(x) for x in extra), tuple(sorted(kw.items())))
        if key not in _LEXICONS:
            _LEXICONS[key] = real(extra, **kw)
        return _LEXICONS[key]

    monkeypatch.setattr(engine, "load_lexicon", load)
