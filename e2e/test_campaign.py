"""The campaign's accounts in Chromium, on a township's phone: 东川镇 enters a typical case it
exposed in the 八个一批 register (refused while the title is missing, with what it typed
kept) and sees it counted; reads its own acceptance checklist; and finds the server's
notices (overdue cases) waiting in the app, each opening its case."""
from conftest import BASE, open_as


def test_township_keeps_its_campaign_accounts_on_a_phone(browser):
    ctx, page = open_as(browser, "town01", phone=True)
    page.goto(f"{BASE}/scoreboard")
    own = page.locator("table.scoreboard.single")
    assert "东川镇" in page.inner_text("main")
    before = own.locator("tr", has_text="曝光一批典型案例").locator("td").inner_text().strip()
    page.click("details.register summary")
    page.select_option("select[name=tally]", "typical_cases")
    page.fill("input[name=happened_on]", "2026-05-28")
    page.fill("input[name=reference]", "县电视台《聚焦》栏目")
    page.click("details.register button[type=submit]")
    assert "请填写名称" in page.inner_text("main")
    assert page.locator("input[name=reference]").input_value() == "县电视台《聚焦》栏目"
    page.fill("input[name=title]", "河道非法采砂案公开曝光")
    page.click("details.register button[type=submit]")
    page.wait_for_url(lambda url: "ok=" in url)
    after = page.locator("table.scoreboard.single tr", has_text="曝光一批典型案例").locator("td").inner_text().strip()
    assert int(after) == int(before) + 1
    assert "河道非法采砂案公开曝光" in page.inner_text("main")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path="e2e/out/scoreboard-phone.png", full_page=True)

    page.goto(f"{BASE}/acceptance")
    card = page.locator("details.township[open]")
    assert card.count() == 1 and "东川镇" in card.inner_text()
    assert page.locator("input[name=passed]").count() == 0, "a township does not decide"
    page.screenshot(path="e2e/out/acceptance-phone.png", full_page=True)

    page.goto(f"{BASE}/notifications")
    notices = page.locator("ul.notices li")
    assert notices.count() >= 1, page.inner_text("main")
    first = notices.first.locator("a")
    first.click()
    page.wait_for_url(lambda url: "/cases/" in url)
    ctx.close()
