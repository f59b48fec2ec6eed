"""`specaudit explain` and `specaudit lexicon`: how a reviewer sees why a sentence got its verdict."""
from __future__ import annotations

from pathlib import Path

from specaudit.cli import main

ROOT = Path(__file__).resolve().parents[1]
SPEC = str(ROOT / "specs" / "aion-ut-super.csv")


def test_explain_shows_every_step(capsys):
    assert main(["explain", "CLTC纯电续航430公里起，买断Max版最长可达502公里。", "--spec", SPEC]) == 0
    out = capsys.readouterr().out
    assert "normalised: cltc纯电续航430公里起,买断max版最长可达502公里。" in out
    assert "figure: '430公里' = 430 km (distance)" in out
    assert "trim: '买断max版' -> 买断Max版" in out
    assert "value min 430 km" in out and "value max 502 km on 买断Max版" in out
    assert out.count("-> supported") == 2


def test_explain_names_mentions_with_span_method_and_score(capsys):
    main(["explain", "全景天 窗设计，通透敞亮", "--spec", SPEC])
    out = capsys.readouterr().out
    assert "mention: '全景天 窗' [0:5] -> sunroof" in out and "score 100" in out
    assert "-> contradicted" in out and "电动天窗" in out


def test_explain_says_how_a_trim_was_resolved(capsys):
    main(["explain", "高配车型配备360度全景影像。", "--spec", SPEC])
    out = capsys.readouterr().out
    assert "'高配车型' -> 买断Max版" in out and "top trim" in out


def test_lexicon_lists_coverage_and_collisions(tmp_path, capsys):
    spec = tmp_path / "s.csv"
    spec.write_text("feature,A,B\n电动天窗,-,●\n神秘功能X,●,●\n后排神秘功能X,-,●\n"
                    "神秘时间(甲),1 s,2 s\n神秘时间(乙),3 s,4 s\n", encoding="utf-8")
    assert main(["lexicon", "--spec", str(spec)]) == 0
    out = capsys.readouterr().out
    assert "电动天窗: sunroof" in out
    assert "rows no alias covers: 4 (神秘功能X, 后排神秘功能X, 神秘时间(甲), 神秘时间(乙))" in out
    assert "colliding label alias '神秘时间'" in out
