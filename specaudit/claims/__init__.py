"""Load marketing copy into Claims: records, paragraphs, captions and alt texts.

Formats (by extension, case-insensitive):

* ``.jsonl``: one JSON object per line, ``id`` and ``text`` required; streamed line by line.
* ``.csv``: a header with ``id`` and ``text``; UTF-8, UTF-8 with BOM or GB18030; streamed.
* ``.parquet``: columns ``id`` and ``text`` (the record fields of ``.jsonl``); streamed in
  record batches with pyarrow (the ``parquet`` extra); the locator's line is the row number.
* ``.md``: YAML front matter (``model``, ``channel``, ``kind``, ``lang``); every paragraph,
  list item, heading and table row is a claim; image alt texts and titles are ``alt`` claims;
  code fences, HTML comments, ``<script>``/``<style>`` and link targets are not copy.
* ``.txt``: every paragraph is a claim.
* ``.html`` / ``.htm``: the text of each block element, ``<img alt>`` and ``title`` attributes
  (``alt``), ``<figcaption>`` (``caption``); ``<meta name="specaudit:channel|model|lang">``.
* ``.yaml`` / ``.yml``: a caption list (strings, or mappings with ``text``), optionally wrapped
  in ``{channel:, model:, kind:, lang:, captions: [...]}``; kind defaults to ``caption``; a
  caption's ``id`` and other keys go to ``Claim.extra`` (``Locator.record`` is for records).

Every claim carries a Locator that points at the first character of its text in the original
file (1-based line and column, counted in characters). Records (``.jsonl``/``.csv``) give the
line of the record and no column. Markdown and text claims keep their lines as written (only
markup is blanked out with spaces), so a position inside the claim text maps back to the file
exactly; HTML and YAML claims are whitespace-collapsed / folded, so only their first character
is exact.

Everything that cannot be read raises InputError naming the file and, where it applies, the
line: a missing path, an unknown extension named explicitly, an undecodable file, malformed
JSON/YAML/front matter, a record without ``id`` or ``text``, a file without any claim, a folder
without any claim file.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import InputError
from ..model import Claim
from .captions import _read_yaml
from .common import KINDS, WAIVER_FIELD, _ext, parse_waiver  # noqa: F401 (public names)
from .html import _read_html
from .markdown import _read_md
from .parquet import parquet_claims
from .records import _read_csv, _read_jsonl
from .text import _read_txt

CLAIM_EXTENSIONS = (".jsonl", ".csv", ".parquet", ".md", ".txt", ".html", ".htm", ".yaml", ".yml")
STREAMED = (".jsonl", ".csv", ".parquet")


# --------------------------------------------------------------------------- public API

def claim_files(paths: Iterable[str | Path] | str | Path) -> list[str]:
    """The claim files that ``iter_claims(paths)`` reads, in the order it reads them.

    A file is taken as named (an unknown extension is an error). A folder is searched
    recursively; its files with a claim extension are taken in code-point order of their
    relative path (hidden files and folders, whose name starts with ".", are skipped); other
    files are not copy and are ignored. A file reached twice is read once.
    """
    out: list[str] = []
    seen: set[str] = set()
    for given in _as_list(paths):
        name = os.fspath(given)
        if not os.path.exists(name):
            raise InputError("no such file or folder", name)
        if os.path.isdir(name):
            found = _folder_files(name)
            if not found:
                raise InputError("no claim files in this folder (looked for "
                                 + ", ".join(CLAIM_EXTENSIONS) + ")", name)
        else:
            if _ext(name) not in CLAIM_EXTENSIONS:
                raise InputError(f"not a claims file: unknown extension {_ext(name) or '(none)'!r} "
                                 f"(expected one of {', '.join(CLAIM_EXTENSIONS)})", name)
            found = [name]
        for f in found:
            key = os.path.realpath(f)
            if key not in seen:
                seen.add(key)
                out.append(f)
    return out


def iter_claims(paths: Iterable[str | Path] | str | Path) -> Iterator[Claim]:
    """Stream the claims of files and folders, file by file, in ``claim_files`` order.

    All paths are checked before the first claim is produced. ``.jsonl``, ``.csv`` and
    ``.parquet`` are read record by record in bounded memory; other formats are read whole (up to 50 MB).
    Raises InputError (see the module docstring) as soon as a problem is met.
    """
    for path in claim_files(paths):
        count = 0
        for claim in _READERS[_ext(path)](path):
            count += 1
            yield claim
        if count == 0:
            raise InputError("no claims found in this file", path)


def load_claims(paths: Iterable[str | Path] | str | Path) -> list[Claim]:
    """``list(iter_claims(paths))``; an input that yields no claim at all is an InputError."""
    claims = list(iter_claims(paths))
    if not claims:
        raise InputError("no claims found: no claim files were given")
    return claims


# --------------------------------------------------------------------------- files

def _as_list(paths) -> list:
    if isinstance(paths, (str, os.PathLike)):
        return [paths]
    return list(paths)


def _folder_files(folder: str) -> list[str]:
    found: list[tuple[tuple[str, ...], str]] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for f in files:
            if f.startswith(".") or _ext(f) not in CLAIM_EXTENSIONS:
                continue
            full = os.path.join(root, f)
            rel = os.path.relpath(full, folder)
            found.append((tuple(Path(rel).parts), full))
    found.sort()
    return [full for _, full in found]


_READERS = {
    ".jsonl": _read_jsonl,
    ".csv": _read_csv,
    ".parquet": parquet_claims,
    ".md": _read_md,
    ".txt": _read_txt,
    ".html": _read_html,
    ".htm": _read_html,
    ".yaml": _read_yaml,
    ".yml": _read_yaml,
}
