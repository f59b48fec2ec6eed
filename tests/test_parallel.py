"""`--jobs N`: the claims are judged in N processes, and the report is the same as with one."""
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from specaudit.engine import AuditOptions, audit
from specaudit.parallel import audit_batch, batches, setup

ROOT = Path(__file__).resolve().parent.parent
SPEC = str(ROOT / "specs" / "aion-ut-super.csv")
TEXTS = ["全景天窗，通透敞亮", "标配LED大灯", "倒车影像全系标配", "Every trim has alloy wheels.", "这台车没有天窗",
         "买断Max版续航502公里", "前排座椅加热可选装", "租电版4.99万元起，每月3000公里基础里程", "全景天幕，抬头见星空"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("jobs") / "copy.jsonl"
    rng = random.Random(3)
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(2500):  # several batches
            fh.write(json.dumps({"id": f"r{i}", "text": rng.choice(TEXTS), "channel": rng.choice(["web", "app"])},
                                ensure_ascii=False) + "\n")
    return str(path)


def run(*args):
    return subprocess.run([sys.executable, "-m", "specaudit", "audit", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, encoding="utf-8")


@pytest.mark.parametrize("fmt", ["text", "csv"])
def test_jobs_2_output_is_byte_for_byte_the_output_of_jobs_1(corpus, fmt):
    common = ["--spec", SPEC, corpus, ROOT / "claims", "--format", fmt, "--output", "-", "--color", "never",
              "--no-baseline", "--all"]
    one, two = run(*common, "--jobs", "1"), run(*common, "--jobs", "2")
    assert one.returncode == two.returncode == 1, one.stderr + two.stderr
    assert one.stdout == two.stdout and len(one.stdout) > 1000


def test_api_jobs_gives_the_same_report(corpus):
    for include in (True, False):
        options = AuditOptions(include_supported=include)
        one = audit([SPEC], [corpus], options=options)
        two = audit([SPEC], [corpus], options=options, jobs=2)
        assert one.results == two.results and (one.claims, one.sentences, one.mentions) == (
            two.claims, two.sentences, two.mentions)
        assert include or all(f.verdict != "supported" for f in one.results)


def test_audit_batch_uses_one_auditor_per_process(corpus):
    from specaudit import parallel
    from specaudit.claims import iter_claims
    from specaudit.engine import Auditor
    from specaudit.specs import load_specs

    specs = load_specs([SPEC])
    setup(specs, AuditOptions())
    built = parallel.auditor()
    claims = list(iter_claims([corpus]))[:50]
    found = [f for chunk in batches(claims, 20) for f in audit_batch(chunk)]
    setup(specs, AuditOptions())
    assert parallel.auditor() is built  # built once, kept for every later batch
    fresh = Auditor(specs, AuditOptions())
    assert found == [f for c in claims for f in fresh.audit_claim(c)[0]]


def test_a_worker_that_cannot_set_up_reports_the_error(tmp_path):
    # a Pool whose initializer raises starts new workers forever; the error must come back
    # through the first task instead (run in a child, so that a hang fails the test, not the run)
    script = (
        "from specaudit.claims import iter_claims\n"
        "from specaudit.engine import AuditOptions\n"
        "from specaudit.errors import InputError\n"
        "from specaudit.parallel import audit_parallel\n"
        "from specaudit.specs import load_specs\n"
        f"specs = load_specs([{SPEC!r}])\n"
        f"options = AuditOptions(lexicon_files=({str(tmp_path / 'missing.yaml')!r},))\n"
        "claims = [c for c in iter_claims([" + repr(str(ROOT / "claims")) + "]) if c.text][:5]\n"
        "try:\n"
        "    list(audit_parallel(specs, options, claims, 2))\n"
        "except InputError as exc:\n"
        "    print('InputError:', exc)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "InputError:" in done.stdout and "missing.yaml" in done.stdout
