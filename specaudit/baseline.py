"""Accepted findings: the baseline file and inline waivers, applied to a Report in one place.

* The **baseline** (`specaudit-baseline.yaml` at the project root, or the config's `baseline`)
  lists findings someone accepted: who, why, and until when. An entry is keyed by a
  fingerprint over the source path (relative to the project root), the feature, the verdict
  and the *normalised* sentence without whitespace, never the line number, so it survives the
  claim moving and the file being reflowed. `specaudit baseline` writes it; every audit reads it.
* **Inline waivers** are `<!-- specaudit-ignore sunroof: "why" -->` before a claim in
  Markdown/HTML, or a `specaudit_ignore: "sunroof: why"` record field (specaudit.claims reads them,
  the engine keeps them on the Report). A waiver without a reason waives nothing and is
  itself a finding (rule `waiver`, verdict `unverifiable`, severity `warning`).

`apply_suppressions(report)` stamps `suppressed="waiver: …"` / `"baseline: …"` on the
findings they cover; suppressed findings stay in the report (and in JSON) but do not fail
the run. An expired baseline entry suppresses nothing, and the run says so once on stderr.
"""
from __future__ import annotations

import datetime as _dt
import getpass
import hashlib
import os
import subprocess
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from .errors import InputError
from .findings import Report
from .model import Claim, Finding, Waiver
from .normalise import norm

DEFAULT_NAME = "specaudit-baseline.yaml"
ENTRY_KEYS = ("fingerprint", "feature", "verdict", "source", "text", "accepted_by", "reason", "expires")
WAIVER_RULE = "waiver"

_HEADER = """\
# specaudit baseline: findings accepted on review. `specaudit audit` reads this file and does
# not fail on the findings listed here (they are still reported, as suppressed).
# Add the current findings: specaudit baseline --reason "why" [--expires YYYY-MM-DD]
# Drop entries that no longer match: specaudit baseline --prune
"""


# --------------------------------------------------------------------------- fingerprints

def source_key(source: str, root: str | Path | None = None) -> str:
    """A finding's source as the baseline stores it: POSIX, relative to the project root."""
    root = Path(root) if root is not None else Path.cwd()
    path = Path(source)
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError):
        return path.as_posix()


def fingerprint(finding: Finding, root: str | Path | None = None) -> str:
    """sha256 over source (relative to root), feature, verdict and the normalised sentence."""
    sentence = "".join(norm(finding.text).split())
    key = "\x1f".join((source_key(finding.source, root), finding.feature, finding.verdict, sentence))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- the file

@dataclass(frozen=True)
class Entry:
    fingerprint: str
    feature: str
    verdict: str
    source: str
    text: str
    accepted_by: str
    reason: str
    expires: _dt.date | None = None

    def expired(self, today: _dt.date) -> bool:
        """From its expiry date on, an entry no longer suppresses."""
        return self.expires is not None and today >= self.expires

    def as_dict(self) -> dict:
        d = {k: getattr(self, k) for k in ENTRY_KEYS}
        if d["expires"] is None:
            del d["expires"]
        else:
            d["expires"] = d["expires"].isoformat()
        return d


def parse_date(value, where: str = "--expires", path: str | None = None) -> _dt.date:
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    try:
        return _dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InputError(f"{value!r} is not a date (YYYY-MM-DD)", path, where) from None


def load_baseline(path: str | Path) -> list[Entry]:
    """The entries of a baseline file; a missing file is an empty baseline."""
    path = Path(path)
    if not path.exists():
        return []
    source = str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read baseline: {exc.strerror or exc}", source) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(f"malformed YAML: {getattr(exc, 'problem', exc)}", source,
                         f"line {mark.line + 1}" if mark else None) from None
    if data is None:
        return []
    if isinstance(data, dict):
        unknown = sorted(set(data) - {"version", "entries"})
        if unknown:
            raise InputError(f"unknown key {unknown[0]!r} (known: entries, version)", source, f"key {unknown[0]}")
        data = data.get("entries") or []
    if not isinstance(data, list):
        raise InputError("a baseline is a list of entries (or a mapping with 'entries')", source)
    entries = []
    for i, item in enumerate(data):
        where = f"entry {i + 1}"
        if not isinstance(item, dict):
            raise InputError(f"an entry must be a mapping, not {type(item).__name__}", source, where)
        unknown = sorted(set(map(str, item)) - set(ENTRY_KEYS))
        if unknown:
            raise InputError(f"unknown key {unknown[0]!r} (known: {', '.join(ENTRY_KEYS)})", source, where)
        for key in ("fingerprint", "reason"):
            if not isinstance(item.get(key), str) or not item[key].strip():
                raise InputError(f"{key!r} is required and must be a non-empty string", source, where)
        for key in ("feature", "verdict", "source", "text", "accepted_by"):
            if item.get(key) is not None and not isinstance(item[key], (str, int, float)):
                raise InputError(f"{key!r} must be a string", source, where)
        expires = item.get("expires")
        entries.append(Entry(
            fingerprint=item["fingerprint"].strip(), feature=str(item.get("feature") or ""),
            verdict=str(item.get("verdict") or ""), source=str(item.get("source") or ""),
            text=str(item.get("text") or ""), accepted_by=str(item.get("accepted_by") or ""),
            reason=item["reason"].strip(),
            expires=parse_date(expires, f"{where} expires", source) if expires not in (None, "") else None))
    return entries


def write_baseline(path: str | Path, entries: list[Entry]) -> None:
    body = yaml.safe_dump({"version": 1, "entries": [e.as_dict() for e in entries]},
                          allow_unicode=True, sort_keys=False, width=100)
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_HEADER + body, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write baseline: {exc.strerror or exc}", str(path)) from None


def default_user() -> str:
    """Who accepts: git config user.name, else $USER, else the login name."""
    try:
        name = subprocess.run(["git", "config", "user.name"], capture_output=True, text=True,
                              timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        name = ""
    if name:
        return name
    try:
        return os.environ.get("USER") or getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name at all
        return "unknown"


# --------------------------------------------------------------------------- waivers

def claim_waivers(claim: Claim) -> list[Waiver]:
    """The Report's record of a claim's inline waivers (where they apply, and why)."""
    loc = claim.locator
    last = loc.line + claim.text.count("\n") if loc.line is not None else None
    return [Waiver(loc.source, loc.line, last, loc.record, target, reason) for target, reason in claim.waivers]


def waiver_findings(claim: Claim) -> list[Finding]:
    """A waiver without a reason is itself a finding: it waives nothing, and says so."""
    loc = claim.locator
    out = []
    for target, reason in claim.waivers:
        if reason.strip():
            continue
        out.append(Finding(
            verdict="unverifiable", severity="warning", rule=WAIVER_RULE, feature=target, feature_id=target,
            model=None, trims=(), source=loc.source, record=loc.record, line=loc.line, column=loc.column,
            text=claim.text, match=f"specaudit-ignore {target}", claimed_value=None, spec_value=None,
            message=f"The waiver for {target!r} gives no reason, so it waives nothing.",
            suggestion=f'Say why the finding is accepted: <!-- specaudit-ignore {target}: "reason" -->'
                       if loc.record is None else f'Give a reason: specaudit_ignore = "{target}: reason"',
            channel=loc.channel, kind=loc.kind))
    return out


def _waiver_covers(w: Waiver, f: Finding) -> bool:
    if not w.reason.strip() or f.rule == WAIVER_RULE or w.source != f.source:
        return False
    if w.record is not None:
        if f.record != w.record:
            return False
    elif w.line is not None and (f.line is None or not (w.line <= f.line <= (w.last_line or w.line))):
        return False
    if w.target == "*":
        return True
    target = norm(w.target)
    return target in {norm(f.feature_id), norm(f.feature_id.removeprefix("row:")), norm(f.feature), norm(f.rule)}


# --------------------------------------------------------------------------- applying

def _today(today: _dt.date | None) -> _dt.date:
    if today is not None:
        return today
    override = os.environ.get("SPECAUDIT_TODAY")  # for reproducible runs and tests
    return parse_date(override, "SPECAUDIT_TODAY") if override else _dt.date.today()


def _resolve(baseline, root):
    """(baseline path or None, project root) — discovered through the config when not given."""
    if baseline is None or root is None:
        from .config import load_config

        config = load_config(discover=True)
        if baseline is None:
            baseline = config.baseline_path()
        if root is None:
            root = config.root
    return (Path(baseline) if baseline not in (None, False) else None), Path(root)


def apply_suppressions(report: Report, baseline: str | Path | list[Entry] | None | bool = None, *,
                       root: str | Path | None = None, today: _dt.date | None = None,
                       warn=None) -> Report:
    """The report with inline waivers and baseline entries stamped on the findings they cover.

    `baseline`: a path, a list of entries, None (the project's baseline, found through the
    config like `specaudit audit` does) or False (waivers only). `root`: the project root the
    baseline's source paths are relative to (default: the config's folder, else the cwd).
    `warn(message)` receives the one notice about expired entries (default: stderr).
    """
    if isinstance(baseline, list):
        entries = baseline
        root = Path(root) if root is not None else _resolve(False, None)[1]
    else:
        path, root = _resolve(baseline, root)
        entries = load_baseline(path) if path is not None else []
    day = _today(today)
    by_print = {e.fingerprint: e for e in entries}
    expired_hits: dict[str, Entry] = {}
    results = []
    for f in report.results:
        if f.verdict == "supported" or f.suppressed:
            results.append(f)
            continue
        w = next((w for w in report.waivers if _waiver_covers(w, f)), None)
        if w is not None:
            results.append(replace(f, suppressed=f"waiver: {w.reason}"))
            continue
        entry = by_print.get(fingerprint(f, root)) if by_print else None
        if entry is not None and entry.expired(day):
            expired_hits[entry.fingerprint] = entry
            entry = None
        results.append(replace(f, suppressed=f"baseline: {entry.reason}") if entry is not None else f)
    if expired_hits:
        lines = [f"specaudit: warning: {len(expired_hits)} baseline entr{'y has' if len(expired_hits) == 1 else 'ies have'} "
                 "expired and no longer suppress:"]
        lines += [f"  {e.source}: {e.feature} ({e.verdict}), expired {e.expires.isoformat()}; "
                  f"accepted by {e.accepted_by or '?'}: {e.reason}" for e in expired_hits.values()]
        (warn or (lambda msg: print(msg, file=sys.stderr)))("\n".join(lines))
    return replace(report, results=tuple(results))


def update_baseline(report: Report, path: str | Path, *, root: str | Path, reason: str | None,
                    accepted_by: str | None = None, expires: _dt.date | None = None, prune: bool = False,
                    today: _dt.date | None = None) -> dict:
    """Record the report's unaccepted findings in the baseline file; with prune, drop entries
    that match no current finding. Returns counts: added, renewed, pruned, kept."""
    path = Path(path)
    entries = load_baseline(path)
    day = _today(today)
    current = {}
    for f in report.findings:
        if f.rule == WAIVER_RULE or (f.suppressed and f.suppressed.startswith("waiver:")):
            continue  # waived in the copy: accepted where the copy says so
        current.setdefault(fingerprint(f, root), f)
    known = {e.fingerprint: i for i, e in enumerate(entries)}
    todo = [fp for fp in current if fp not in known or entries[known[fp]].expired(day)]
    if todo and not (reason and reason.strip()):
        if not prune:
            raise InputError(f"{len(todo)} finding(s) to accept: --reason is required (say why they are acceptable)")
        todo = []
    counts = {"added": 0, "renewed": 0, "pruned": 0, "kept": 0}
    who = accepted_by or default_user()
    for fp in todo:
        f = current[fp]
        entry = Entry(fp, f.feature, f.verdict, source_key(f.source, root), f.text.strip(), who,
                      reason.strip(), expires)
        if fp in known:
            entries[known[fp]] = entry
            counts["renewed"] += 1
        else:
            entries.append(entry)
            counts["added"] += 1
    if prune:
        kept = [e for e in entries if e.fingerprint in current]
        counts["pruned"] = len(entries) - len(kept)
        entries = kept
    counts["kept"] = len(entries)
    write_baseline(path, entries)
    return counts
