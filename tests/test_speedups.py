"""The compiled mention scan (setup.py builds mentions.py with Cython) finds what the source finds,
and is used only while it is current.

Locally the comparisons skip when the extension was not built (no C compiler); under CI=true
a missing or stale build fails, so CI proves that the install builds it and that it agrees.
"""
from __future__ import annotations

import hashlib
import json
import os
import random
import re
import subprocess
import sys
import types
from pathlib import Path

import pytest

from specaudit import mentions, speedups
from specaudit.normalise import normalise

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
import bench_matching as bench  # noqa: E402  (the benchmark's generator: aliases, typos, mixed scripts)


@pytest.fixture()
def compiled():
    module, why = speedups.current_build()  # whatever SPECAUDIT_PURE_PYTHON says
    if module is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the compiled mention scan is not in use under CI: {why}")
        pytest.skip(f"the compiled mention scan is not in use: {why}")
    return module


@pytest.fixture(autouse=True)
def _fresh_choice():
    speedups._compiled.cache_clear()
    yield
    speedups._compiled.cache_clear()


def _spans(index, texts):
    return [[(h.feature_id, h.start, h.end, h.alias, h.score, h.method) for h in index.scan(t)] for t in texts]


def test_the_compiled_scan_finds_what_the_source_finds(compiled):
    g = bench.Gen(7)
    bench.HOMOPHONES = bench._homophones()
    features = bench.make_lexicon(g, 120)
    table = bench.alias_table(features)
    sentences, _, planted = bench.make_sentences(g, features, table, 4000)
    assert sum(p.kind != "exact" for p in planted) > 300, "the corpus carries typos for the fuzzy stage"
    texts = [normalise(s).text for s in sentences]
    source = mentions.MentionIndex(table, fuzzy=True)
    built = compiled.MentionIndex(table, fuzzy=True)
    want = _spans(source, texts)
    assert sum(any(m[5] == "fuzzy" for m in found) for found in want) > 300
    assert _spans(built, texts) == want
    # the two share one value type, so their mentions compare equal, not just their fields
    assert built.scan(texts[0]) == source.scan(texts[0])


def test_the_compiled_scan_agrees_on_edge_text(compiled):
    table = {"全景天窗": {"sunroof"}, "panoramic sunroof": {"sunroof"}, "天幕": {"sunshade"},
             "heated seats": {"seat_heat"}, "座椅加热": {"seat_heat"}, "座椅通风": {"seat_vent"}}
    after_number = {"speakers": {"speakers"}, "扬声器": {"speakers"}, "mm long": {"length"}}
    rng = random.Random(3)
    alphabet = list("全景天窗幕慕座椅加热通风扬声器 panoramicsunrofheatdkl,.。、和+-12") + ["\x00", "\u3000", "😀"]
    texts = ["", " ", "panoramc sunroof", "全景天 窗", "座椅支持加热和通风", "heated seatss", "12 speakers",
             "12-speakers", "4,790 mm long", "12扬声器"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40))) for _ in range(3000)]
    source = mentions.MentionIndex(table, after_number, fuzzy=True)
    built = compiled.MentionIndex(table, after_number, fuzzy=True)
    def with_figures(index):  # number_ends: where each figure ends, as the reader passes them
        return [[(h.feature_id, h.start, h.end, h.alias, h.score, h.method)
                 for h in index.scan(t, {m.end() for m in re.finditer(r"[0-9]+", t)})] for t in texts]

    want = with_figures(source)
    assert all(want[6:10]), "figures with after-number aliases are found"
    assert with_figures(built) == want
    assert _spans(built, texts) == _spans(source, texts)


def test_the_audit_uses_the_compiled_scan_when_it_is_current(compiled, monkeypatch):
    from specaudit.context import build_context
    from specaudit.lexicon import load_lexicon

    monkeypatch.delenv(speedups.PURE_PYTHON_ENV, raising=False)
    assert type(build_context(None, load_lexicon()).index) is compiled.MentionIndex
    monkeypatch.setenv(speedups.PURE_PYTHON_ENV, "1")
    speedups._compiled.cache_clear()
    assert type(build_context(None, load_lexicon()).index) is mentions.MentionIndex


def test_an_audit_reports_the_same_with_either_scan(compiled, tmp_path):
    def audit(name, pure):
        env = dict(os.environ, **{speedups.PURE_PYTHON_ENV: "1" if pure else "0"})
        out = tmp_path / f"{name}.json"
        proc = subprocess.run([sys.executable, "-m", "specaudit", "audit", "claims", "--spec", "specs",
                               "--format", "json", "--output", str(out), "--all"],
                              cwd=ROOT, env=env, capture_output=True, text=True)
        assert proc.returncode in (0, 1), proc.stderr
        report = json.loads(out.read_text(encoding="utf-8"))
        report.pop("created")  # the one field that differs between two runs
        return report

    assert audit("source", pure=True) == audit("compiled", pure=False)


def test_a_stale_build_is_not_used(monkeypatch):
    # an edit to mentions.py after the build: the compiled copy no longer matches the source
    stale = types.ModuleType("specaudit._mentions_c")
    stale.SOURCE_SHA256 = "0" * 64
    stale.MentionIndex = object
    monkeypatch.setitem(sys.modules, "specaudit._mentions_c", stale)
    monkeypatch.delenv(speedups.PURE_PYTHON_ENV, raising=False)
    assert speedups.mention_index_class() is mentions.MentionIndex
    assert "stale" in speedups.describe()


def test_a_current_build_is_used(monkeypatch):
    current = types.ModuleType("specaudit._mentions_c")
    current.SOURCE_SHA256 = hashlib.sha256(Path(mentions.__file__).read_bytes()).hexdigest()
    current.MentionIndex = type("MentionIndex", (), {})
    monkeypatch.setitem(sys.modules, "specaudit._mentions_c", current)
    monkeypatch.delenv(speedups.PURE_PYTHON_ENV, raising=False)
    assert speedups.mention_index_class() is current.MentionIndex
    assert speedups.describe() == "compiled (Cython)"


def test_the_environment_can_ask_for_the_source(monkeypatch):
    monkeypatch.setenv(speedups.PURE_PYTHON_ENV, "1")
    assert speedups.mention_index_class() is mentions.MentionIndex
    assert speedups.PURE_PYTHON_ENV in speedups.describe()


def test_version_says_which_scan_runs():
    def version(pure):
        proc = subprocess.run([sys.executable, "-m", "specaudit", "--version"], capture_output=True, text=True,
                              env=dict(os.environ, **{speedups.PURE_PYTHON_ENV: "1" if pure else "0"}))
        assert proc.returncode == 0 and proc.stderr == ""
        return proc.stdout.splitlines()[1]

    assert version(pure=True) == f"mention scan: Python source ({speedups.PURE_PYTHON_ENV} is set)"
    module, why = speedups.current_build()  # (this process may have SPECAUDIT_PURE_PYTHON set)
    assert version(pure=False) == "mention scan: " + ("compiled (Cython)" if module else f"Python source ({why})")


def _project_copy(tmp_path: Path) -> Path:
    """What setup.py needs, in a scratch folder (its build writes there)."""
    for name in ("pyproject.toml", "setup.py", "README.md"):
        (tmp_path / name).write_bytes((ROOT / name).read_bytes())
    for path in (ROOT / "specaudit").rglob("*.py"):
        target = tmp_path / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    return tmp_path


def _build_without_a_compiler(project: Path) -> str:
    pytest.importorskip("Cython")
    env = dict(os.environ, CC="false", LDSHARED="false")
    proc = subprocess.run([sys.executable, "setup.py", "build_ext", "--inplace"], cwd=project, env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not list((project / "specaudit").glob("_mentions_c*.so")), "no compiler, no extension"
    return proc.stdout + proc.stderr


def test_an_install_without_a_c_compiler_still_builds(tmp_path):
    # CC=false: the compile fails and the extension is skipped (optional), the build goes on
    output = _build_without_a_compiler(_project_copy(tmp_path))
    assert 'building extension "specaudit._mentions_c" failed' in output, "tried, then skipped"


def test_source_that_cython_cannot_translate_still_installs(tmp_path):
    # valid Python that Cython refuses (a name deleted while a nested function uses it)
    project = _project_copy(tmp_path)
    with open(project / "specaudit" / "mentions.py", "a", encoding="utf-8") as fh:
        fh.write("\n\ndef _untranslatable():\n    x = 1\n\n    def inner():\n        return x\n    del x\n")
    output = _build_without_a_compiler(project)
    assert "Cython could not translate mentions.py" in output
