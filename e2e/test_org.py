"""The organisation page: the county office re-routes a kind of problem and new cases follow;
a township sees the table but cannot change it; a case shows its grid's named officials."""
from conftest import BASE, open_as


def test_office_reroutes_and_cases_follow(browser):
    ctx, page = open_as(browser, "office")
    page.goto(f"{BASE}/org")
    assert page.locator("text=县公安局").count() >= 1
    page.select_option("select[name='kind.explosives']", label="县市场监督管理局")
    page.click("form[action='/org/routing'] button[type=submit]")
    page.wait_for_url(f"{BASE}/org")
    assert page.locator("select[name='kind.explosives'] option:checked").inner_text() == "县市场监督管理局"

    page.goto(f"{BASE}/clues/new")
    page.select_option("select[name=source]", "patrol")
    page.select_option("select[name=problem_kind]", "explosives")
    page.select_option("select[name=township_id]", label="西岭镇")
    village = page.locator("#village optgroup:not([hidden]) option").first.get_attribute("value")
    page.select_option("select[name=village_id]", village)
    page.fill("input[name=address]", "改派测试：炸药库旁")
    page.fill("textarea[name=description]", "巡查发现私存炸药")
    page.click("form.card button[type=submit]")
    page.wait_for_url(lambda url: "/cases/" in url)
    lead = page.locator("dt:text-is('牵头部门') + dd").inner_text()
    assert lead == "县市场监督管理局", lead
    assert page.locator("h2:text-is('网格责任人')").count() == 1
    assert page.locator("table tbody tr td").first.inner_text().endswith("网格")
    ctx.close()


def test_township_reads_routing_but_cannot_change_it(browser):
    ctx, page = open_as(browser, "town01", phone=True)
    page.goto(f"{BASE}/org")
    assert page.locator("select[name^='kind.']").count() == 0
    assert page.locator("td:text-is('非法买卖、运输、使用民用爆炸物品')").count() == 1
    reply = ctx.request.post(f"{BASE}/org/routing", form={"kind.explosives": "1"})
    assert reply.status == 403
    ctx.close()
