"""Benchmark for issue 7: matching and whole audits at catalogue scale.

    python bench/bench_matching.py            # the full run (~2-4 minutes on 2 cores)
    python bench/bench_matching.py --quick    # smaller corpora, same targets, same report

The workload is generated here with a fixed seed, nothing is downloaded:

* a lexicon of ~300 features x ~6 aliases, Chinese, English and mixed, 2-40 characters;
* 200,000 sentences of 20-80 characters, ~30% naming 1-3 aliases, some of them with a typo
  (a dropped letter "sunrof", a space inside a Chinese term "全景天 窗", a wrong character in a
  Chinese term, same-sounding or not), written as a text corpus of lines of 1-4 sentences;
* for the end-to-end run, JSON Lines claims with one sentence each, phrased with the built-in
  lexicon against the shipped spec (specs/aion-ut-super.csv).

Every figure is measured on one core, as CPU time of this process (best of 3), so that other
load on a shared machine does not count; the end-to-end audit runs as a child process with
--jobs 1 so that its CPU time and peak RSS can be read (wall time is printed beside). The
end-to-end target runs with `--rules none`: the feature checks at scale. The default rule packs
are timed on a smaller corpus, for information (they read each claim again, so they run at about
a quarter of that speed; their memory no longer grows with the corpus). Every target is printed with
the figure, the ratio and PASS/FAIL. The script exits 0 even when a target fails: it measures,
it does not gate (the test suite has no timing assertions).
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from specaudit.mentions import max_edits, _edit_cost  # noqa: E402
from specaudit.speedups import describe as _scan_build, mention_index_class  # noqa: E402
from specaudit.normalise import normalise, norm  # noqa: E402

try:
    from specaudit.mentions import plausible_typo as _plausible  # noqa: E402
except ImportError:  # pragma: no cover
    def _plausible(alias: str, window: str) -> bool:
        return True

SEED = 20251107

# ---------------------------------------------------------------------------------- vocabulary

# ~600 frequent Chinese characters, most frequent first (sampled with Zipf weights).
# The general part comes first (filler text draws from all of it, most frequent first); feature
# names draw from the domain part only, as real ones do ("座椅加热", not "的一是").
ZH_GENERAL = (
    "的一是不了人我在有他这为之大来以个中上们到说国和地也子时道出而要于就下得可你年生自会那后能对着事"
    "其里所去行过家十用发天如然作方成者多日都三小军二无同么经法当起与好看学进种将还分此心前面又定见只主"
    "没公从知全点已动新身工度两体机间力手实高正现提开长样气通常更比最品"
)
ZH_DOMAIN = (
    "车内外座椅灯门窗屏"
    "智能驾驶辅助安全续航充电池功率扭矩速度空调音响舒适科技设计空间视野感受体验驾乘尺寸配置标准版选装"
    "后排前排主驾副驾方向盘仪表导航语音控制远程钥匙无线快慢模式系统自适应巡航车道保持预警制动泊车影像"
    "雷达摄像头抬头显示氛围杂物储物行李箱尾门电动调节加热通风按摩记忆折叠放倒轮毂轮胎刹车悬架底盘转向"
    "助力能耗公里小时秒分钟千瓦时伏安元万价格保修年限终身质保里程换租买断版本入门高配顶配中配旗舰型号"
    "天窗幕帘遮阳玻璃隐私隔热静音降噪前大灯雾尾日间行车随动自动远近光感应雨刮后视镜折叠除霜加热座舱"
    "颜值造型线条流畅动感时尚年轻家庭城市通勤出行周末郊游露营装载灵活宽敞舒服平顺安静稳定省心放心贴心"
    "看见听见觉得喜欢适合推荐值得拥有享受带来提供支持满足实现升级更加非常真正全新首款领先超越极致卓越"
)
ZH_GENERAL = "".join(dict.fromkeys(ZH_GENERAL))
ZH_DOMAIN = "".join(c for c in dict.fromkeys(ZH_DOMAIN) if c not in ZH_GENERAL)
ZH_CHARS = ZH_GENERAL + ZH_DOMAIN

EN_CAR = ("heated seat seats front rear panoramic sunroof roof glass power electric adaptive cruise control "
          "lane keeping assist departure warning blind spot monitor monitoring camera parking sensor sensors "
          "head up display wireless charging charger phone mirror mirrors folding memory driver passenger "
          "ambient lighting light lights led headlights headlamps fog automatic climate zone air conditioning "
          "steering wheel leather alloy wheels tyres tires suspension brake braking emergency collision "
          "navigation voice assistant remote keyless entry start push button trunk tailgate cargo rack roof "
          "rails speaker speakers audio premium sound system battery range fast charge kilowatt motor torque "
          "acceleration top speed warranty lifetime rental subscription screen touchscreen instrument cluster "
          "ventilated massage lumbar support rain sensing wipers tinted privacy sunshade blind curtain").split()
EN_WORDS = ("the a and with for of to in on your every drive more comfort daily city trips family this new "
            "car model comes feels makes offers gives you all day long smooth quiet ride easy bright clear "
            "space room style modern design smart tech better best great value price today now from our "
            "customers love it really enjoy weekend road highway traffic safe simple ready when while").split()
EN_EXTRA = ("plus max pro ultra eco sport lux smart link view guard sense flex fit go zen"
            " matrix pixel aero hydra").split()
ACRONYMS = ["hud", "acc", "lka", "bsm", "led", "drl", "abs", "esp", "ota", "nfc", "usb", "aeb", "apa", "rcta"]
ZH_PUNCT_FREE = set("。！？；.!?;")


def zipf_weights(n: int, s: float = 1.0) -> list[float]:
    return [1.0 / (i + 1) ** s for i in range(n)]


class Gen:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.zh_w = zipf_weights(len(ZH_CHARS), 0.8)
        self.dom_w = zipf_weights(len(ZH_DOMAIN), 0.5)
        self.en_w = zipf_weights(len(EN_WORDS), 0.9)
        self.car_w = zipf_weights(len(EN_CAR), 0.6)

    def zh(self, n: int) -> str:
        """Filler: any character, the frequent ones most often."""
        return "".join(self.rng.choices(ZH_CHARS, self.zh_w, k=n))

    def zh_term(self, n: int) -> str:
        """A feature name: domain characters."""
        return "".join(self.rng.choices(ZH_DOMAIN, self.dom_w, k=n))

    def en_words(self, n: int) -> list[str]:
        r = self.rng
        return [r.choices(EN_CAR, self.car_w)[0] if r.random() < 0.10 else r.choices(EN_WORDS, self.en_w)[0]
                for _ in range(n)]


# ---------------------------------------------------------------------------------- lexicon

def make_lexicon(g: Gen, n_features: int = 300) -> dict[str, list[str]]:
    """feature id -> aliases (already in the normal form: lower case, no space between CJK)."""
    r = g.rng
    taken: set[str] = set()
    features: dict[str, list[str]] = {}

    def add(alias: str, out: list[str]) -> None:
        alias = alias.strip()
        if 2 <= len(alias) <= 40 and alias not in taken and not (set(alias) & ZH_PUNCT_FREE):
            taken.add(alias)
            out.append(alias)

    for i in range(n_features):
        out: list[str] = []
        goal = r.choice((5, 6, 6, 6, 7))
        tries = 0
        while len(out) < goal and tries < 100:
            tries += 1
            kind = r.random()
            if kind < 0.45:        # Chinese, 2-12 characters, mostly 3-6
                add(g.zh_term(r.choice((2, 3, 4, 4, 4, 5, 5, 6, 6, 7, 8, 10, 12))), out)
            elif kind < 0.85:      # English, 1-5 words, up to 40 characters
                words = [r.choice(EN_CAR) for _ in range(r.choice((1, 2, 2, 3, 3, 4, 5)))]
                if r.random() < 0.3:
                    words.insert(r.randrange(len(words) + 1), r.choice(EN_EXTRA))
                add(" ".join(words)[:40], out)
            elif kind < 0.93:      # an acronym
                add(r.choice(ACRONYMS) + (r.choice(("", "", " " + r.choice(EN_EXTRA), str(r.randrange(2, 9))))), out)
            else:                  # mixed: acronym + Chinese
                add(r.choice(ACRONYMS) + g.zh_term(r.choice((2, 3, 4))), out)
        features[f"f{i:03d}"] = out
    return features


def alias_table(features: dict[str, list[str]]) -> dict[str, set[str]]:
    table: dict[str, set[str]] = {}
    for fid, aliases in features.items():
        for a in aliases:
            table.setdefault(a, set()).add(fid)
    return table


def big_lexicon(g: Gen, base: dict[str, set[str]], n_aliases: int) -> dict[str, set[str]]:
    """A catalogue-sized lexicon: the base aliases plus generated product and feature names."""
    r = g.rng
    table = {a: set(ids) for a, ids in base.items()}
    i = 0
    while len(table) < n_aliases:
        i += 1
        kind = r.random()
        if kind < 0.5:
            a = g.zh_term(r.choice((4, 5, 6, 7, 8, 10, 12, 16)))
        elif kind < 0.9:
            a = " ".join(r.choice(EN_CAR + EN_EXTRA) for _ in range(r.choice((2, 3, 4, 5))))[:40]
            if r.random() < 0.5:
                a += f" {r.randrange(100, 9999)}"
        else:
            a = r.choice(ACRONYMS) + g.zh_term(r.choice((3, 4, 6)))
        table.setdefault(a, set()).add(f"x{i // 6:06d}")
    return table


# ---------------------------------------------------------------------------------- typos

def _homophones() -> dict[str, list[str]]:
    from pypinyin import lazy_pinyin

    by_sound: dict[str, list[str]] = {}
    for ch in ZH_CHARS:
        by_sound.setdefault(lazy_pinyin(ch)[0], []).append(ch)
    return {ch: [o for o in group if o != ch] for group in by_sound.values() for ch in group}


HOMOPHONES: dict[str, list[str]] = {}


def is_cjk_char(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff"


def make_typo(g: Gen, alias: str) -> tuple[str, str] | None:
    """(written form, kind) for a typo of `alias`, or None when the alias has no room for one."""
    r = g.rng
    zh_idx = [i for i, c in enumerate(alias) if is_cjk_char(c)]
    if len(zh_idx) >= 3:
        kind = r.choice(("space", "homophone", "wrong"))
        if kind == "space":
            pairs = [i for i in zh_idx[1:] if i - 1 in zh_idx]
            if pairs:
                i = r.choice(pairs)
                return alias[:i] + " " + alias[i:], "zh-space"
            return None
        i = r.choice(zh_idx)
        if kind == "homophone" and HOMOPHONES.get(alias[i]):
            return alias[:i] + r.choice(HOMOPHONES[alias[i]]) + alias[i + 1:], "zh-homophone"
        other = r.choice(ZH_CHARS)
        while other == alias[i] or other in HOMOPHONES.get(alias[i], ()):
            other = r.choice(ZH_CHARS)
        return alias[:i] + other + alias[i + 1:], "zh-wrong"
    letters = [i for i, c in enumerate(alias) if c.isascii() and c.isalpha()]
    if len(letters) >= 5:
        i = r.choice(letters[1:])  # keep the first letter: "sunrof", "panoramc"
        return alias[:i] + alias[i + 1:], "en-drop"
    return None


# ---------------------------------------------------------------------------------- corpus

class Planted:
    __slots__ = ("sentence", "start", "end", "feature", "alias", "written", "kind", "within")

    def __init__(self, sentence, start, end, feature, alias, written, kind, within):
        self.sentence, self.start, self.end = sentence, start, end
        self.feature, self.alias, self.written, self.kind, self.within = feature, alias, written, kind, within


def make_sentences(g: Gen, features: dict[str, list[str]], table: dict[str, set[str]], n: int,
                   typo_rate: float = 0.3) -> tuple[list[str], list[str], list[Planted]]:
    """(sentences, lines of the text corpus, planted aliases) — sentences end with 。 or '.'."""
    r = g.rng
    fids = list(features)
    sentences: list[str] = []
    planted: list[Planted] = []
    for si in range(n):
        zh = r.random() < 0.55
        target = r.randint(20, 79)
        parts: list[str] = []
        marks: list[tuple[int, str, str, str, str]] = []  # (part index, feature, alias, written, kind)
        n_alias = r.choice((1, 1, 2, 2, 3)) if r.random() < 0.30 else 0
        for _ in range(n_alias):
            fid = r.choice(fids)
            alias = r.choice(features[fid])
            written, kind = alias, "exact"
            if r.random() < typo_rate:
                t = make_typo(g, alias)
                if t:
                    written, kind = t
            if sum(len(m[2]) for m in marks) + len(written) > 60:
                continue  # keep the sentence within 80 characters
            marks.append((fid, alias, written, kind))
        body = sum(len(m[2]) for m in marks)
        room = max(4, target - body - 1)
        chunks = len(marks) + 1
        sizes = [max(1, room // chunks + r.randint(-2, 2)) for _ in range(chunks)]
        text = ""
        spans = []
        for c in range(chunks):
            if zh:
                filler = g.zh(sizes[c])
                if c and r.random() < 0.3:
                    filler = "，" + filler
            else:
                words = g.en_words(max(1, sizes[c] // 5))
                filler = " ".join(words)
            text += filler
            if c < len(marks):
                fid, alias, written, kind = marks[c]
                if not zh or not is_cjk_char(written[0]) or (text and not is_cjk_char(text[-1])):
                    text += " "
                start = len(text)
                text += written
                spans.append((start, start + len(written), fid, alias, written, kind))
                if not zh or not is_cjk_char(written[-1]):
                    text += " "
        text = text.strip()
        if not zh:
            text = text[0].upper() + text[1:]
        text = text[:80 - 1] if len(text) > 79 and not spans else text
        text += "。" if zh else "."
        sentences.append(text)
        for start, end, fid, alias, written, kind in spans:
            # locate the written form from the recorded start (strip removed at most one space)
            s = text.find(written, max(0, start - 2))
            if s < 0:
                continue
            if kind == "exact":
                within = True
            elif kind == "zh-space":
                within = True  # the normal form drops the space: an exact mention
            else:  # within the matcher's tolerance: its edit budget and its plausibility rule
                cost = _edit_cost(alias, norm(written))
                within = 0 < cost <= max_edits(alias) and _plausible(alias, norm(written))
            planted.append(Planted(si, s, s + len(written), fid, alias, written, kind, within))
    lines: list[str] = []
    i = 0
    while i < len(sentences):
        k = r.randint(1, 4)
        group = sentences[i:i + k]
        lines.append(" ".join(group))
        i += k
    return sentences, lines, planted


SPLIT = re.compile(r"(?<=[。！？；])|(?<=[.!?;])\s+")


def floor_pass(path: str) -> list[str]:
    """The floor: read the corpus, split it into sentences, lower-case them."""
    out: list[str] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            for s in SPLIT.split(line.rstrip("\n")):
                if s:
                    out.append(s.lower())
    return out


# ---------------------------------------------------------------------------------- measuring

class Table:
    def __init__(self):
        self.rows: list[tuple[str, str, str, str, bool | None]] = []

    def add(self, name: str, figure: str, target: str, ratio: str, ok: bool | None) -> None:
        self.rows.append((name, figure, target, ratio, ok))
        flag = "" if ok is None else ("PASS" if ok else "FAIL")
        print(f"  {flag:4}  {name:<44} {figure:>22}   target {target:<22} {ratio}", flush=True)


def best_of(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        t0 = time.process_time()  # CPU time: other load on the machine does not count against us
        fn()
        best = min(best, time.process_time() - t0)
    return best


def rate(n: int, seconds: float) -> str:
    return f"{n / seconds:,.0f} sent/s"


def overlap(a0: int, a1: int, b0: int, b1: int) -> bool:
    return a0 < b1 and b0 < a1


def quality(index, sentences: list[str], planted: list[Planted]):
    """Recall on planted typos within tolerance; precision of the fuzzy hits."""
    by_sentence: dict[int, list[Planted]] = {}
    for p in planted:
        by_sentence.setdefault(p.sentence, []).append(p)
    found_typo = 0
    want_typo = 0
    fuzzy_hits = 0
    fuzzy_good = 0
    by_kind: dict[str, list[int]] = {}
    for si, sentence in enumerate(sentences):
        n = normalise(sentence)
        hits = index.scan(n.text)
        spans = [(h, *n.original_span(h.start, h.end)) for h in hits]
        ps = by_sentence.get(si, [])
        for p in ps:
            if p.kind == "exact" or not p.within:
                continue
            want_typo += 1
            ok = any(h.feature_id == p.feature and overlap(s, e, p.start, p.end) for h, s, e in spans)
            found_typo += ok
            k = by_kind.setdefault(p.kind, [0, 0])
            k[0] += ok
            k[1] += 1
        for h, s, e in spans:
            if h.method != "fuzzy":
                continue
            fuzzy_hits += 1
            fuzzy_good += any(h.feature_id == p.feature and overlap(s, e, p.start, p.end) for p in ps)
    return found_typo, want_typo, fuzzy_good, fuzzy_hits, by_kind


def partial_ratio_baseline(sentences: list[str], aliases: list[str]) -> tuple[float, float]:
    """CPU seconds per sentence for rapidfuzz.fuzz.partial_ratio over every (sentence, alias)
    pair: called pair by pair, and in one rapidfuzz.process.cdist call (one core)."""
    from rapidfuzz import fuzz, process

    t0 = time.process_time()
    partial_ratio = fuzz.partial_ratio
    for s in sentences:
        for a in aliases:
            partial_ratio(a, s)
    loop = (time.process_time() - t0) / len(sentences)
    t0 = time.process_time()
    process.cdist(sentences, aliases, scorer=fuzz.partial_ratio, workers=1, dtype="uint8")
    return loop, (time.process_time() - t0) / len(sentences)


# ---------------------------------------------------------------------------------- end to end

E2E_PLAIN = ["这款车的设计很年轻，城市通勤非常省心", "周末带家人出去露营，空间足够宽敞", "The cabin is quiet and the ride is smooth",
             "客服会在工作日回复您的问题", "Our customers love it for daily city trips", "颜值在线，线条流畅，年轻人都喜欢",
             "提车流程简单，到店就能试驾", "It feels easy to park in town and relaxed on the highway"]
E2E_SUPPORTED = ["LED大灯", "铝合金轮毂", "后排座椅比例放倒", "多功能方向盘", "语音助手", "倒车影像", "手机APP远程控制",
                 "支持换电", "遮阳板化妆镜", "LED headlights", "voice assistant", "reversing camera", "alloy wheels"]
E2E_FINDING = ["全景天窗", "抬头显示HUD", "前排座椅通风", "panoramic sunroof"]


def make_claims_jsonl(path: str, n: int, seed: int) -> None:
    """n records, one sentence each: ~30% name a supported feature (some with a typo), 0.2% a
    feature the spec lists as absent (a finding), the rest plain copy."""
    r = random.Random(seed)
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            base = r.choice(E2E_PLAIN)
            x = r.random()
            if x < 0.002:
                feat = r.choice(E2E_FINDING)
                text = f"{feat}，{base}。" if not feat.isascii() else f"The {feat} is great. {base}."
            elif x < 0.30:
                feat = r.choice(E2E_SUPPORTED)
                if r.random() < 0.1 and len(feat) >= 5:
                    j = r.randrange(1, len(feat))
                    feat = feat[:j] + " " + feat[j:] if not feat.isascii() else feat[:j] + feat[j + 1:]
                text = f"标配{feat}，{base}。" if not feat.isascii() else f"Every trim has {feat}, {base.lower()}."
            else:
                text = base + ("。" if not base.isascii() else ".")
            fh.write(json.dumps({"id": f"r{i}", "text": text, "channel": "web"}, ensure_ascii=False) + "\n")


def run_audit(claims: str, out: str, jobs: int = 1, rules: bool = False) -> tuple[float, float, int, dict]:
    """Wall seconds, CPU seconds, peak RSS (KiB) of the child, and the report summary."""
    cmd = [sys.executable, "-m", "specaudit", "audit", "--spec", str(ROOT / "specs" / "aion-ut-super.csv"), claims,
           "--format", "json", "--output", out, "--jobs", str(jobs), "--config", os.devnull, "--no-baseline"]
    if not rules:
        cmd += ["--rules", "none"]
    # A small launcher starts the audit and reads its rusage: a child forked straight from this
    # (large) process would count this process's pages in its peak RSS.
    launcher = ("import json, resource, subprocess, sys, time\n"
                "t = time.perf_counter()\n"
                "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
                "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
                "print(json.dumps([p.returncode, time.perf_counter() - t, u.ru_utime + u.ru_stime, u.ru_maxrss,"
                " p.stderr.decode('utf-8', 'replace')]))\n")
    res = subprocess.run([sys.executable, "-c", launcher, *cmd], cwd=ROOT, capture_output=True, text=True, check=True)
    code, wall, cpu, maxrss, err = json.loads(res.stdout)
    if code not in (0, 1):
        raise SystemExit(f"audit failed ({code}): {err}")
    with open(out, encoding="utf-8") as fh:
        summary = json.load(fh)["summary"]
    return wall, cpu, maxrss, summary


# ---------------------------------------------------------------------------------- main

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller corpora (40k sentences, 200k e2e claims)")
    ap.add_argument("--skip-e2e", action="store_true", help="leave out the end-to-end audit runs")
    ap.add_argument("--seed", type=int, default=SEED)
    args = ap.parse_args(argv)

    n_sent = 40_000 if args.quick else 200_000
    n_e2e = 200_000 if args.quick else 1_000_000
    n_big = 200_000
    n_rules = 20_000  # the rule packs read each claim again (about a quarter of the speed): kept small
    repeat = 3

    print(f"specaudit matching benchmark  (seed {args.seed}{', quick' if args.quick else ''})")
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.processor() or _cpu_name()}, "
          f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f} at start")
    print(f"mention scan: {_scan_build()}")
    MentionIndex = mention_index_class()  # what an audit uses (speedups.py)

    g = Gen(args.seed)
    global HOMOPHONES
    HOMOPHONES = _homophones()
    features = make_lexicon(g, 300)
    table = alias_table(features)
    sentences, lines, planted = make_sentences(g, features, table, n_sent)
    n_aliases = len(table)
    lengths = [len(a) for a in table]
    n_zh = sum(1 for a in table if any(is_cjk_char(c) for c in a))
    print(f"workload: {len(features)} features, {n_aliases} aliases ({n_zh} with Chinese, {min(lengths)}-{max(lengths)} chars); "
          f"{len(sentences):,} sentences ({sum(map(len, sentences)) / len(sentences):.0f} chars avg), "
          f"{len({p.sentence for p in planted}) / len(sentences):.0%} with aliases, "
          f"{sum(1 for p in planted if p.kind != 'exact'):,} typos "
          f"({sum(1 for p in planted if p.kind != 'exact' and p.within):,} within tolerance)")

    tmp = tempfile.mkdtemp(prefix="specaudit-bench-")
    corpus = os.path.join(tmp, "corpus.txt")
    with open(corpus, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")

    # the workload's own objects (sentences, planted typos) are set aside from the cyclic
    # garbage collector, so that its passes over them are not timed as matching
    gc.collect()
    gc.freeze()
    t = Table()
    print()
    print("matching (MentionIndex, one core)")
    split = floor_pass(corpus)
    assert len(split) == len(sentences), (len(split), len(sentences))
    t_floor = best_of(lambda: floor_pass(corpus), repeat)
    t.add("floor: read + split + lower-case", rate(n_sent, t_floor), "(reference)", "1.0x floor", None)

    t0 = time.perf_counter()
    index = MentionIndex(table, fuzzy=True)
    t_build = time.perf_counter() - t0
    exact_index = MentionIndex(table, fuzzy=False)
    normalised = [normalise(s).text for s in sentences]

    def stage_full():
        scan = index.scan
        for s in sentences:
            scan(normalise(s).text)

    def stage_scan_only():
        scan = index.scan
        for s in normalised:
            scan(s)

    def stage_exact():
        scan = exact_index.scan_exact
        for s in normalised:
            scan(s)

    t_norm = best_of(lambda: [normalise(s) for s in sentences], repeat)
    t.add("normalise (NFKC, case, t2s, spaces, offsets)", rate(n_sent, t_norm), "(part of the next)",
          f"{t_norm / t_floor:.1f}x floor", None)
    t_full = best_of(stage_full, repeat)
    t.add("mentions exact+fuzzy (normalise + scan)", rate(n_sent, t_full), ">= 100,000 sent/s",
          f"{t_full / t_floor:.1f}x floor", n_sent / t_full >= 100_000)
    t.add("  ... and within 20x the floor", f"{t_full / t_floor:.1f}x floor", "<= 20x floor",
          f"{t_full / t_floor:.1f}x floor", t_full / t_floor <= 20)
    t_scan = best_of(stage_scan_only, repeat)
    t.add("  scan alone on normalised text", rate(n_sent, t_scan), "(information)", f"{t_scan / t_floor:.1f}x floor", None)
    t_exact = best_of(stage_exact, repeat)
    t.add("mentions exact-only (scan_exact)", rate(n_sent, t_exact), ">= 500,000 sent/s",
          f"{t_exact / t_floor:.1f}x floor", n_sent / t_exact >= 500_000)

    sub = sentences[:500 if args.quick else 1000]
    pr_loop, pr_cdist = partial_ratio_baseline([s.lower() for s in sub], list(table))
    ours = t_full / n_sent
    t.add(f"vs fuzz.partial_ratio on every pair ({len(sub)} sent.)", f"{1 / pr_loop:,.0f} sent/s",
          ">= 300x faster", f"{pr_loop / ours:,.0f}x faster", pr_loop / ours >= 300)
    t.add("  ... the same pairs in one process.cdist call", f"{1 / pr_cdist:,.0f} sent/s", "(information)",
          f"{pr_cdist / ours:,.0f}x faster", None)

    found, want, good, fz, by_kind = quality(index, sentences, planted)
    detail = ", ".join(f"{k} {a}/{b}" for k, (a, b) in sorted(by_kind.items()))
    t.add("fuzzy recall on typos within tolerance", f"{found / max(want, 1):.1%} ({found}/{want})", ">= 97%",
          detail, found / max(want, 1) >= 0.97)
    t.add("fuzzy precision", f"{good / max(fz, 1):.1%} ({good}/{fz})", ">= 80%", "", good / max(fz, 1) >= 0.80)
    t.add(f"index build ({n_aliases:,} aliases, exact+fuzzy)", f"{t_build * 1000:.0f} ms", "(information)", "", None)

    print()
    print(f"catalogue lexicon ({n_big:,} aliases)")
    big = big_lexicon(g, table, n_big)
    gc.collect()
    t0 = time.perf_counter()
    big_index = MentionIndex(big, fuzzy=False)
    t_big_build = time.perf_counter() - t0
    t.add("index build, exact", f"{t_big_build:.2f} s", "< 2 s", "", t_big_build < 2.0)

    def stage_big():
        scan = big_index.scan_exact
        for s in normalised:
            scan(s)

    t_big = best_of(stage_big, repeat)
    t.add("mentions exact-only, 200k aliases", rate(n_sent, t_big), ">= 350,000 sent/s",
          f"{t_big / t_floor:.1f}x floor", n_sent / t_big >= 350_000)
    del big_index
    gc.collect()
    t0 = time.perf_counter()
    big_fuzzy = MentionIndex(big, fuzzy=True)
    t_big_fuzzy = time.perf_counter() - t0
    t.add("index build, exact+fuzzy", f"{t_big_fuzzy:.2f} s", "(information)", "", None)

    def stage_big_fuzzy():
        scan = big_fuzzy.scan
        for s in normalised[: len(normalised) // 4]:
            scan(s)

    t_bf = best_of(stage_big_fuzzy, 1)
    t.add("mentions exact+fuzzy, 200k aliases", rate(len(normalised) // 4, t_bf), "(information)", "", None)
    del big_fuzzy, big
    gc.collect()

    if not args.skip_e2e:
        print()
        print("end to end: `specaudit audit`, one spec, JSON Lines, a child process (CPU time; wall in brackets)")
        claims1 = os.path.join(tmp, "claims-1x.jsonl")
        claims2 = os.path.join(tmp, "claims-2x.jsonl")
        make_claims_jsonl(claims1, n_e2e, args.seed)
        make_claims_jsonl(claims2, 2 * n_e2e, args.seed)
        out = os.path.join(tmp, "audit.json")
        wall, cpu, rss, summary = run_audit(claims1, out)
        n = summary["sentences"]
        t.add(f"audit {n:,} sentences (--rules none)", rate(n, cpu), ">= 30,000 sent/s",
              f"{cpu:.0f} s ({wall:.0f} s wall), {summary['findings']:,} findings", n / cpu >= 30_000)
        t.add("  peak RSS", f"{rss / 1024:,.0f} MiB", "<= 1024 MiB", "", rss / 1024 <= 1024)
        wall2, cpu2, rss2, summary2 = run_audit(claims2, out)
        n2 = summary2["sentences"]
        t.add(f"audit {n2:,} sentences (corpus doubled)", rate(n2, cpu2), "(information)",
              f"{cpu2:.0f} s ({wall2:.0f} s wall)", None)
        t.add("  peak RSS, doubled corpus", f"{rss2 / 1024:,.0f} MiB", "flat: <= 1.1x",
              f"{rss2 / rss:.2f}x the 1x run", rss2 <= 1.1 * rss)
        if (os.cpu_count() or 1) > 1:
            wallj, cpuj, rssj, summaryj = run_audit(claims1, out, jobs=2)
            t.add(f"audit {summaryj['sentences']:,} sentences, --jobs 2", rate(summaryj["sentences"], wallj),
                  "(information, wall)", f"{wallj:.0f} s wall", None)
        small = os.path.join(tmp, "claims-small.jsonl")
        make_claims_jsonl(small, n_rules, args.seed + 1)
        wallr, cpur, rssr, summaryr = run_audit(small, out, rules=True)
        t.add(f"audit {summaryr['sentences']:,} sentences, default rule packs", rate(summaryr["sentences"], cpur),
              "(information)", f"{cpur:.0f} s, {rssr / 1024:,.0f} MiB", None)
        os.unlink(small)
        for f in (claims1, claims2, out):
            os.unlink(f)
    os.unlink(corpus)
    os.rmdir(tmp)

    print()
    failed = [r for r in t.rows if r[4] is False]
    passed = [r for r in t.rows if r[4] is True]
    print(f"{len(passed)} targets PASS, {len(failed)} FAIL")
    return 0


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


if __name__ == "__main__":
    sys.exit(main())
