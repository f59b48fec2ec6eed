"""specaudit in pipelines: exit codes, the pre-commit hook, the example GitHub workflow,
and `--changed-since` for pull requests."""
from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import make_project, write
from specaudit.cli import _parser, main

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "specs" / "aion-ut-super.csv"
HOOKS = ROOT / ".pre-commit-hooks.yaml"
WORKFLOW = ROOT / "docs" / "github-actions.yml"


@pytest.fixture
def project(tmp_path, monkeypatch):
    return make_project(tmp_path, monkeypatch, {
        "claims/page.md": "# 埃安UT super\n\n全系标配倒车影像。\n",
        "claims/cs.jsonl": '{"id": "q1", "text": "全系标配自动紧急制动"}\n',
        "specaudit.yaml": "spec: [specs]\nclaims: [claims]\nformats: [json]\noutputs: {json: out.json}\n",
    })


def cli(*args, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "specaudit", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd)


# --------------------------------------------------------------------------- exit codes (CONTRACT.md)

def test_exit_0_when_nothing_fails(project):
    p = cli("audit", cwd=project)
    assert p.returncode == 0, p.stderr
    assert json.loads((project / "out.json").read_text(encoding="utf-8"))["summary"]["passed"] is True


def test_exit_1_on_findings_at_or_above_the_fail_level(project):
    write(project / "claims" / "page.md", "配备电动天窗。\n")
    p = cli("audit", cwd=project)
    assert p.returncode == 1, p.stderr
    assert cli("audit", "--fail-on", "never", cwd=project).returncode == 0


@pytest.mark.parametrize("args", [
    ("audit", "--format", "pdf"),                        # bad argument
    ("audit", "--spec", "specs/missing.csv"),            # missing input
    ("audit", "--changed-since", "no-such-ref"),         # not a git repository / unknown ref
    ("audit", "--output", "a", "--output", "b"),         # more outputs than formats
    ("baseline",),                                       # --reason required
    ("nosuchcommand",),
])
def test_exit_2_when_the_run_cannot_complete(project, args):
    p = cli(*args, cwd=project)
    assert p.returncode == 2, (p.stdout, p.stderr)
    assert "Traceback" not in p.stderr and p.stderr.strip()


# --------------------------------------------------------------------------- pre-commit

def test_pre_commit_hook_definition():
    hooks = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "specaudit")
    assert hook["entry"].split()[:2] == ["specaudit", "audit"]
    assert hook["language"] == "python"
    assert isinstance(hook["pass_filenames"], bool)
    files = re.compile(hook["files"])
    for name in ("claims/page.md", "claims/a.html", "cs.jsonl", "captions.csv", "specs/x.xlsx", "c.yaml"):
        assert files.search(name), name
    for name in ("setup.py", "img/roof.jpg", "Makefile"):
        assert not files.search(name), name
    assert {"id", "name", "entry", "language"} <= set(hook)


def _hook_command(staged: list[str]) -> list[str]:
    hook = next(h for h in yaml.safe_load(HOOKS.read_text(encoding="utf-8")) if h["id"] == "specaudit")
    argv = shlex.split(hook["entry"]) + list(hook.get("args", []))
    if hook["pass_filenames"]:
        argv += staged
    if shutil.which(argv[0]) is None:            # not installed as a script: run the module
        argv = [sys.executable, "-m", "specaudit", *argv[1:]]
    return argv


def test_pre_commit_hook_entry_runs(project):
    ok = subprocess.run(_hook_command(["claims/page.md"]), capture_output=True, text=True, cwd=project)
    assert ok.returncode == 0, ok.stderr
    assert "PASS" in ok.stdout
    write(project / "claims" / "page.md", "配备电动天窗。\n")
    bad = subprocess.run(_hook_command(["claims/page.md"]), capture_output=True, text=True, cwd=project)
    assert bad.returncode == 1, bad.stderr
    assert "电动天窗" in bad.stdout and "FAIL" in bad.stdout


# --------------------------------------------------------------------------- GitHub Actions

def _specaudit_commands(workflow: dict) -> list[list[str]]:
    commands = []
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            for line in step.get("run", "").replace("\\\n", " ").splitlines():
                line = re.sub(r"\$\{\{[^}]*\}\}", "EXPR", line)
                for part in re.split(r"&&|\|\||;|\|", line):
                    tokens = shlex.split(part)
                    if tokens and tokens[0] == "specaudit":
                        commands.append(tokens[1:])
    return commands


def test_github_workflow_parses_and_names_commands_that_exist():
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    steps = workflow["jobs"]["audit"]["steps"]
    commands = _specaudit_commands(workflow)
    assert commands
    parser = _parser()
    for argv in commands:
        try:
            args = parser.parse_args(argv)
        except SystemExit:  # argparse reports the unknown option or choice on stderr
            pytest.fail(f"the workflow runs `specaudit {' '.join(argv)}`, which the CLI rejects")
        assert args.command == "audit"
        assert "sarif" in args.format and "markdown" in args.format
        assert args.output[args.format.index("sarif")] == "specaudit.sarif"
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif"))
    assert upload["with"]["sarif_file"] == "specaudit.sarif"
    assert "always()" in upload["if"]
    assert any("GITHUB_STEP_SUMMARY" in s.get("run", "") and "summary.md" in s["run"] for s in steps)
    assert workflow["permissions"]["security-events"] == "write"


# --------------------------------------------------------------------------- --changed-since

def git(*args, cwd):
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false",
                    *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def repo(project):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    write(project / "claims" / "old.md", "配备电动天窗。\n")          # a known problem on main
    git("init", "-q", "-b", "main", cwd=project)
    git("add", "-A", cwd=project)
    git("commit", "-q", "-m", "base", cwd=project)
    return project


def audited(project: Path) -> set[str]:
    data = json.loads((project / "out.json").read_text(encoding="utf-8"))
    return {Path(r["source"]).name for r in data["results"]} | {Path(f).name for f in data["claim_files"]}


def test_changed_since_audits_only_changed_and_untracked_copy(repo):
    assert main(["audit", "--changed-since", "HEAD"]) == 0           # nothing changed: the old problem is not ours
    assert audited(repo) == set()
    write(repo / "claims" / "page.md", "# 埃安UT super\n\n全系标配倒车影像，也标配前排座椅通风。\n")   # modified
    write(repo / "claims" / "new.md", "全系标配倒车影像。\n")                                # untracked
    assert main(["audit", "--changed-since", "HEAD"]) == 1
    assert audited(repo) == {"page.md", "new.md"}
    git("add", "-A", cwd=repo)
    git("commit", "-q", "-m", "pr", cwd=repo)
    assert main(["audit", "--changed-since", "HEAD~1"]) == 1         # committed on the branch
    assert audited(repo) == {"page.md", "new.md"}


def test_changed_spec_rechecks_everything(repo):
    spec = repo / "specs" / SPEC.name
    spec.write_text(spec.read_text(encoding="utf-8") + "质保,道路救援,●,●,●\n", encoding="utf-8")
    assert main(["audit", "--changed-since", "HEAD"]) == 1
    assert audited(repo) == {"page.md", "cs.jsonl", "old.md"}


def test_changed_since_unknown_ref_is_exit_2(repo, capsys):
    assert main(["audit", "--changed-since", "no-such-branch"]) == 2
    assert "no-such-branch" in capsys.readouterr().err


def test_changed_since_outside_git_is_exit_2(project, capsys, monkeypatch):
    monkeypatch.chdir(project / "claims")
    if subprocess.run(["git", "rev-parse"], capture_output=True).returncode == 0:
        pytest.skip("the temporary folder is inside a git repository")
    assert main(["audit", "--changed-since", "HEAD"]) == 2
    assert "--changed-since" in capsys.readouterr().err
