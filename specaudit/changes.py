"""`specaudit audit --changed-since REF`: audit only the copy a pull request touches.

The changed files are `git diff --name-only REF` (committed, staged and unstaged changes
against REF) plus untracked files. When a spec table (or a lexicon, or the config) changed,
every claim may read differently, so everything is re-checked.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

from .claims import claim_files
from .errors import InputError


def _git(args: list[str], cwd: Path | None = None) -> str:
    try:
        p = subprocess.run(["git", *args], capture_output=True, text=True, cwd=cwd, timeout=120)
    except OSError as exc:
        raise InputError(f"--changed-since needs git: {exc.strerror or exc}") from None
    except subprocess.TimeoutExpired:
        raise InputError(f"git {' '.join(args)} did not finish") from None
    if p.returncode != 0:
        msg = (p.stderr.strip().splitlines() or ["failed"])[-1]
        raise InputError(f"--changed-since: git {args[0]}: {msg}")
    return p.stdout


def changed_files(ref: str) -> set[Path]:
    """Absolute paths of the files changed since `ref`, plus untracked ones."""
    top = Path(_git(["rev-parse", "--show-toplevel"]).strip())
    try:
        _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], cwd=top)
    except InputError:
        raise InputError(f"--changed-since {ref}: no such commit, branch or tag in {top}"
                         " (fetch it first, e.g. actions/checkout with fetch-depth: 0)") from None
    names = _git(["diff", "--name-only", "--no-renames", ref, "--"], cwd=top).splitlines()
    names += _git(["ls-files", "--others", "--exclude-standard"], cwd=top).splitlines()
    return {(top / n).resolve() for n in names if n.strip()}


def _spec_files(specs: list[str]) -> set[Path]:
    out: set[Path] = set()
    for s in specs:
        p = Path(s)
        out.update(f.resolve() for f in p.rglob("*") if f.is_file()) if p.is_dir() else out.add(p.resolve())
    return out


def changed_claims(ref: str, specs: list[str], claims: list[str], extra: list[str] = ()) -> list[str]:
    """The claim files to audit: all of them if a spec (or lexicon/config) changed, else those changed."""
    changed = changed_files(ref)
    files = claim_files(claims) if claims else []
    if changed & (_spec_files(specs) | {Path(e).resolve() for e in extra}):
        return files
    return [f for f in files if Path(f).resolve() in changed]
