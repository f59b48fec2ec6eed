import json
import os
from pathlib import Path

import pytest

from specaudit.claims import claim_files, iter_claims, load_claims
from specaudit.errors import InputError
from specaudit.sentences import split_sentences

REPO = Path(__file__).resolve().parent.parent


def write(path: Path, text: str, encoding: str = "utf-8") -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return str(path)


def position(path: str, line: int, column: int, length: int) -> str:
    """The characters at (line, column) of a file: what a locator points at."""
    text = Path(path).read_text(encoding="utf-8-sig")
    return text.split("\n")[line - 1][column - 1:column - 1 + length]


def errors_of(paths) -> str:
    with pytest.raises(InputError) as info:
        load_claims(paths)
    return str(info.value)


# --------------------------------------------------------------------------- jsonl

def test_jsonl_records(tmp_path):
    p = write(tmp_path / "a.jsonl",
              '{"id": "r1", "text": "全系无天窗。", "channel": "faq", "kind": "faq", "model": "UT", '
              '"lang": "zh", "question": "有天窗吗", "rank": 2}\n'
              "\n"
              '{"id": 7, "text": "Range 430 km."}\n')
    claims = load_claims([p])
    assert [c.text for c in claims] == ["全系无天窗。", "Range 430 km."]
    a, b = claims
    assert (a.locator.source, a.locator.line, a.locator.column, a.locator.record) == (p, 1, None, "r1")
    assert (a.locator.kind, a.locator.channel, a.locator.model, a.lang) == ("faq", "faq", "UT", "zh")
    assert a.extra == (("question", "有天窗吗"), ("rank", "2"))
    # the blank line is skipped but counted: the second record is on line 3
    assert (b.locator.line, b.locator.record, b.locator.kind, b.locator.channel, b.lang) == (3, "7", "body", None, None)


def test_jsonl_is_streamed(tmp_path):
    p = write(tmp_path / "a.jsonl", '{"id": "1", "text": "好。"}\n{"id": "2", "text": "坏\n')
    stream = iter_claims([p])
    assert next(stream).text == "好。"  # produced before the broken line is read
    with pytest.raises(InputError) as info:
        next(stream)
    assert str(info.value).startswith(f"{p}:line 2: malformed JSON")


@pytest.mark.parametrize("line, message", [
    ('{"text": "无id"}', "line 2: record has no 'id'"),
    ('{"id": "x"}', "line 2: record x has no 'text'"),
    ('{"id": "x", "text": ["a"]}', "line 2: record x: 'text' must be a string"),
    ('["id", "text"]', "line 2: expected a JSON object"),
    ('{"id": "x", "text": "t", "kind": "banner"}', "line 2: unknown kind 'banner'"),
])
def test_jsonl_errors_name_file_and_line(tmp_path, line, message):
    p = write(tmp_path / "bad.jsonl", '{"id": "ok", "text": "好"}\n' + line + "\n")
    assert errors_of([p]).startswith(f"{p}:{message}")


@pytest.mark.parametrize("raw, message", [
    # the lines orjson refuses take json's path: they are refused there too, never skipped
    (b"\xef\xbb\xbfnull\n", "line 1: expected a JSON object, got NoneType"),
    (b'{"id": "a", "text": "x\\ud800y"}\n', "line 1: a string holds an unpaired surrogate escape"),
    (b'{"id": "a", "text": ' + b"[" * 5000 + b"]" * 5000 + b"}\n", "line 1: malformed JSON: nested too deeply"),
])
def test_jsonl_lines_only_json_reads_fail_closed(tmp_path, raw, message):
    p = tmp_path / "odd.jsonl"
    p.write_bytes(raw)
    assert errors_of([str(p)]).startswith(f"{p}:{message}")


def test_jsonl_blank_lines_and_a_bom_are_skipped(tmp_path):
    p = tmp_path / "blank.jsonl"
    p.write_bytes(b'\xef\xbb\xbf{"id": "a", "text": "\xe5\xa5\xbd"}\n\n   \n{"id": "b", "text": "ok"}\n')
    assert [(c.locator.record, c.locator.line) for c in iter_claims([str(p)])] == [("a", 1), ("b", 4)]


def test_jsonl_not_utf8(tmp_path):
    p = tmp_path / "gbk.jsonl"
    p.write_bytes('{"id": "1", "text": "好"}\n'.encode() + '{"id": "2", "text": "天窗"}\n'.encode("gb18030"))
    assert errors_of([str(p)]).startswith(f"{p}:line 2: not valid UTF-8")


# --------------------------------------------------------------------------- csv

def test_csv_utf8_bom_and_extra_columns(tmp_path):
    p = write(tmp_path / "c.csv",
              "\ufeffid,text,channel,kind,note\n"
              "c1,电动天窗开启实拍,caption,caption,图1\n"
              '"c2","多行\n说明, 含逗号",,alt,\n'
              ",,,,\n"
              "c3,LED大灯,caption,,\n")
    claims = load_claims([p])
    assert [(c.locator.record, c.locator.line, c.locator.column, c.locator.kind, c.locator.channel)
            for c in claims] == [("c1", 2, None, "caption", "caption"),
                                 ("c2", 3, None, "alt", None),
                                 ("c3", 6, None, "body", "caption")]
    assert claims[1].text == "多行\n说明, 含逗号"
    assert claims[0].extra == (("note", "图1"),)


def test_csv_gb18030(tmp_path):
    p = write(tmp_path / "gb.csv", "id,text,model\ng1,全景遮阳帘特写,埃安UT super\ng2,续航430公里,\n",
              encoding="gb18030")
    claims = load_claims([p])
    assert [c.text for c in claims] == ["全景遮阳帘特写", "续航430公里"]
    assert claims[0].locator.model == "埃安UT super" and claims[1].locator.model is None


def test_csv_undecodable(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_bytes(b"id,text\nx1,ok\nx2,\xff\xfe\xff\n")
    message = errors_of([str(p)])
    assert message.startswith(str(p)) and "neither UTF-8 nor GB18030" in message and "line 3" in message


def test_csv_errors(tmp_path):
    p = write(tmp_path / "h.csv", "id,caption\n1,天窗\n")
    assert errors_of([p]).startswith(f"{p}:line 1: the header must name columns 'id' and 'text'")
    p = write(tmp_path / "w.csv", "id,text\n1,好\n2,续航430km,价格89,900\n")
    assert errors_of([p]).startswith(f"{p}:line 3: row has 4 fields")
    p = write(tmp_path / "n.csv", "id,text\n1,好\n,没有编号\n")
    assert errors_of([p]).startswith(f"{p}:line 3: record has no 'id'")


# --------------------------------------------------------------------------- markdown

MD = """---
model: 埃安UT super
channel: product-page
lang: zh
---

# 标题：小车大空间 #

第一段第一句。第二句
  在下一行继续。全景天窗，抬头即是星空。

- 列表项一，标配倒车影像。
- [x] 勾选项
1. 有序项

> 引用的用户评价。

```
代码块里的天窗不是文案。
```

<!-- 备注：天窗图待替换
     第二行备注 -->
看图 ![全景天窗，抬头即是星空](img/roof.jpg "车顶实拍") 再看[配置表](https://x.cn/p)。

| 配置 | 租电版 |
|---|---|
| 天窗 | - |
"""


def test_markdown_claims_and_locators(tmp_path):
    p = write(tmp_path / "page.md", MD)
    claims = load_claims([p])
    got = [(c.locator.kind, c.locator.line, c.locator.column, c.text) for c in claims]
    assert [(k, ln, col) for k, ln, col, _ in got] == [
        ("body", 7, 3), ("body", 9, 1), ("body", 12, 3), ("body", 13, 7), ("body", 14, 4),
        ("body", 16, 3), ("body", 24, 1), ("alt", 24, 6), ("alt", 24, 33), ("body", 26, 3),
        ("body", 28, 3)]
    texts = [t for *_, t in got]
    assert texts[0] == "标题：小车大空间"
    assert texts[1] == "第一段第一句。第二句\n  在下一行继续。全景天窗，抬头即是星空。"
    assert texts[2:6] == ["列表项一，标配倒车影像。", "勾选项", "有序项", "引用的用户评价。"]
    assert texts[7:9] == ["全景天窗，抬头即是星空", "车顶实拍"]
    # the image and the link target are not body copy; the link text is
    assert "roof.jpg" not in texts[6] and "x.cn" not in texts[6] and "配置表" in texts[6]
    assert texts[6].startswith("看图") and texts[6].endswith("。")
    # blanked markup keeps every later character at its column
    assert texts[6].index("再看") == 39 and position(p, 24, 40, 2) == "再看"
    assert texts[9].split() == ["配置", "租电版"] and texts[10].split() == ["天窗", "-"]
    assert not any("代码块" in t or "备注" in t or "---" in t for t in texts)
    for c in claims:
        assert (c.locator.model, c.locator.channel, c.lang) == ("埃安UT super", "product-page", "zh")
        assert c.locator.record is None
        # every locator points at the first character of its claim in the file
        assert position(p, c.locator.line, c.locator.column, 2) == c.text[:2]


def test_markdown_sentence_on_continuation_line(tmp_path):
    p = write(tmp_path / "page.md", MD)
    para = load_claims([p])[1]
    sentences = split_sentences(para)
    assert [(s.text, s.locator.line, s.locator.column) for s in sentences] == [
        ("第一段第一句。", 9, 1), ("第二句", 9, 8), ("在下一行继续。", 10, 3),
        ("全景天窗，抬头即是星空。", 10, 10)]
    for s in sentences:
        assert position(p, s.locator.line, s.locator.column, 4) == s.text[:4]


def test_markdown_defaults_without_front_matter(tmp_path):
    p = write(tmp_path / "plain.md", "Just copy.\n")
    (c,) = load_claims([p])
    assert (c.locator.kind, c.locator.channel, c.locator.model, c.lang) == ("body", None, None, None)


def test_markdown_front_matter_errors(tmp_path):
    p = write(tmp_path / "bad.md", "---\nmodel: UT\nchannel: [unclosed\n---\n正文。\n")
    message = errors_of([p])
    assert message.startswith(f"{p}:line ") and "malformed front matter" in message
    line = int(message.split(":line ")[1].split(":")[0])
    assert line in (3, 4)  # the broken line, or the end of the block where YAML notices
    p = write(tmp_path / "open.md", "---\nmodel: UT\n正文。\n")
    assert errors_of([p]).startswith(f"{p}:line 1: front matter opened with '---' is never closed")
    p = write(tmp_path / "kind.md", "---\nkind: banner\n---\n正文。\n")
    assert "unknown kind 'banner'" in errors_of([p])


# --------------------------------------------------------------------------- txt

def test_txt_paragraphs(tmp_path):
    p = write(tmp_path / "a.txt", "\n  第一段，缩进两格。\n第一段第二行。\n\n\n第二段。\r\n")
    claims = load_claims([p])
    assert [(c.text, c.locator.line, c.locator.column, c.locator.kind) for c in claims] == [
        ("第一段，缩进两格。\n第一段第二行。", 2, 3, "body"), ("第二段。", 6, 1, "body")]


# --------------------------------------------------------------------------- html

HTML = """<!DOCTYPE html>
<html><head>
<meta name="specaudit:channel" content="community">
<meta name="specaudit:model" content="埃安UT super">
<title>标题里的天窗不是正文</title>
<style>.x::after { content: "全景天窗"; }</style>
<script>var s = "<p>电动天窗</p>";</script>
</head><body>
<div>开头文字
  <p>提车一个月，<b>续航</b>很满意&nbsp;&amp;&nbsp;省心。</p>
  尾巴文字</div>
<figure><img src="r.jpg"
     alt="  打开的电动天窗"><figcaption>海边兜风，<em>天窗</em>全开</figcaption></figure>
<p title="悬停提示">第一行<br>第二行</p>
<!-- 注释里的全景天窗 -->
<noscript><p>请开启脚本</p></noscript>
<ul><li>优点：空间大</li><li>缺点：没有ACC</ul>
<p>&nbsp; &#20840;景遮阳帘</p>
</body></html>
"""


def test_html_visible_text(tmp_path):
    p = write(tmp_path / "post.html", HTML)
    claims = load_claims([p])
    got = [(c.locator.kind, c.text) for c in claims]
    assert got == [
        ("body", "开头文字"),
        ("body", "提车一个月，续航很满意 & 省心。"),
        ("body", "尾巴文字"),
        ("alt", "打开的电动天窗"),
        ("caption", "海边兜风，天窗全开"),
        ("alt", "悬停提示"),
        ("body", "第一行"),
        ("body", "第二行"),
        ("body", "优点：空间大"),
        ("body", "缺点：没有ACC"),
        ("body", "全景遮阳帘"),
    ]
    for c in claims:
        assert (c.locator.channel, c.locator.model, c.locator.record) == ("community", "埃安UT super", None)


def test_html_locators_point_at_original_text(tmp_path):
    p = write(tmp_path / "post.html", HTML)
    by_text = {c.text: c.locator for c in load_claims([p])}
    assert (by_text["开头文字"].line, by_text["开头文字"].column) == (9, 6)
    assert (by_text["提车一个月，续航很满意 & 省心。"].line, by_text["提车一个月，续航很满意 & 省心。"].column) == (10, 6)
    assert (by_text["尾巴文字"].line, by_text["尾巴文字"].column) == (11, 3)
    alt = by_text["打开的电动天窗"]  # the alt attribute is on the tag's second line
    assert (alt.line, alt.column) == (13, 13)
    assert position(p, alt.line, alt.column, 7) == "打开的电动天窗"
    cap = by_text["海边兜风，天窗全开"]
    assert position(p, cap.line, cap.column, 4) == "海边兜风"
    assert position(p, by_text["悬停提示"].line, by_text["悬停提示"].column, 4) == "悬停提示"
    assert position(p, by_text["第二行"].line, by_text["第二行"].column, 3) == "第二行"
    # leading &nbsp; is skipped; the claim starts at the character reference for 全
    ent = by_text["全景遮阳帘"]
    assert position(p, ent.line, ent.column, 8) == "&#20840;"


# --------------------------------------------------------------------------- yaml

def test_yaml_caption_list_of_strings(tmp_path):
    p = write(tmp_path / "c.yaml", "# captions\n- 电动天窗开启实拍\n-   \"引号里的 LED 大灯\"\n- ''\n")
    claims = load_claims([p])
    assert [(c.text, c.locator.line, c.locator.column, c.locator.kind) for c in claims] == [
        ("电动天窗开启实拍", 2, 3, "caption"), ("引号里的 LED 大灯", 3, 6, "caption")]


def test_yaml_mapping_with_captions(tmp_path):
    p = write(tmp_path / "c.yml",
              "channel: caption\nmodel: 埃安UT super\ncaptions:\n"
              "  - 车侧45度\n"
              "  - id: k2\n    kind: alt\n    text: 全景天窗，抬头即是星空\n    photographer: 小王\n"
              "  - text: |\n      折行的说明文字\n      第二行\n    channel: store\n")
    claims = load_claims([p])
    assert [(c.text, c.locator.line, c.locator.column) for c in claims] == [
        ("车侧45度", 4, 5), ("全景天窗，抬头即是星空", 7, 11), ("折行的说明文字\n第二行", 10, 7)]
    assert [(c.locator.kind, c.locator.channel, c.locator.model) for c in claims] == [
        ("caption", "caption", "埃安UT super"), ("alt", "caption", "埃安UT super"),
        ("caption", "store", "埃安UT super")]
    assert claims[1].extra == (("id", "k2"), ("photographer", "小王"))
    assert claims[1].locator.record is None
    for c in claims:
        assert position(p, c.locator.line, c.locator.column, 3) == c.text[:3]


def test_yaml_errors(tmp_path):
    p = write(tmp_path / "bad.yaml", "- 好\n- [未闭合\n")
    assert errors_of([p]).startswith(f"{p}:line ") and "malformed YAML" in errors_of([p])
    p = write(tmp_path / "notext.yaml", "captions:\n  - id: a\n    kind: alt\n")
    assert errors_of([p]).startswith(f"{p}:line 2: caption has no 'text'")
    p = write(tmp_path / "wrong.yaml", "title: x\n")
    assert "'captions'" in errors_of([p])
    p = write(tmp_path / "unsafe.yaml", "- !!python/object/apply:os.system ['echo hi']\n")
    # composed, never constructed: the tag does nothing and the item is not a caption
    assert errors_of([p]).startswith(f"{p}:line 1: a caption must be a string or a mapping")


# --------------------------------------------------------------------------- files and folders

def test_folder_recursion_order_and_skipping(tmp_path):
    root = tmp_path / "copy"
    write(root / "b.txt", "B。\n")
    write(root / "a" / "z.md", "AZ。\n")
    write(root / "a.md", "A。\n")
    write(root / "c" / "d" / "e.jsonl", '{"id": "e", "text": "E。"}\n')
    write(root / "img.png", "not copy")
    write(root / "notes.docx", "not copy")
    write(root / ".hidden" / "x.md", "隐藏。\n")
    write(root / ".draft.md", "草稿。\n")
    files = claim_files([str(root)])
    rel = [os.path.relpath(f, root) for f in files]
    assert rel == ["a/z.md", "a.md", "b.txt", "c/d/e.jsonl"]
    assert files[0] == os.path.join(str(root), "a", "z.md")
    assert [c.text for c in load_claims([str(root)])] == ["AZ。", "A。", "B。", "E。"]
    # a single path is accepted as such; a file reached twice is read once
    assert claim_files(str(root)) == files
    again = claim_files([str(root / "a.md"), str(root)])
    assert [os.path.relpath(f, root) for f in again] == ["a.md", "a/z.md", "b.txt", "c/d/e.jsonl"]


def test_source_is_the_path_as_given(tmp_path, monkeypatch):
    write(tmp_path / "copy" / "x.txt", "文案。\n")
    monkeypatch.chdir(tmp_path)
    assert load_claims(["copy"])[0].locator.source == os.path.join("copy", "x.txt")
    assert load_claims([Path("copy/x.txt")])[0].locator.source == "copy/x.txt"


def test_path_errors(tmp_path):
    missing = str(tmp_path / "nope.md")
    assert errors_of([missing]) == f"{missing}: no such file or folder"
    unknown = write(tmp_path / "copy.docx", "x")
    assert errors_of([unknown]).startswith(f"{unknown}: not a claims file")
    empty = tmp_path / "empty"
    empty.mkdir()
    write(empty / "pic.png", "x")
    assert errors_of([str(empty)]).startswith(f"{empty}: no claim files in this folder")
    blank = write(tmp_path / "blank.md", "\n<!-- 只有注释 -->\n\n")
    assert errors_of([blank]) == f"{blank}: no claims found in this file"
    assert errors_of([]).startswith("no claims found")


def test_undecodable_text_file(tmp_path):
    p = tmp_path / "bad.md"
    p.write_bytes("第一行\n".encode() + b"\xff\xff\xff\n")
    message = errors_of([str(p)])
    assert message.startswith(f"{p}: cannot decode") and "line 2" in message


def test_gb18030_markdown_is_read(tmp_path):
    p = write(tmp_path / "gb.md", "---\nchannel: store\n---\n全系没有天窗。\n", encoding="gb18030")
    (c,) = load_claims([p])
    assert (c.text, c.locator.channel, c.locator.line) == ("全系没有天窗。", "store", 4)


def test_whole_file_formats_refuse_over_50_mb(tmp_path):
    p = tmp_path / "huge.txt"
    with open(p, "wb") as fh:
        fh.truncate(50 * 1024 * 1024 + 1)
    message = errors_of([str(p)])
    assert message.startswith(f"{p}: file is") and "50 MB" in message


# --------------------------------------------------------------------------- shipped examples

def test_shipped_examples(monkeypatch):
    monkeypatch.chdir(REPO)
    claims = load_claims(["claims"])
    sources = sorted({c.locator.source for c in claims})
    assert sources == ["claims/captions.csv", "claims/community-post.html",
                       "claims/customer-service.jsonl", "claims/product-page.md"]
    page = [c for c in claims if c.locator.source.endswith(".md")]
    assert all(c.locator.model == "埃安UT super" and c.locator.channel == "product-page" for c in page)
    assert 10 <= sum(len(split_sentences(c)) for c in page if c.locator.kind == "body") <= 20
    assert any("全景天窗" in c.text and c.locator.kind == "body" for c in page)
    assert any(c.text == "全景天窗，抬头即是星空" and c.locator.kind == "alt" for c in page)
    assert any("399" in c.text and "3000" not in c.text and "3,000" not in c.text for c in page)
    html = [c for c in claims if c.locator.source.endswith(".html")]
    assert {c.locator.kind for c in html} == {"body", "alt", "caption"}
    assert not any("track" in c.text or "content:" in c.text for c in html)
    service = [c for c in claims if c.locator.source.endswith(".jsonl")]
    assert {c.locator.channel for c in service} == {"faq", "store"}
    assert any(c.text.startswith("亲，全系没有天窗，也没有全景遮阳帘哦") and c.locator.channel == "faq"
               for c in service)
    assert any(c.text.startswith("这台车有全景遮阳帘的，就是没有天窗") and c.locator.channel == "store"
               for c in service)
    assert any("全国各地都能开票" in c.text for c in service)
    captions = [c for c in claims if c.locator.source.endswith(".csv")]
    assert 6 <= len(captions) <= 8 and any(c.text.startswith("电动天窗开启实拍") for c in captions)
    assert any(c.locator.kind == "alt" for c in captions)
    for c in claims:
        if c.locator.column is not None:
            assert position(c.locator.source, c.locator.line, c.locator.column, 1) == c.text[0]
