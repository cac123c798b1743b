"""周调度 in Chromium: on a phone the township opens the dispatch it owes (the demo's 东川镇
missed the week ending Friday 29 May), finds the figures filled in and last week's signer
offered, writes what only it knows, signs and submits; the county office then sees it in
the roll-up, late, beside the townships that sent theirs on Friday."""
from conftest import BASE, open_as


def test_township_submits_its_dispatch_and_the_county_sees_it(browser):
    ctx, page = open_as(browser, "town01", phone=True)
    page.goto(f"{BASE}/dispatch")
    assert "2026-05-23 至 2026-05-29" in page.inner_text("main")
    assert page.locator("table.figures").count() == 1
    signer = page.locator("input[name=signed_by]").input_value()
    assert signer.endswith("(镇长)"), signer
    page.fill("textarea[name=work_done]", "组织夜间巡查两次，核查卫片图斑三宗")
    if page.locator("textarea[name=overdue_reasons]").count():
        page.fill("textarea[name=overdue_reasons]", "雨季道路中断，6月10日前完成")
    page.click("button[value=submit]")
    page.wait_for_url(lambda url: "ok=" in url)
    body = page.inner_text("main")
    assert "已签字报送" in body and "迟报" in body, body
    assert page.locator("textarea[name=work_done]").count() == 0, "a frozen dispatch has no form"
    # The phone page does not scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    ctx.close()

    ctx, page = open_as(browser, "office")
    page.goto(f"{BASE}/dispatch?week=2026-05-29")
    row = page.locator("table.rollup tbody tr", has_text="东川镇")
    assert "迟报" in row.inner_text()
    assert page.locator("table.rollup tbody tr", has_text="已报").count() >= 1
    with page.expect_download() as dl:
        page.click("text=导出 Excel")
    assert dl.value.suggested_filename == "dispatch-2026-05-29.xlsx"
    ctx.close()
