"""Rule packs beyond features: disclosures, cross-channel consistency, prohibited wording.

The engine hands every claim and its feature results to a RuleRunner as the audit streams,
and asks it for its findings at the end (consistency needs every claim seen first).
"""
from __future__ import annotations

from ..model import Claim, Finding


class RuleRunner:
    """Runs the configured rule packs. (Packs arrive with the rule-pack work; none yet.)"""

    def __init__(self, packs: tuple[str, ...] = (), lexicon=None):
        self.packs = packs

    def claim(self, claim: Claim, ctx, results: list[Finding]) -> list[Finding]:
        """Findings that one claim raises on its own (e.g. prohibited wording)."""
        return []

    def finish(self, results: list[Finding]) -> list[Finding]:
        """Findings that need every claim (disclosures per document, cross-channel consistency)."""
        return []
