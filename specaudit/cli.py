"""The command line: `specaudit audit | baseline | init | explain | lexicon`.

A user mistake (missing file, malformed table, bad option) is one line on stderr and exit
status 2, never a traceback; findings at or above the fail level exit 1.
"""
from __future__ import annotations

import argparse
import dataclasses
import gc
import sys
from pathlib import Path

from . import __version__
from .config import load_config
from .engine import AuditOptions, audit
from .errors import ExitStatus, InputError
from .findings import FAIL_LEVELS
from .render import DEFAULT_EXTENSIONS, FORMATS, renderer
from .progress import for_stream


class _Version(argparse.Action):
    """--version, with which mention scan this install runs (a slow audit's first question)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, **kwargs):
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        from .speedups import describe

        sys.stdout.write(f"specaudit {__version__}\nmention scan: {describe()}\n")
        parser.exit()


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="specaudit", description="Check marketing copy against the official spec sheet.")
    p.add_argument("--version", action=_Version, help="show the version and which mention scan runs, and exit")
    sub = p.add_subparsers(dest="command", required=True)

    a = sub.add_parser("audit", help="audit copy against spec tables")
    a.add_argument("claims", nargs="*", help="copy files or folders (.md .txt .html .jsonl .csv .yaml)")
    a.add_argument("--spec", action="append", default=[], help="a spec table (CSV, XLSX, YAML, JSON); repeatable")
    a.add_argument("--format", action="append", default=[], choices=sorted(FORMATS), help="output format; repeatable")
    a.add_argument("--output", action="append", default=[], help="output path for each --format, in order ('-' = stdout)")
    a.add_argument("--all", action="store_true", help="also report the mentions the spec supports")
    a.add_argument("--fail-on", choices=FAIL_LEVELS, help="lowest severity that fails the run (default: error)")
    a.add_argument("--lexicon", action="append", default=[], help="extra lexicon file; repeatable")
    a.add_argument("--config", type=Path, help="project config file (default: found by walking up)")
    a.add_argument("--no-fuzzy", action="store_true", help="exact matching only")
    a.add_argument("--fuzzy-threshold", type=float, help="lowest fuzzy score (0-100) that counts")
    a.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    a.add_argument("--rules", action="append", default=[], help="rule pack name or path; repeatable")
    a.add_argument("--baseline", type=Path, help="baseline file (default: the config's, or specaudit-baseline.yaml "
                   "at the project root)")
    a.add_argument("--no-baseline", action="store_true", help="ignore the baseline file")
    a.add_argument("--jobs", type=int, default=1, metavar="N",
                   help="judge the claims in N processes on this machine (same report as 1)")
    a.add_argument("--engine", choices=("local", "dask"), default="local",
                   help="where to judge: this machine, or a Dask cluster (pip install specaudit[dask])")
    a.add_argument("--scheduler", metavar="ADDRESS",
                   help="Dask scheduler address for --engine dask (default: a local cluster)")
    a.add_argument("--changed-since", metavar="REF",
                   help="only the copy files changed since a git ref (all of them if a spec changed)")

    b = sub.add_parser("baseline", help="accept the current findings: record them in the baseline file")
    b.add_argument("claims", nargs="*", help="copy files or folders (default: the config's)")
    b.add_argument("--spec", action="append", default=[], help="a spec table; repeatable")
    b.add_argument("--lexicon", action="append", default=[], help="extra lexicon file; repeatable")
    b.add_argument("--rules", action="append", default=[], help="rule pack name or path; repeatable")
    b.add_argument("--config", type=Path, help="project config file (default: found by walking up)")
    b.add_argument("--no-fuzzy", action="store_true", help="exact matching only")
    b.add_argument("--fuzzy-threshold", type=float, help="lowest fuzzy score (0-100) that counts")
    b.add_argument("--baseline", type=Path, help="baseline file to write (default: the config's, or "
                   "specaudit-baseline.yaml at the project root)")
    b.add_argument("--reason", help="why these findings are acceptable (required to add entries)")
    b.add_argument("--by", help="who accepts them (default: git config user.name, else $USER)")
    b.add_argument("--expires", metavar="YYYY-MM-DD", help="from this day on the new entries no longer suppress")
    b.add_argument("--prune", action="store_true", help="drop entries that match no current finding")

    i = sub.add_parser("init", help="write a commented starter specaudit.yaml here")
    i.add_argument("--force", action="store_true", help="overwrite an existing specaudit.yaml")

    e = sub.add_parser("explain", help="show how a sentence is read and judged")
    e.add_argument("text")
    e.add_argument("--spec", action="append", default=[], required=True)
    e.add_argument("--lexicon", action="append", default=[])

    lx = sub.add_parser("lexicon", help="show how a spec's rows are covered by the lexicon")
    lx.add_argument("--spec", action="append", default=[])
    lx.add_argument("--lexicon", action="append", default=[])
    return p


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "audit":
            return _audit(args)
        if args.command == "baseline":
            return _baseline(args)
        if args.command == "init":
            from .config import write_starter

            path = write_starter(force=args.force)
            print(f"specaudit: wrote {path}; edit it, then run `specaudit audit`", file=sys.stderr)
            return ExitStatus.CLEAN
        if args.command == "explain":
            from .explain import explain

            print(explain(args.text, args.spec, args.lexicon), end="")
            return ExitStatus.CLEAN
        if args.command == "lexicon":
            from .explain import coverage

            print(coverage(args.spec, args.lexicon), end="")
            return ExitStatus.CLEAN
    except InputError as exc:
        print(f"specaudit: error: {exc}", file=sys.stderr)
        return ExitStatus.INPUT_ERROR
    except KeyboardInterrupt:
        print("specaudit: interrupted", file=sys.stderr)
        return ExitStatus.INPUT_ERROR
    return ExitStatus.INPUT_ERROR


def _inputs(args, config) -> tuple[list[str], list[str], AuditOptions]:
    """Specs, claims and options for `audit` and `baseline`: flags first, then the config."""
    specs = args.spec or config.paths("spec")
    if not args.spec and config.get("mappings"):  # mapped specs outside the `spec` folders
        known = {Path(s).resolve() for s in specs}
        specs += [m for m in config.mapped_specs()
                  if not any(Path(m).resolve() == k or k in Path(m).resolve().parents for k in known)]
    claims = args.claims or config.paths("claims")
    options = AuditOptions(
        lexicon_files=tuple(args.lexicon or config.paths("lexicon")),
        trim_aliases=config.get("trim_aliases"),
        fuzzy=not args.no_fuzzy and config.get("fuzzy"),
        fuzzy_threshold=args.fuzzy_threshold if args.fuzzy_threshold is not None else float(config.get("fuzzy_threshold")),
        fail_level=getattr(args, "fail_on", None) or config.get("fail_on"),
        severities=config.get("severities"),
        rule_packs=tuple(args.rules or config.get("rules")),
        mappings=config.mappings(),
    )
    return specs, claims, options


def _audit(args) -> int:
    from .baseline import apply_suppressions

    config = load_config(args.config, discover=True)
    specs, claims, options = _inputs(args, config)
    if len(args.output) > max(len(args.format), 1):
        raise InputError("more --output paths than --format options")
    formats = args.format or list(config.get("formats"))
    if args.changed_since:
        from .changes import changed_claims

        claims = changed_claims(args.changed_since, specs, claims, extra=[*options.lexicon_files, *(
            [str(config.path)] if config.path else [])])
        print(f"specaudit: {len(claims)} copy file(s) to audit (changed since {args.changed_since})", file=sys.stderr)
    progress = for_stream(sys.stderr)  # a progress line on a terminal, silent otherwise
    # Everything loaded so far (modules and their data, the config) lives for the whole audit, so
    # it is set aside from the cyclic collector, whose full passes would otherwise walk it again
    # and again while millions of claims stream through; given back when the audit is done (main()
    # may run in a longer-lived process).
    gc.freeze()
    try:
        options = dataclasses.replace(options, include_supported=args.all)
        if args.jobs < 1:
            raise InputError("--jobs must be 1 or more")
        if args.engine == "dask":
            from .dask import audit_dask

            report = audit_dask(specs, claims, options=options, scheduler=args.scheduler, progress=progress)
        else:
            report = audit(specs, claims, options=options, progress=progress, jobs=args.jobs)
    finally:
        gc.unfreeze()
        if progress is not None:
            progress.close()
    report = apply_suppressions(report, False if args.no_baseline else (args.baseline or config.baseline_path()),
                                root=config.root)
    outputs = list(args.output)
    color = args.color == "always" or (args.color == "auto" and sys.stdout.isatty())
    for i, fmt in enumerate(formats):
        target = outputs[i] if i < len(outputs) else (config.output_for(fmt) or ("-" if fmt in ("text", "github") else None))
        if target is None:
            target = str(Path(config.get("output_dir")) / f"audit.{DEFAULT_EXTENSIONS.get(fmt, fmt)}")
        body = renderer(fmt)(report, include_supported=args.all, color=color and target == "-")
        _write(target, body)
    return int(report.exit_status())


def _baseline(args) -> int:
    import datetime as dt

    from .baseline import apply_suppressions, parse_date, update_baseline

    if not (args.reason and args.reason.strip()) and not args.prune:
        raise InputError("--reason is required: say why the current findings are acceptable")
    config = load_config(args.config, discover=True)
    specs, claims, options = _inputs(args, config)
    expires = parse_date(args.expires) if args.expires else None
    if expires is not None and expires <= dt.date.today():
        raise InputError(f"--expires {expires.isoformat()} is not in the future")
    report = apply_suppressions(audit(specs, claims, options=options), False, root=config.root)  # waivers only
    path = args.baseline or config.baseline_path()
    counts = update_baseline(report, path, root=config.root, reason=args.reason, accepted_by=args.by,
                             expires=expires, prune=args.prune)
    print(f"specaudit: {path}: {counts['added']} added, {counts['renewed']} renewed, {counts['pruned']} pruned, "
          f"{counts['kept']} entries", file=sys.stderr)
    return ExitStatus.CLEAN


def _write(target: str, body: str | bytes) -> None:
    if target == "-":
        if isinstance(body, bytes):
            sys.stdout.buffer.write(body)
        else:
            sys.stdout.write(body)
        return
    path = Path(target)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(body, bytes):
            path.write_bytes(body)
        else:
            path.write_text(body, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write report: {exc.strerror or exc}", str(path)) from None
    print(f"specaudit: wrote {path}", file=sys.stderr)
