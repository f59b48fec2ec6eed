"""The examples the README points reviewers at stay true: they load and do what they say."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from specaudit.config import validate
from specaudit.context import build_context
from specaudit.lexicon import load_lexicon
from specaudit.normalise import norm

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_example_lexicon_extends_the_builtin_pack_and_its_examples_hold():
    lexicon = load_lexicon([DOCS / "example-lexicon.yaml"])
    assert "星空天窗" in lexicon.features["sunroof"].aliases        # extended, not replaced
    assert "天窗" in lexicon.features["sunroof"].aliases
    assert "starry_headliner" in lexicon.features["sunroof"].confusables  # made symmetric
    ctx = build_context(None, lexicon)
    for fid in ("sunroof", "starry_headliner"):
        f = lexicon.features[fid]
        for sentence in f.match_examples:
            assert fid in {h.feature_id for h in ctx.index.scan(norm(sentence))}, sentence
        for sentence in f.no_match_examples:
            assert fid not in {h.feature_id for h in ctx.index.scan(norm(sentence))}, sentence


def test_example_config_validates():
    data = yaml.safe_load((DOCS / "example-specaudit.yaml").read_text(encoding="utf-8"))
    assert validate(data, "docs/example-specaudit.yaml")["trim_aliases"]["xy7"]["性能版"] == ["XY7 Performance"]


def test_trim_aliases_scope_a_claim():
    from conftest import make_spec
    from specaudit import AuditOptions, audit
    from specaudit.model import Claim, Locator

    spec = make_spec("xy7", ["XY7 Standard", "XY7 Performance"], [("Heated rear seats", ["—", "S"])])
    claim = Claim("Heated rear seats on the sport version.", Locator("c.jsonl", 1, None, "c1"))
    plain = audit([spec], [claim]).results[0].verdict
    aliased = audit([spec], [claim], options=AuditOptions(trim_aliases={"xy7": {"sport version": ["XY7 Performance"]}})).results[0]
    assert (plain, aliased.verdict, aliased.trims) == ("unqualified", "supported", ("XY7 Performance",))
