"""The audit, top to bottom: specs -> claims -> sentences -> readings -> judgements -> report.

The engine, not the judge, stamps rule ids and severities on results, and merges everything a
claim says about one feature into one result: supported when every statement holds,
contradicted when any statement fails on every trim it speaks of, unqualified otherwise.
"""
from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

from . import __version__
from .baseline import claim_waivers, waiver_findings
from .claims import claim_files, iter_claims
from .context import SpecContext, build_context
from .findings import DEFAULT_SEVERITY, Report, SpecSummary
from .judge import Judgement, judge
from .lexicon import Lexicon, load_lexicon
from .model import Claim, Finding, Spec
from .normalise import norm
from .reading import Assertion, Reading, read_sentence
from .rules import RuleRunner
from .sentences import split_sentences
from .specs import load_specs


@dataclass(frozen=True)
class AuditOptions:
    lexicon_files: tuple[str, ...] = ()
    trim_aliases: dict = field(default_factory=dict)
    fuzzy: bool = True
    fuzzy_threshold: float = 0.0
    fail_level: str = "error"
    severities: dict = field(default_factory=dict)  # verdict -> severity overrides
    rule_packs: tuple[str, ...] = ()                # rule pack names or paths
    # which spec applies to which copy: (claims glob, spec paths, model) per mapping, the first
    # matching glob wins; globs and spec paths absolute (Config.mappings() resolves them)
    mappings: tuple[tuple[str, tuple[str, ...], str | None], ...] = ()
    # keep `supported` results in the report (`--all`); without, they are dropped as the audit
    # streams, so a large corpus holds only its findings in memory
    include_supported: bool = True


class Auditor:
    """Holds what is built once per run: the lexicon and one context per spec."""

    def __init__(self, specs: list[Spec], options: AuditOptions = AuditOptions(), lexicon: Lexicon | None = None):
        self.specs = specs
        self.options = options
        self.lexicon = lexicon or load_lexicon(options.lexicon_files)
        self.contexts = [build_context(s, self.lexicon, trim_aliases=options.trim_aliases.get(s.model) or options.trim_aliases.get("*"),
                                       fuzzy=options.fuzzy, fuzzy_threshold=options.fuzzy_threshold) for s in specs]
        if not self.contexts:
            self.contexts = [build_context(None, self.lexicon, fuzzy=options.fuzzy)]
        self._mapped: dict[str, SpecContext | None] = {}  # claim source -> context its mapping picks

    def context_for(self, claim: Claim) -> SpecContext:
        if len(self.contexts) == 1:
            return self.contexts[0]
        if self.options.mappings:
            mapped = self._mapped_context(claim.locator.source)
            if mapped is not None:
                return mapped
        wanted = norm(claim.locator.model or "")
        text = norm(claim.text)
        for ctx in self.contexts:
            model = norm(ctx.spec.model) if ctx.spec else ""
            if wanted and model and (wanted in model or model in wanted):
                return ctx
        for ctx in self.contexts:
            model = norm(ctx.spec.model) if ctx.spec else ""
            if model and model in text:
                return ctx
        return self.contexts[0]

    def _mapped_context(self, source: str) -> SpecContext | None:
        cache = self._mapped
        if source not in cache:
            cache[source] = None
            path = Path(source).resolve().as_posix()
            for pattern, spec_paths, model in self.options.mappings:
                if not glob_match(pattern, path):
                    continue
                wanted = {Path(p).resolve() for p in spec_paths}
                for ctx in self.contexts:
                    if ctx.spec is None:
                        continue
                    src = Path(ctx.spec.source).resolve()
                    if (wanted and (src in wanted or any(w in src.parents for w in wanted))
                            and (not model or norm(model) == norm(ctx.spec.model))) \
                            or (not wanted and model and norm(model) == norm(ctx.spec.model)):
                        cache[source] = ctx
                        break
                break
        return cache[source]

    def readings(self, claim: Claim, ctx: SpecContext | None = None) -> list[Reading]:
        """Each sentence of a claim read in order; a sentence that only names trims scopes the next."""
        ctx = ctx or self.context_for(claim)
        readings: list[Reading] = []
        for s in split_sentences(claim):
            readings.append(read_sentence(s, ctx, readings[-1].scope_out if readings else None))
        return readings

    def audit_claim(self, claim: Claim, supported: bool = True) -> tuple[list[Finding], int, int]:
        """Results for one claim, plus its sentence and mention counts; without `supported`,
        results that would be `supported` are not built (a catalogue audit drops them)."""
        ctx = self.context_for(claim)
        readings = self.readings(claim, ctx)
        groups: dict[str, list[tuple[Assertion, Judgement, Reading]]] = {}
        for n, r in enumerate(readings):
            for a in r.assertions:
                j = judge(a, ctx)
                key = j.feature if j.verdict != "unverifiable" else f"?{a.feature_id}"
                # a record is one claim; a document paragraph holds several, one per sentence
                groups.setdefault((key, None if claim.locator.record is not None else n), []).append((a, j, r))
        findings = []
        for items in groups.values():
            verdict = _merged_verdict([j.verdict for _, j, _ in items])
            if supported or verdict != "supported":
                findings.append(self._merge(items, verdict, ctx))
        return findings, len(readings), sum(len(r.hits) for r in readings)

    def _merge(self, items, verdict: str, ctx: SpecContext) -> Finding:
        a0, j0, r0 = items[0]
        lead = next((j for _, j, _ in items if j.verdict == verdict), j0)
        lead_a, _, lead_r = next(((a, j, r) for a, j, r in items if j is lead), items[0])
        trims = tuple(dict.fromkeys(t for _, j, _ in items for t in j.trims))
        cells = tuple(dict.fromkeys(c for _, j, _ in items for c in j.cells))
        claimed = "; ".join(dict.fromkeys(
            (j.claimed or "") + (f" @ {'/'.join(j.trims)}" if j.trims and ctx.spec and len(j.trims) < len(ctx.spec.trims) else "")
            for _, j, _ in items if j.claimed))
        sentence = lead_r.sentence
        start, end = lead_r.norm.original_span(lead_a.hit.start, lead_a.hit.end)
        match = sentence.text[start:end]
        line, column = sentence.locator.line, sentence.locator.column
        if line is not None and column is not None:
            before = sentence.text[:start]
            line += before.count("\n")
            column = (len(before) - before.rfind("\n")) if "\n" in before else column + start
        rule = lead.rule
        severity = self.options.severities.get(verdict) or DEFAULT_SEVERITY[verdict]
        loc = sentence.locator
        return Finding(
            verdict=verdict, severity=severity, rule=rule, feature=lead.feature, feature_id=lead_a.feature_id,
            model=ctx.spec.model if ctx.spec else None, trims=trims, source=loc.source, record=loc.record,
            line=line, column=column, text=sentence.text, match=match, claimed_value=claimed or None,
            spec_value="; ".join(f"{t}: {raw}" for t, raw in cells) or None,
            message=lead.message, suggestion=lead.suggestion, score=lead_a.hit.score,
            channel=loc.channel, kind=loc.kind, spec_cells=cells)


def audit(specs: Iterable[str | Path | Spec] = (), claims: Iterable[str | Path | Claim] = (), *,
          options: AuditOptions = AuditOptions(), progress=None, jobs: int = 1, judged=None) -> Report:
    """Audit copy against spec tables; the Python entry point behind `specaudit audit`.

    Claims stream from their files; `jobs` > 1 judges them in that many processes (same
    report). `judged`, for other engines (specaudit.dask), maps (specs, options, claim
    paths) to (claim, results, sentences, mentions) in input order."""
    spec_objs: list[Spec] = []
    paths = []
    for s in specs:
        (spec_objs.append(s) if isinstance(s, Spec) else paths.append(s))
    if paths:
        spec_objs.extend(load_specs(paths))
    auditor = Auditor(spec_objs, options)
    claim_objs = [c for c in claims if isinstance(c, Claim)]
    claim_paths = [c for c in claims if not isinstance(c, Claim)]
    files = claim_files(claim_paths) if claim_paths else []
    results: list[Finding] = []
    n_claims = n_sentences = n_mentions = 0
    waivers, waiver_results = [], []
    stream = list(claim_objs)
    iterator = iter_claims(claim_paths) if claim_paths else iter(())
    rules = RuleRunner(options.rule_packs, auditor.lexicon, severities=options.severities)
    keep = _keep(options)
    # supported results are built only to be kept, or for rule packs that read them
    supported = options.include_supported or rules.reads_results
    if judged is not None:
        judgements = judged(spec_objs, options, claim_objs, claim_paths)
    elif jobs > 1:
        from .parallel import audit_parallel

        judgements = audit_parallel(spec_objs, options, chain(stream, iterator), jobs, auditor=auditor,
                                    supported=supported)
    else:
        judgements = ((c, *auditor.audit_claim(c, supported)) for c in chain(stream, iterator))
    for claim, found, s, m in judgements:
        if rules.reads_results:
            extra = rules.claim(claim, auditor.context_for(claim), found)
            results.extend(keep(rules.kept(found)))  # a fact rule (dates, lists) may take over a judged row
            results.extend(keep(extra))
        elif found:
            results.extend(keep(found))
        if claim.waivers:
            waiver_results.extend(waiver_findings(claim))  # kept out of the rule packs' view
            waivers.extend(claim_waivers(claim))
        n_claims += 1
        n_sentences += s
        n_mentions += m
        if progress is not None:
            progress(n_claims)
    results.extend(keep(rules.finish(results)))
    results.extend(waiver_results)
    results.sort(key=_order)
    return Report(
        version=__version__,
        results=tuple(results),
        specs=tuple(SpecSummary(s.source, s.model, s.trims, len(s.rows), s.sha256) for s in spec_objs),
        claim_files=tuple(files),
        claims=n_claims, sentences=n_sentences, mentions=n_mentions,
        fail_level=options.fail_level,
        created=_dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat(),
        spec_rows=tuple({"model": s.model, "section": r.section, "feature": r.feature,
                         "cells": {c.trim: c.raw for c in r.cells}} for s in spec_objs for r in s.rows),
        waivers=tuple(waivers),
    )


def glob_match(pattern: str, path: str) -> bool:
    """A POSIX path against a glob: `*` and `?` within a folder, `**` across folders; a
    pattern without wildcards matches the path itself and everything under it."""
    if not any(ch in pattern for ch in "*?["):
        pattern = pattern.rstrip("/")
        return path == pattern or path.startswith(pattern + "/")
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.fullmatch("".join(out), path) is not None


def _merged_verdict(verdicts: list[str]) -> str:
    if all(v == "unverifiable" for v in verdicts):
        return "unverifiable"
    if "contradicted" in verdicts:
        return "contradicted"
    if all(v in ("supported", "unverifiable") for v in verdicts):
        return "supported"
    return "unqualified"


def _keep(options: AuditOptions):
    if options.include_supported:
        return lambda found: found
    return lambda found: [f for f in found if f.verdict != "supported"]


def _order(f: Finding):
    return (f.source, f.line or 0, f.column or 0, f.record or "", f.feature, f.verdict)
