"""The command line: `specaudit audit | explain | lexicon`.

A user mistake (missing file, malformed table, bad option) is one line on stderr and exit
status 2, never a traceback; findings at or above the fail level exit 1.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
from .config import load_config
from .engine import AuditOptions, audit
from .errors import ExitStatus, InputError
from .findings import FAIL_LEVELS
from .render import DEFAULT_EXTENSIONS, FORMATS, renderer


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="specaudit", description="Check marketing copy against the official spec sheet.")
    p.add_argument("--version", action="version", version=f"specaudit {__version__}")
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


def _audit(args) -> int:
    config = load_config(args.config, discover=True)
    specs = args.spec or config.paths("spec")
    claims = args.claims or config.paths("claims")
    if len(args.output) > max(len(args.format), 1):
        raise InputError("more --output paths than --format options")
    formats = args.format or list(config.get("formats"))
    options = AuditOptions(
        lexicon_files=tuple(args.lexicon or config.paths("lexicon")),
        trim_aliases=config.get("trim_aliases"),
        fuzzy=not args.no_fuzzy and config.get("fuzzy"),
        fuzzy_threshold=args.fuzzy_threshold if args.fuzzy_threshold is not None else float(config.get("fuzzy_threshold")),
        fail_level=args.fail_on or config.get("fail_on"),
        severities=config.get("severities"),
    )
    report = audit(specs, claims, options=options)
    outputs = list(args.output)
    color = args.color == "always" or (args.color == "auto" and sys.stdout.isatty())
    for i, fmt in enumerate(formats):
        target = outputs[i] if i < len(outputs) else ("-" if fmt == "text" else None)
        if target is None:
            target = str(Path(config.get("output_dir")) / f"audit.{DEFAULT_EXTENSIONS.get(fmt, fmt)}")
        body = renderer(fmt)(report, include_supported=args.all, color=color and target == "-")
        _write(target, body)
    return int(report.exit_status())


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
