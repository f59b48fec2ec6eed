"""The finished audit: findings plus what was audited. Formatters take this value and nothing else."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .errors import ExitStatus
from .model import Finding

VERDICTS = ("supported", "contradicted", "unqualified", "unverifiable",
            "undisclosed", "inconsistent", "prohibited")
SEVERITIES = ("info", "warning", "error")
DEFAULT_SEVERITY = {
    "supported": "info",
    "contradicted": "error",
    "unqualified": "error",
    "unverifiable": "warning",
    "undisclosed": "error",
    "inconsistent": "error",
    "prohibited": "error",
}
FAIL_LEVELS = ("error", "warning", "info", "never")


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity)


def at_or_above(severity: str, fail_level: str) -> bool:
    if fail_level == "never":
        return False
    return severity_rank(severity) >= severity_rank(fail_level)


@dataclass(frozen=True)
class SpecSummary:
    """A spec table as the report header shows it."""

    source: str
    model: str
    trims: tuple[str, ...]
    rows: int
    sha256: str


@dataclass(frozen=True)
class Report:
    version: str
    results: tuple[Finding, ...]          # every judged pair, supported ones included
    specs: tuple[SpecSummary, ...] = ()
    claim_files: tuple[str, ...] = ()
    claims: int = 0
    sentences: int = 0
    mentions: int = 0
    fail_level: str = "error"
    created: str = ""                     # ISO timestamp; the only non-deterministic field
    spec_rows: tuple[dict, ...] = field(default=())  # every spec row: {model, section, feature, cells:{trim: raw}}
    waivers: tuple = field(default=())    # model.Waiver: inline waivers in the copy, applied by baseline.apply_suppressions

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Results that are problems: everything but `supported`."""
        return tuple(f for f in self.results if f.verdict != "supported")

    def counts_by_verdict(self) -> dict[str, int]:
        c = Counter(f.verdict for f in self.results)
        return {v: c[v] for v in VERDICTS if c[v]}

    def counts_by_severity(self, include_supported: bool = False) -> dict[str, int]:
        rows = self.results if include_supported else self.findings
        c = Counter(f.severity for f in rows if not f.suppressed)
        return {s: c[s] for s in SEVERITIES if c[s]}

    def failing(self, fail_level: str | None = None) -> tuple[Finding, ...]:
        level = fail_level or self.fail_level
        return tuple(f for f in self.findings if not f.suppressed and at_or_above(f.severity, level))

    def exit_status(self, fail_level: str | None = None) -> ExitStatus:
        return ExitStatus.FINDINGS if self.failing(fail_level) else ExitStatus.CLEAN

    def summary(self) -> dict:
        return {
            "claims": self.claims,
            "sentences": self.sentences,
            "mentions": self.mentions,
            "findings": len(self.findings),
            "suppressed": sum(1 for f in self.findings if f.suppressed),
            "by_verdict": self.counts_by_verdict(),
            "by_severity": self.counts_by_severity(),
            "fail_level": self.fail_level,
            "passed": not self.failing(),
        }

    def as_dict(self, include_supported: bool = True) -> dict:
        rows = self.results if include_supported else self.findings
        return {
            "specaudit_version": self.version,
            "created": self.created,
            "specs": [
                {"source": s.source, "model": s.model, "trims": list(s.trims), "rows": s.rows, "sha256": s.sha256}
                for s in self.specs
            ],
            "claim_files": list(self.claim_files),
            "summary": self.summary(),
            "results": [f.as_dict() for f in rows],
        }

    def to_frame(self):
        """The results as a pandas DataFrame, one row per result (pandas imported lazily)."""
        import pandas as pd

        records = []
        for f in self.results:
            r = f.as_dict()
            r["trims"] = ", ".join(r["trims"])
            r["spec_cells"] = "; ".join(f"{k}: {v}" for k, v in r["spec_cells"].items())
            records.append(r)
        return pd.DataFrame.from_records(records, columns=RESULT_COLUMNS)


RESULT_COLUMNS = ("verdict", "severity", "rule", "feature", "feature_id", "model", "trims", "source",
                  "record", "line", "column", "text", "match", "claimed_value", "spec_value",
                  "message", "suggestion", "score", "channel", "kind", "spec_cells", "suppressed")
