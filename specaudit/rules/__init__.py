"""Rule packs beyond features: disclosures, cross-channel consistency, prohibited wording,
commercial terms (dates, limited lists).

A handful of rule KINDS live in code, one module each (disclosure, consistency, prohibited,
facts); every concrete rule is YAML data in a pack that names its kind (specaudit/data/rules/,
or a user's file; see packs.py and docs/rule-packs.md). The engine hands every claim and its
feature results to a RuleRunner as the audit streams, and asks it for its findings at the end
(disclosures are per document, consistency needs every claim seen first).
"""
from __future__ import annotations

from . import consistency, disclosure, facts, prohibited

KIND_MODULES = {
    "disclosure": disclosure,
    "consistency": consistency,
    "prohibited": prohibited,
    "fact-date": facts.DATE,
    "fact-list": facts.LIST,
}

from ..model import Claim, Finding, Locator  # noqa: E402
from .common import Stamp, prepare  # noqa: E402
from .packs import (DEFAULT_PACKS, KINDS, Pack, Rule, builtin_names, load_pack, load_packs,  # noqa: E402
                    load_rules, resolve)

__all__ = ["RuleRunner", "Rule", "Pack", "KINDS", "DEFAULT_PACKS", "load_pack", "load_packs", "load_rules",
           "builtin_names", "resolve", "check_examples", "example_claims", "example_spec"]


class RuleRunner:
    """Runs the configured rule packs (none configured: the default packs; `none`: no pack)."""

    def __init__(self, packs: tuple[str, ...] = (), lexicon=None, *, severities: dict | None = None,
                 rules: list[Rule] | None = None):
        self.packs = tuple(packs)
        self.rules = list(rules) if rules is not None else load_rules(self.packs)
        stamp = Stamp(severities)
        by_kind: dict[str, list[Rule]] = {}
        for r in self.rules:
            by_kind.setdefault(r.kind, []).append(r)
        # facts first: consistency compares their results with the rest
        order = ("fact-date", "fact-list", "prohibited", "disclosure", "consistency")
        self.runners = [(k, KIND_MODULES[k].Runner(by_kind[k], stamp)) for k in order if k in by_kind]

    def claim(self, claim: Claim, ctx, results: list[Finding]) -> list[Finding]:
        """Findings that one claim raises on its own (prohibited wording, dates, lists).

        A fact rule that reads a sentence definitely ("补贴延续至1月底" against a date row) takes
        over the feature check's result for that row and sentence: `kept()` leaves it out."""
        self._superseded = set()
        if not self.runners:
            return []
        sentences = prepare(claim)
        results = list(results)
        out: list[Finding] = []
        for kind, runner in self.runners:
            found = runner.claim(claim, ctx, results, sentences)
            out.extend(found)
            if kind.startswith("fact-"):
                gone = {id(f) for f in getattr(runner, "superseded", ())}
                self._superseded |= gone
                results = [f for f in results if id(f) not in gone] + found
                runner.superseded = []
        return out

    @property
    def reads_results(self) -> bool:
        """Whether any pack looks at the feature check's results (all of them, supported too)."""
        return bool(self.runners)

    def kept(self, results: list[Finding]) -> list[Finding]:
        """The feature check's results of the last claim, without those a fact rule took over."""
        gone = getattr(self, "_superseded", set())
        return [f for f in results if id(f) not in gone] if gone else list(results)

    def finish(self, results: list[Finding]) -> list[Finding]:
        """Findings that need every claim (disclosures per document, cross-channel consistency)."""
        out: list[Finding] = []
        for _, runner in self.runners:
            out.extend(runner.finish())
        return out


# -- examples: every shipped rule proves itself ---------------------------------------------------
def example_spec(rule: Rule):
    """The rule's example spec table as a Spec (None when the pack gives none)."""
    from ..cells import parse_cell, row_kind_hint
    from ..model import Spec, SpecRow

    data = rule.example_spec
    if not data:
        return None
    model = str(data.get("model") or "Example")
    trims = [str(t) for t in data["trims"]]
    rows = []
    for r, (label, raws) in enumerate(data["rows"].items(), start=2):
        raws = ["" if x is None else str(x) for x in raws]
        hint = row_kind_hint(raws)
        cells = tuple(parse_cell(raw, ref=f"{rule.file}:example_spec", model=model, trim=t, section="",
                                 feature=str(label), row_kind_hint=hint) for t, raw in zip(trims, raws))
        rows.append(SpecRow(model, "", str(label), cells))
    return Spec(model, f"{rule.file}#example_spec", tuple(trims), tuple(rows))


def example_claims(rule: Rule, example, n: int) -> list[Claim]:
    """One example as claims: a text is one claim; a list is several claims of one run (by
    default of one document; give them a `channel` or a `source` to tell them apart)."""
    items = example if isinstance(example, list) else [example]
    claims = []
    for i, it in enumerate(items, start=1):
        it = {"text": it} if isinstance(it, str) else dict(it)
        loc = Locator(source=it.get("source") or f"example-{n}.md", line=i, column=1, record=it.get("record"),
                      kind=it.get("kind") or "body", channel=it.get("channel"), model=it.get("model"))
        claims.append(Claim(it["text"], loc))
    return claims


def check_examples(rule: Rule, lexicon_files: tuple[str, ...] = ()) -> list[str]:
    """Problems with one rule's examples: none given, a `fire:` example it does not fire on, a
    `pass:` example it fires on. Each example runs in an audit of its own with the rule alone."""
    from ..engine import Auditor, AuditOptions

    problems = []
    if not rule.fire:
        problems.append(f"{rule.where}: rule {rule.id!r} has no `fire:` example")
    if not rule.passes:
        problems.append(f"{rule.where}: rule {rule.id!r} has no `pass:` example")
    spec = example_spec(rule)
    auditor = Auditor([spec] if spec else [], AuditOptions(lexicon_files=tuple(lexicon_files)))
    for group, expect in (("fire", True), ("pass", False)):
        for n, ex in enumerate(rule.fire if expect else rule.passes, start=1):
            runner = RuleRunner(rules=[rule])
            found: list[Finding] = []
            for claim in example_claims(rule, ex, n):
                results, _, _ = auditor.audit_claim(claim)
                extra = runner.claim(claim, auditor.context_for(claim), results)
                found.extend(runner.kept(results))
                found.extend(extra)
            found.extend(runner.finish(found))
            mine = [f for f in found if f.rule == rule.id and f.verdict != "supported"]
            if expect and not mine:
                problems.append(f"{rule.where}: rule {rule.id!r} does not fire on examples.fire[{n - 1}]: {ex!r}")
            if not expect and mine:
                problems.append(f"{rule.where}: rule {rule.id!r} fires on examples.pass[{n - 1}]: {ex!r} "
                                f"({mine[0].verdict} «{mine[0].match}»: {mine[0].message})")
    return problems
