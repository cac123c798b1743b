"""月通报 in Chromium: the county office opens May's draft (the demo issued April), reads the
ranking with its chart, signs and issues it from the page; a township then opens it on a
phone, finds its own line marked, taps one of its counts and sees the cases behind it."""
from conftest import BASE, open_as


def test_office_issues_the_bulletin_and_a_township_reads_its_line(browser):
    ctx, page = open_as(browser, "office")
    page.goto(f"{BASE}/bulletin")
    page.wait_for_url(f"{BASE}/bulletin/2026-05")
    main = page.inner_text("main")
    assert "2026年5月工作通报" in main and "草稿" in main, main
    assert page.locator("svg.chart rect").count() >= 10
    rows = page.locator("table.ranking tbody tr")
    assert rows.count() >= 10
    page.screenshot(path="e2e/out/bulletin-draft-desktop.png", full_page=True)
    page.fill("input[name=number]", "青岚县打非办〔2026〕5号")
    page.fill("input[name=signed_by]", "县打非办主任")
    page.click("text=签发并封存")
    page.wait_for_url(lambda url: "ok=" in url)
    main = page.inner_text("main")
    assert "青岚县打非办〔2026〕5号" in main and "草稿" not in main, main
    assert page.locator("input[name=signed_by]").count() == 0, "an issued bulletin has no form"
    ctx.close()

    ctx, page = open_as(browser, "town01", phone=True)
    page.goto(f"{BASE}/bulletin")
    page.wait_for_url(f"{BASE}/bulletin/2026-05")
    row = page.locator("table.ranking tbody tr.mine")
    assert row.count() == 1 and "东川镇" in row.inner_text()
    own = page.locator("section.own")
    assert "东川镇" in own.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path="e2e/out/bulletin-phone.png", full_page=True)
    # Only the township's own counts are links to cases.
    assert page.locator("table.ranking tbody tr:not(.mine) a").count() == 0
    first = own.locator("a").first
    count = int("".join(ch for ch in first.inner_text() if ch.isdigit()))
    first.click()
    page.wait_for_url(lambda url: "/bulletin/2026-05/" in url)
    assert page.locator("table tbody tr").count() == count
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path="e2e/out/bulletin-drill-phone.png", full_page=True)
    ctx.close()
