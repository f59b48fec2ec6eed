"""The HTML report, used as a person would: opened in headless Chromium, filtered, searched,
sorted, printed; hostile copy shown as text; nothing fetched from the network.

Chromium is Debian's `chromium` package driven by Playwright for Python; `scripts/test.sh`
installs both. Without them the browser tests skip, except under CI=true where they fail.
"""
from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from render_helpers import XSS_CHANNEL, XSS_IMG, XSS_SCRIPT, big_report, small_report
from specaudit.render import html as html_format

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
SCREENSHOT = ROOT / "reports" / "screenshot-audit.png"


def _require_browser():
    reason = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        reason = "Playwright for Python is not installed (pip install playwright)"
    if reason is None and not os.access(CHROMIUM, os.X_OK):
        reason = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}: CI must have it; scripts/test.sh installs it")
        pytest.skip(f"{reason}; `bash scripts/test.sh` installs it")


@pytest.fixture(scope="module")
def browser():
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def open_report(browser, tmp_path):
    contexts = []

    def _open(report, name="report.html", width=1360, height=1000, **options):
        path = tmp_path / name
        path.write_text(html_format.render(report, **options), encoding="utf-8")
        ctx = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(ctx)
        page = ctx.new_page()
        requests, errors = [], []
        page.on("request", lambda r: requests.append(r.url))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        started = time.perf_counter()
        page.goto(path.as_uri())
        wait_until(page, "() => window.specaudit !== undefined")
        return SimpleNamespace(page=page, url=path.as_uri(), path=path, requests=requests, errors=errors,
                               load_seconds=time.perf_counter() - started)

    yield _open
    for ctx in contexts:
        ctx.close()


def wait_until(page, predicate: str, timeout: float = 10.0) -> None:
    """Poll a JS predicate through the driver (the page's CSP forbids eval, so no wait_for_function)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(predicate):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {predicate}")
        page.wait_for_timeout(25)


def visible_rows(page) -> list[str]:
    return page.locator("tr.f").all_inner_texts()


def test_verdict_filter_search_channel_and_sort_change_the_visible_rows(open_report):
    r = open_report(small_report())
    page = r.page
    rows = visible_rows(page)
    assert len(rows) == 6, rows                    # the supported result is hidden by default
    assert not any("亲，全系没有天窗" in t for t in rows)
    assert "Showing 6 of 6" in page.inner_text("#status")

    page.uncheck('input[name="verdict"][value="contradicted"]')
    rows = visible_rows(page)
    assert len(rows) == 3 and not any("contradicted" in t for t in rows)
    page.check('input[name="verdict"][value="supported"]')
    assert len(visible_rows(page)) == 4
    page.check('input[name="verdict"][value="contradicted"]')
    assert len(visible_rows(page)) == 7

    page.fill('input[name="q"]', "遮阳帘")
    rows = visible_rows(page)
    assert len(rows) == 2 and all("全景遮阳帘" in t for t in rows)
    page.fill('input[name="q"]', "cs-002")       # record ids are searchable too
    assert len(visible_rows(page)) == 1
    page.fill('input[name="q"]', "no such words anywhere")
    assert visible_rows(page) == [] and "No result matches" in page.inner_text("#results")
    page.fill('input[name="q"]', "")

    page.select_option('select[name="channel"]', "store")
    rows = visible_rows(page)
    assert len(rows) == 1 and "这台车有全景遮阳帘的" in rows[0]
    page.select_option('select[name="channel"]', "")
    page.select_option('select[name="file"]', "claims/page.md")
    assert len(visible_rows(page)) == 2
    page.select_option('select[name="file"]', "")
    page.select_option('select[name="feature"]', "前排座椅加热")
    assert len(visible_rows(page)) == 2
    page.select_option('select[name="feature"]', "")
    page.uncheck('input[name="severity"][value="error"]')
    severities = page.locator("tr.f").evaluate_all("rs => rs.map(r => r.dataset.severity)")
    assert sorted(severities) == ["info", "warning"]
    page.check('input[name="severity"][value="error"]')

    order = ["supported", "contradicted", "unqualified", "unverifiable"]
    page.click('th[data-sort="verdict"] >> nth=0')
    verdicts = page.locator("tr.f").evaluate_all("rs => rs.map(r => r.dataset.verdict)")
    assert verdicts == sorted(verdicts, key=order.index) and verdicts[0] == "supported"
    page.click('th[data-sort="verdict"] >> nth=0')
    verdicts = page.locator("tr.f").evaluate_all("rs => rs.map(r => r.dataset.verdict)")
    assert verdicts[0] == "unverifiable" and verdicts[-1] == "supported"
    assert page.get_attribute('th[data-sort="verdict"] >> nth=0', "aria-sort") == "descending"
    assert r.errors == []


def test_a_finding_shows_its_highlight_locator_spec_row_message_and_suggestion(open_report):
    page = open_report(small_report()).page
    row = page.locator("tr.f").first
    assert row.locator("mark").inner_text() == "全景天窗"
    text = row.inner_text()
    assert "14:1" in text and "product-page" in text
    assert "The spec lists 电动天窗 as absent" in text and "Remove the claim" in text
    detail = page.locator("tr.detail").first
    assert not detail.is_visible()
    row.click()
    assert detail.is_visible()
    assert detail.locator("table.spec-row th").all_inner_texts() == ["外观", "租电版", "买断版", "买断Max版"]
    assert detail.locator("table.spec-row td").all_inner_texts() == ["电动天窗", "-", "-", "-"]


def test_the_matrix_shows_what_each_channel_says_and_flags_disagreement(open_report):
    page = open_report(small_report()).page
    row = page.locator("table.mx tbody tr", has_text="全景遮阳帘")
    assert "disagree" in row.get_attribute("class")
    assert row.locator('td[data-channel="faq"]').inner_text() == "supported"
    assert row.locator('td[data-channel="store"]').inner_text() == "contradicted"
    assert "租电版 -" in row.locator("td.spec").inner_text()
    assert "not in the spec" in page.locator("table.mx tbody tr", has_text="6 airbags").inner_text()
    row.locator('td[data-channel="faq"]').click()     # lists that channel's claims, supported included
    rows = visible_rows(page)
    assert len(rows) == 1 and "亲，全系没有天窗" in rows[0]


def test_hostile_copy_is_shown_as_text_and_runs_nothing(open_report):
    r = open_report(small_report())
    page = r.page
    page.check('input[name="verdict"][value="supported"]')
    page.wait_for_timeout(200)  # give an injected onerror handler time to fire, were there one
    assert page.evaluate("typeof window.pwned") == "undefined"
    claims = page.locator("p.claim").all_inner_texts()
    assert XSS_SCRIPT in claims and XSS_IMG in claims
    assert page.locator("p.claim", has_text="window.pwned=1</script>").locator("mark").inner_text() == "全景天窗"
    assert page.locator("img").count() == 0
    assert page.evaluate("document.scripts.length") == 2          # the data block and the page's own script
    assert XSS_CHANNEL in page.locator("table.mx thead").inner_text()
    assert page.locator("tr.f", has_text=XSS_CHANNEL).count() == 1
    source = r.path.read_text(encoding="utf-8")
    assert "<script>window.pwned" not in source and "<img src=x" not in source
    assert r.errors == []


def test_the_page_makes_no_network_request(open_report):
    r = open_report(small_report())
    page = r.page
    page.fill('input[name="q"]', "天窗")
    page.locator("tr.f").first.click()
    page.emulate_media(media="print")
    page.emulate_media(media="screen")
    assert r.requests == [r.url]
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Noto Sans CJK SC" in font


def test_print_unfolds_every_finding_hides_filters_and_breaks_pages_between_files(open_report):
    report = big_report(1000)
    r = open_report(report)
    page = r.page
    assert page.evaluate("window.specaudit.shown()") < page.evaluate("window.specaudit.count()")
    page.emulate_media(media="print")
    wait_until(page, "() => window.specaudit.shown() === window.specaudit.count()")
    assert not page.locator("#filters").is_visible()
    assert page.locator("tr.detail").first.is_visible() and page.locator("tr.detail").last.is_visible()
    groups = page.locator(".group")
    assert groups.count() == len({f.source for f in report.findings})   # one section (and page) per file
    assert groups.nth(1).evaluate("g => getComputedStyle(g).breakBefore") == "page"
    page.emulate_media(media="screen")
    wait_until(page, "() => window.specaudit.shown() < window.specaudit.count()")
    assert page.locator("#filters").is_visible()


def test_ten_thousand_findings_filter_without_freezing(open_report):
    report = big_report(10_000)
    started = time.perf_counter()
    html_format.render(report)
    render_seconds = time.perf_counter() - started
    r = open_report(report)
    page = r.page
    shown = [f for f in report.results if f.verdict != "supported"]
    assert page.evaluate("window.specaudit.count()") == len(shown)
    assert page.locator("tr.f").count() <= 200      # rendered a chunk at a time

    def timed(body: str):
        return page.evaluate("() => { const t0 = performance.now(); " + body +
                             " return [performance.now() - t0, window.specaudit.count()]; }")

    search_ms, n = timed("""const q = document.querySelector('input[name=q]'); q.value = 'record-0042';
                            q.dispatchEvent(new Event('input', {bubbles: true}));""")
    assert n == sum(1 for f in shown if "record-0042" in f.text)
    verdict_ms, n = timed("""const q = document.querySelector('input[name=q]'); q.value = '';
        const c = document.querySelector('input[name=verdict][value=contradicted]'); c.checked = false;
        c.dispatchEvent(new Event('change', {bubbles: true}));""")
    assert n == sum(1 for f in shown if f.verdict != "contradicted")
    sort_ms, _ = timed("document.querySelector('th[data-sort=severity]').click();")
    page.locator("#more").scroll_into_view_if_needed()
    wait_until(page, "() => window.specaudit.shown() > 200")
    print(f"\n10k findings: render {render_seconds * 1000:.0f} ms, {r.path.stat().st_size / 1e6:.1f} MB, "
          f"page ready {r.load_seconds * 1000:.0f} ms, search {search_ms:.1f} ms, "
          f"verdict filter {verdict_ms:.1f} ms, sort {sort_ms:.1f} ms")
    assert r.errors == []


def test_the_shipped_example_renders_and_is_saved_as_a_screenshot(open_report):
    import specaudit

    report = specaudit.audit(specs=[str(ROOT / "specs" / "aion-ut-super.csv")], claims=[str(ROOT / "claims")])
    report = _relative(report)
    r = open_report(report, name="audit.html", width=1280, height=1500)
    page = r.page
    assert page.inner_text("#status-banner").startswith("FAIL")
    assert page.locator("tr.f").count() == len(report.findings)
    sunshade = page.locator("table.mx tbody tr", has_text="全景遮阳帘")
    assert "disagree" in (sunshade.get_attribute("class") or "")
    data = json.loads(page.inner_text("#specaudit-data"))
    assert len(data["findings"]) == len(report.results)
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=False)
    assert SCREENSHOT.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and SCREENSHOT.stat().st_size > 20_000
    assert r.requests == [r.url] and r.errors == []


def _relative(report):
    """The example with paths as the README's command shows them (relative to the project)."""
    from dataclasses import replace

    def rel(p: str) -> str:
        return re.sub("^" + re.escape(str(ROOT)) + "/", "", p)

    return replace(report, results=tuple(replace(f, source=rel(f.source)) for f in report.results),
                   specs=tuple(replace(s, source=rel(s.source)) for s in report.specs),
                   claim_files=tuple(rel(c) for c in report.claim_files))
