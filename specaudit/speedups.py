"""Which mention scan runs: the Cython-compiled copy of mentions.py, or the source itself.

setup.py compiles mentions.py, unchanged, into `specaudit._mentions_c` when the machine has a
C compiler (about 20% faster: see the README's performance section). Both are the same
code, so they find the same mentions (tests/test_speedups.py compares them). The compiled copy
is used only when it was built from the mentions.py installed beside it (same SHA-256): after
an edit to an editable install it is stale, and the source runs until `pip install` builds it
again. SPECAUDIT_PURE_PYTHON=1 runs the source regardless.
"""
from __future__ import annotations

import hashlib
import importlib
import os
from functools import lru_cache
from pathlib import Path

from . import mentions

PURE_PYTHON_ENV = "SPECAUDIT_PURE_PYTHON"


@lru_cache(maxsize=1)
def _compiled():
    """(the compiled module or None, why it is not used)."""
    if os.environ.get(PURE_PYTHON_ENV, "") not in ("", "0"):
        return None, f"{PURE_PYTHON_ENV} is set"
    return current_build()


def current_build():
    """(the compiled module when it was built from the mentions.py beside it, else None, why not)."""
    try:
        module = importlib.import_module("._mentions_c", __package__)
    except ModuleNotFoundError as exc:
        if exc.name != f"{__package__}._mentions_c":
            return None, f"cannot be loaded ({exc})"
        return None, "not built (the install had no C compiler, Python headers or Cython)"
    except ImportError as exc:  # e.g. built for another Python
        return None, f"cannot be loaded ({exc})"
    source = Path(mentions.__file__).read_bytes()
    if getattr(module, "SOURCE_SHA256", None) != hashlib.sha256(source).hexdigest():
        return None, "stale (mentions.py changed since it was built: pip install again)"
    return module, ""


def mention_index_class() -> type[mentions.MentionIndex]:
    """MentionIndex from the compiled copy when it is current, else from mentions.py."""
    module, _ = _compiled()
    return module.MentionIndex if module is not None else mentions.MentionIndex


def describe() -> str:
    """One line for the benchmark and `specaudit --version`: which scan runs, and why."""
    module, why = _compiled()
    return "compiled (Cython)" if module is not None else f"Python source ({why})"
