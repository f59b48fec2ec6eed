"""Same inputs, same report, byte for byte (the creation time aside)."""
from __future__ import annotations

from pathlib import Path

from specaudit import audit
from specaudit.render import renderer

ROOT = Path(__file__).resolve().parents[1]


def _render(fmt: str) -> bytes:
    report = audit(specs=[ROOT / "specs" / "aion-ut-super.csv"], claims=[ROOT / "claims"])
    body = renderer(fmt)(report, include_supported=True)
    body = body if isinstance(body, bytes) else body.encode("utf-8")
    return body.replace(report.created.encode("utf-8"), b"<created>")


def test_json_and_html_reports_are_byte_for_byte_stable():
    for fmt in ("json", "html", "sarif", "csv", "markdown"):
        assert _render(fmt) == _render(fmt), fmt


def test_stable_across_processes_and_hash_seeds(tmp_path):
    """Set and dict order must not leak into reports: two processes with different hash seeds."""
    import json
    import os
    import subprocess
    import sys

    # a typo as close to two aliases of one feature ("alloy wheel", "alloy wheels") as to each
    # other: which one a report names once followed set order
    ties = tmp_path / "ties.jsonl"
    ties.write_text('{"id": "t1", "text": "Every trim has alloy whees, our customers love it."}\n', encoding="utf-8")
    outputs = []
    for seed in ("1", "2", "3", "6"):
        out = tmp_path / f"audit-{seed}.json"
        env = dict(os.environ, PYTHONHASHSEED=seed)
        subprocess.run([sys.executable, "-m", "specaudit", "audit", "--spec", "specs/aion-ut-super.csv", "claims",
                        str(ties), "--format", "json", "--output", str(out), "--all"], cwd=ROOT, env=env,
                       capture_output=True)
        data = json.loads(out.read_text(encoding="utf-8"))
        data.pop("created")
        outputs.append(json.dumps(data, ensure_ascii=False, sort_keys=False))
    assert "alloy whees" in outputs[0]
    assert all(output == outputs[0] for output in outputs)
