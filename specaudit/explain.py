"""`specaudit explain` and `specaudit lexicon`: how a sentence is read, how a spec is covered."""
from __future__ import annotations

from .context import label_forms
from .engine import AuditOptions, Auditor
from .judge import judge
from .model import Claim, Locator
from .specs import load_specs
from .units import format_value


def explain(text: str, spec_paths: list[str], lexicon_files: list[str] = ()) -> str:
    specs = load_specs(spec_paths)
    auditor = Auditor(specs, AuditOptions(lexicon_files=tuple(lexicon_files)))
    claim = Claim(text, Locator("<explain>", 1, 1))
    ctx = auditor.context_for(claim)
    out: list[str] = []
    if ctx.spec:
        out.append(f"spec: {ctx.spec.model} ({ctx.spec.source}); trims: {', '.join(ctx.spec.trims)}")
    for r in auditor.readings(claim):
        sentence = r.sentence
        out.append(f"\nsentence: {sentence.text}")
        out.append(f"  normalised: {r.norm.text}")
        for h in r.hits:
            s, e = r.norm.original_span(h.start, h.end)
            rows = ctx.rows_by_feature.get(h.feature_id)
            row = f"row {rows[0].feature!r}" if rows else "no spec row"
            out.append(f"  mention: {sentence.text[s:e]!r} [{s}:{e}] -> {h.feature_id} ({ctx.display_name(h.feature_id)}), "
                       f"{h.method} via alias {h.alias!r}, score {h.score:.0f}; {row}")
        for q in r.quantities:
            out.append(f"  figure: {q.raw!r} = {format_value(q.value, q.unit)} ({q.dimension})")
        for t in r.trim_refs:
            out.append(f"  trim: {t.text!r} -> {', '.join(t.trims)} ({t.how})")
        for c in r.cues:
            out.append(f"  cue: {c.text!r} ({c.kind})")
        if r.question:
            out.append("  a question: not a claim")
        for a in r.assertions:
            j = judge(a, ctx)
            what = a.polarity + (f" {a.comparator} {format_value(a.quantity.value, a.quantity.unit)}" if a.quantity else "")
            out.append(f"  claim: {ctx.display_name(a.feature_id)}: {what} on {', '.join(a.trims) or '-'} ({a.scope_how})")
            cells = "; ".join(f"{t}: {raw}" for t, raw in j.cells) or "-"
            out.append(f"    -> {j.verdict} [{j.rule}] cells {cells}")
            out.append(f"       {j.message}")
    return "\n".join(out) + "\n"


def coverage(spec_paths: list[str], lexicon_files: list[str] = ()) -> str:
    specs = load_specs(spec_paths)
    auditor = Auditor(specs, AuditOptions(lexicon_files=tuple(lexicon_files)))
    out = [f"lexicon: {len(auditor.lexicon)} features"]
    for ctx in auditor.contexts:
        if ctx.spec is None:
            continue
        out.append(f"\n{ctx.spec.model} ({ctx.spec.source}): {len(ctx.spec.rows)} rows")
        uncovered = []
        for row in ctx.spec.rows:
            fid = ctx.feature_of_row[row.feature]
            if fid.startswith("row:"):
                uncovered.append(row.feature)
                out.append(f"  {row.feature}: no lexicon feature; matched by its label {label_forms(row.feature)}")
            else:
                out.append(f"  {row.feature}: {fid} ({ctx.display_name(fid)})")
        shared = {fid: rows for fid, rows in ctx.rows_by_feature.items() if len(rows) > 1}
        out.append(f"  rows no alias covers: {len(uncovered)}" + (f" ({', '.join(uncovered)})" if uncovered else ""))
        for fid, rows in sorted(shared.items()):
            out.append(f"  several rows share {fid}: {', '.join(r.feature for r in rows)}")
        for form, owners in ctx.collisions:
            out.append(f"  colliding label alias {form!r}: {', '.join(owners)}")
    return "\n".join(out) + "\n"
