"""SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.

One reporting descriptor per (verdict, rule) pair that occurs, with help text and a default
level; one result per finding, with a physical location relative to the working directory
(`%SRCROOT%`) and a stable fingerprint (the baseline's: source, feature, verdict, normalised
sentence; never the line). Suppressed findings carry a SARIF suppression with the reason.
"""
from __future__ import annotations

import json
from pathlib import Path

from ..baseline import fingerprint, source_key
from ..findings import DEFAULT_SEVERITY, Report

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
FINGERPRINT_KEY = "specauditFingerprint/v1"

VERDICT_TEXT = {
    "supported": ("The spec backs the claim.",
                  "The spec backs the claim on every trim it speaks of."),
    "contradicted": ("The spec contradicts the claim.",
                     "The spec says the feature is absent, or the figure differs beyond rounding."),
    "unqualified": ("The claim is true on some trims only and does not say so.",
                    "The feature is optional or only on some trims, and the claim does not say so."),
    "unverifiable": ("The spec does not cover the claim.",
                     "The claim names a feature or figure the spec does not cover, so it cannot be checked."),
    "undisclosed": ("Required disclosure missing.",
                    "The copy triggers a disclosure rule (e.g. battery rental) without the required terms."),
    "inconsistent": ("Claims state the same fact differently.",
                     "Two claims (e.g. on two channels) state the same fact differently."),
    "prohibited": ("Prohibited wording.",
                   "Wording that a rule pack forbids (e.g. absolute terms under an advertising law)."),
}
RULE_TEXT = {
    "availability": "judged against the feature's availability cells (● standard, ○ optional, - absent)",
    "negation": "the copy denies a feature; judged against its availability cells",
    "figure": "a figure judged against the spec's value cells, converted to the row's unit, within rounding",
    "text": "a textual value judged against the spec's text cells",
    "coverage": "the spec has no row for the feature",
    "test-cycle": "a range or consumption figure quoted under a test cycle the spec row does not use",
    "waiver": "an inline waiver (specaudit-ignore) without a reason; it waives nothing",
}
HELP = {
    "contradicted": "Remove or correct the claim, or correct the spec if it is out of date.",
    "unqualified": "Name the trims the claim holds for, or say that the feature is optional.",
    "unverifiable": "Add the feature to the spec, or remove the claim until it can be checked.",
    "undisclosed": "Add the terms the disclosure rule requires next to the claim.",
    "inconsistent": "Make the channels say the same thing, matching the spec.",
    "prohibited": "Reword the claim without the forbidden terms.",
    "supported": "Nothing to do.",
}
WAIVE_HELP = ("To accept a finding, put `<!-- specaudit-ignore FEATURE: \"reason\" -->` on the line before "
              "the claim (or a `specaudit_ignore` record field), or record it with "
              "`specaudit baseline --reason \"...\"`.")


def rule_id(f) -> str:
    return f"{f.verdict}/{f.rule}" if f.rule else f.verdict


def _descriptor(f) -> dict:
    short, full = VERDICT_TEXT.get(f.verdict, (f.verdict, f.verdict))
    detail = RULE_TEXT.get(f.rule, f"rule {f.rule!r}" if f.rule else "")
    help_text = f"{HELP.get(f.verdict, '')} {WAIVE_HELP}".strip()
    return {
        "id": rule_id(f),
        "name": "".join(p.capitalize() for p in rule_id(f).replace("/", "-").split("-")),
        "shortDescription": {"text": short},
        "fullDescription": {"text": f"{full} ({detail})." if detail else full},
        "help": {"text": help_text, "markdown": f"**{f.verdict}**: {full}\n\n{help_text}"},
        "defaultConfiguration": {"level": LEVELS[DEFAULT_SEVERITY.get(f.verdict, "warning")]},
        "properties": {"tags": ["specaudit", f.verdict], "verdict": f.verdict, "rule": f.rule},
    }


def _location(f, cwd: Path) -> dict:
    key = source_key(f.source, cwd)
    path = Path(key)
    artifact = {"uri": path.as_uri()} if path.is_absolute() else {"uri": key, "uriBaseId": "%SRCROOT%"}
    physical: dict = {"artifactLocation": artifact}
    if f.line is not None and f.line >= 1:
        region: dict = {"startLine": f.line}
        if f.column is not None and f.column >= 1 and f.record is None:
            region["startColumn"] = f.column
            if f.match and "\n" not in f.match:
                region["endColumn"] = f.column + len(f.match)
        region["snippet"] = {"text": f.text}
        physical["region"] = region
    loc: dict = {"physicalLocation": physical}
    if f.record is not None:
        loc["logicalLocations"] = [{"name": str(f.record), "kind": "object"}]
    return loc


def _message(f) -> str:
    text = f"{f.verdict}: {f.feature} «{f.match}». {f.message}"
    if f.suggestion:
        text += f" → {f.suggestion}"
    return text


def sarif(report: Report, *, include_supported: bool = False) -> dict:
    cwd = Path.cwd()
    rows = report.results if include_supported else report.findings
    rules: dict[str, int] = {}
    descriptors = []
    results = []
    for f in rows:
        rid = rule_id(f)
        if rid not in rules:
            rules[rid] = len(descriptors)
            descriptors.append(_descriptor(f))
        result = {
            "ruleId": rid,
            "ruleIndex": rules[rid],
            "level": LEVELS.get(f.severity, "warning"),
            "message": {"text": _message(f)},
            "locations": [_location(f, cwd)],
            "partialFingerprints": {FINGERPRINT_KEY: fingerprint(f, cwd)},
            "properties": {k: v for k, v in {
                "verdict": f.verdict, "severity": f.severity, "feature": f.feature, "featureId": f.feature_id,
                "model": f.model, "trims": list(f.trims), "record": f.record, "match": f.match,
                "claimedValue": f.claimed_value, "specValue": f.spec_value, "suggestion": f.suggestion,
            }.items() if v not in (None, "", [])},
        }
        if f.suppressed:
            kind = "inSource" if f.suppressed.startswith("waiver:") else "external"
            result["suppressions"] = [{"kind": kind, "status": "accepted", "justification": f.suppressed}]
        results.append(result)
    driver = {"name": "specaudit", "version": report.version, "semanticVersion": report.version,
              "rules": descriptors}
    run = {
        "tool": {"driver": driver},
        "originalUriBaseIds": {"%SRCROOT%": {"uri": cwd.as_uri() + "/"}},
        "results": results,
        "columnKind": "unicodeCodePoints",
        "invocations": [{"executionSuccessful": True,
                         "properties": {"failLevel": report.fail_level, "passed": not report.failing()}}],
        "properties": {"summary": report.summary()},
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(report: Report, *, include_supported: bool = False, **_) -> str:
    return json.dumps(sarif(report, include_supported=include_supported), ensure_ascii=False, indent=2) + "\n"
