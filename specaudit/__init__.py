"""specaudit: check marketing copy against the official spec sheet before it goes live."""
__version__ = "0.1.0"

from .engine import AuditOptions, audit  # noqa: E402
from .baseline import apply_suppressions  # noqa: E402

__all__ = ["audit", "AuditOptions", "apply_suppressions", "__version__"]
