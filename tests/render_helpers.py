"""Reports built by hand for the formatter tests: small, fixed, and covering the awkward cases."""
from __future__ import annotations

from specaudit.findings import Report, SpecSummary
from specaudit.model import Finding

TRIMS = ("租电版", "买断版", "买断Max版")
SPEC_ROWS = (
    {"model": "埃安UT super", "section": "外观", "feature": "电动天窗", "cells": {"租电版": "-", "买断版": "-", "买断Max版": "-"}},
    {"model": "埃安UT super", "section": "外观", "feature": "全景遮阳帘", "cells": {"租电版": "-", "买断版": "-", "买断Max版": "-"}},
    {"model": "埃安UT super", "section": "座椅", "feature": "前排座椅加热", "cells": {"租电版": "○ ¥1,500", "买断版": "○ ¥1,500", "买断Max版": "●"}},
    {"model": "埃安UT super", "section": "续航", "feature": "CLTC纯电续航里程", "cells": {"租电版": "430 km", "买断版": "430 km", "买断Max版": "502 km"}},
)
XSS_SCRIPT = "<script>window.pwned=1</script>全景天窗"
XSS_IMG = '<img src=x onerror="window.pwned=1">前排座椅加热'
XSS_CHANNEL = '</script><script>window.pwned=2</script>"><b>'


def finding(verdict, severity, feature, text, match, *, source="claims/page.md", line=None, column=None,
            record=None, channel=None, kind="body", trims=TRIMS, message="", suggestion="", feature_id=None,
            claimed=None, suppressed=None):
    cells = tuple((t, next(r["cells"][t] for r in SPEC_ROWS if r["feature"] == feature)) for t in trims) \
        if any(r["feature"] == feature for r in SPEC_ROWS) else ()
    return Finding(verdict=verdict, severity=severity, rule=f"judge.{verdict}", feature=feature,
                   feature_id=feature_id or feature, model="埃安UT super", trims=tuple(trims), source=source,
                   record=record, line=line, column=column, text=text, match=match, claimed_value=claimed,
                   spec_value="; ".join(f"{t}: {raw}" for t, raw in cells) or None, message=message,
                   suggestion=suggestion, channel=channel, kind=kind, spec_cells=cells, suppressed=suppressed)


def small_report(*, created="2025-11-20T08:00:00+00:00") -> Report:
    results = (
        finding("contradicted", "error", "电动天窗", "全景天窗带来通透视野，阳光洒满整个座舱。", "全景天窗",
                line=14, column=1, channel="product-page",
                message="The spec lists 电动天窗 as absent on all trims (租电版: -, 买断版: -, 买断Max版: -).",
                suggestion="Remove the claim, or correct the spec if 电动天窗 was added."),
        finding("unqualified", "error", "前排座椅加热", "前排座椅加热三档可调，早上出门不再冻手冻脚。", "前排座椅加热",
                line=28, column=3, channel="product-page",
                message="前排座椅加热 is optional on 租电版, 买断版 (○ ¥1,500).",
                suggestion="Say which trims have it, or that it is optional."),
        finding("supported", "info", "全景遮阳帘", "亲，全系没有天窗，也没有全景遮阳帘哦。", "全景遮阳帘",
                source="claims/customer-service.jsonl", record="cs-001", line=1, channel="faq", kind="faq",
                message="The spec agrees: 全景遮阳帘 is absent on all trims."),
        finding("contradicted", "error", "全景遮阳帘", "这台车有全景遮阳帘的，就是没有天窗 | 到店看看。", "全景遮阳帘",
                source="claims/customer-service.jsonl", record="cs-002", line=2, channel="store", kind="faq",
                message="The spec lists 全景遮阳帘 as absent on all trims.",
                suggestion="=HYPERLINK(\"http://x\") Correct the answer: there is no sunshade."),
        finding("unverifiable", "warning", "6 airbags", "Six *airbags* as standard, `safety` first.", "airbags",
                source="claims/en.md", line=3, column=5, channel=None, feature_id="airbags",
                message="The spec has no row for airbags.", suggestion="Add the row to the spec, or drop the claim.",
                suppressed="baseline"),
        finding("contradicted", "error", "电动天窗", XSS_SCRIPT, "全景天窗", source="claims/evil.jsonl",
                record="x1", line=1, channel="community", message="The spec lists 电动天窗 as absent on all trims."),
        finding("unqualified", "error", "前排座椅加热", XSS_IMG, "前排座椅加热", source="claims/evil.jsonl",
                record="x2", line=2, channel=XSS_CHANNEL, message="前排座椅加热 is optional on 租电版, 买断版."),
    )
    return Report(
        version="0.1.0", results=results,
        specs=(SpecSummary("specs/aion-ut-super.csv", "埃安UT super", TRIMS, 4, "0" * 63 + "1"),),
        claim_files=("claims/page.md", "claims/customer-service.jsonl", "claims/en.md", "claims/evil.jsonl"),
        claims=7, sentences=7, mentions=7, fail_level="error", created=created, spec_rows=SPEC_ROWS)


def big_report(n: int = 10_000) -> Report:
    """n findings across 40 files, 6 channels and the four spec rows: for the page's speed."""
    verdicts = [("contradicted", "error"), ("unqualified", "error"), ("unverifiable", "warning"), ("supported", "info")]
    features = [("电动天窗", "全景天窗"), ("全景遮阳帘", "全景遮阳帘"), ("前排座椅加热", "前排座椅加热"),
                ("CLTC纯电续航里程", "CLTC")]
    results = []
    for i in range(n):
        v, s = verdicts[i % 4]
        feat, match = features[(i // 4) % 4]
        results.append(finding(v, s, feat, f"第{i}条：这款车的{match}非常出色，record-{i:05d} 值得一看。", match,
                               source=f"claims/file-{i % 40:02d}.jsonl", record=f"r{i:05d}", line=i // 40 + 1,
                               channel=f"channel-{i % 6}", message=f"message {i}", suggestion="fix it"))
    results.sort(key=lambda f: (f.source, f.line))
    return Report(version="0.1.0", results=tuple(results),
                  specs=(SpecSummary("specs/big.csv", "埃安UT super", TRIMS, 4, "ab" * 32),),
                  claim_files=tuple(sorted({f.source for f in results})), claims=n, sentences=n, mentions=n,
                  created="2025-11-20T08:00:00+00:00", spec_rows=SPEC_ROWS)
