"""Every lexicon feature carries examples, and the real matcher honours them (proselint-style meta-test)."""
from __future__ import annotations

import re

import pytest

from specaudit.context import build_context
from specaudit.lexicon import load_lexicon
from specaudit.normalise import norm

LEXICON = load_lexicon()
CONTEXT = build_context(None, LEXICON)
FEATURES = sorted(LEXICON.features.values(), key=lambda f: f.id)


def mentioned(text: str) -> set[str]:
    t = norm(text)
    ends = frozenset(m.end() for m in re.finditer(r"[0-9零一二两三四五六七八九十百千万半]", t))
    return {h.feature_id for h in CONTEXT.index.scan(t, ends)}


def test_every_feature_has_both_kinds_of_example():
    missing = [f.id for f in FEATURES if not f.match_examples or not f.no_match_examples]
    assert missing == []


@pytest.mark.parametrize("feature", FEATURES, ids=lambda f: f.id)
def test_examples_match_and_do_not_match(feature):
    for sentence in feature.match_examples:
        assert feature.id in mentioned(sentence), f"{feature.source}: {sentence!r} should mention {feature.id}"
    for sentence in feature.no_match_examples:
        assert feature.id not in mentioned(sentence), f"{feature.source}: {sentence!r} should not mention {feature.id}"


def test_declared_confusables_never_match_each_other():
    """An alias of one feature, read on its own, never yields a feature declared confusable with it."""
    clashes = []
    for f in FEATURES:
        for alias in f.aliases:
            found = mentioned(alias)
            bad = sorted(c for c in f.confusables if c in found)
            if bad:
                clashes.append((f.id, alias, bad))
    assert clashes == []
