"""JUnit XML for CI test dashboards: one test case per claim file, one failure per finding at
or above the fail level. Findings below it, and suppressed ones, go to the case's system-out."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from ..findings import Report, at_or_above


def _where(f) -> str:
    place = f"{f.source}:{f.line}" if f.line else f.source
    if f.column and f.record is None:
        place += f":{f.column}"
    return place + (f" (record {f.record})" if f.record is not None else "")


def _detail(f) -> str:
    lines = [f"{_where(f)}  {f.severity} {f.verdict}  {f.feature}  «{f.match}»", f"  {f.text.strip()}",
             f"  {f.message}"]
    if f.suggestion:
        lines.append(f"  → {f.suggestion}")
    if f.suppressed:
        lines.append(f"  suppressed: {f.suppressed}")
    return "\n".join(lines)


def render(report: Report, *, include_supported: bool = False, **_) -> str:
    level = report.fail_level
    rows = report.results if include_supported else report.findings
    files = list(dict.fromkeys([*report.claim_files, *(f.source for f in report.results)]))
    total_failures = 0
    suites = ET.Element("testsuites", name="specaudit")
    suite = ET.SubElement(suites, "testsuite", name="specaudit")
    props = ET.SubElement(suite, "properties")
    ET.SubElement(props, "property", name="specaudit_version", value=report.version)
    ET.SubElement(props, "property", name="fail_level", value=level)
    for source in files:
        case = ET.SubElement(suite, "testcase", classname="specaudit", name=source, file=source)
        other = []
        for f in (f for f in rows if f.source == source):
            if not f.suppressed and f.verdict != "supported" and at_or_above(f.severity, level):
                total_failures += 1
                failure = ET.SubElement(case, "failure", type=f.verdict,
                                        message=f"{_where(f)}: {f.verdict} {f.feature}: {f.message}")
                failure.text = _detail(f)
            else:
                other.append(_detail(f))
        if other:
            ET.SubElement(case, "system-out").text = "\n\n".join(other)
    for el in (suites, suite):
        el.set("tests", str(len(files)))
        el.set("failures", str(total_failures))
        el.set("errors", "0")
        el.set("skipped", "0")
        el.set("time", "0")
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
