"""One case as three users walk it: the office enters a tip, the township verifies it on a
phone, the department decides and rectifies, the office accepts and closes; the ledger
export then holds that row in a real .xlsx."""
import re

import openpyxl
from conftest import BASE, open_as


def step(page, title, fill=None):
    page.click(f"details.step summary:text-is('{title}')")
    form = page.locator("details.step[open] form")
    if fill:
        fill(form)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def status_of(page):
    return page.locator("h1 .status").inner_text()


def test_tip_to_closing_and_export(browser):
    office_ctx, office = open_as(browser, "office")
    office.goto(f"{BASE}/clues/new")
    office.select_option("select[name=source]", "tip")
    office.select_option("select[name=problem_kind]", "unlicensed_mining")
    office.select_option("select[name=township_id]", label="东川镇")
    first_village = office.locator("#village optgroup:not([hidden]) option").first.get_attribute("value")
    office.select_option("select[name=village_id]", first_village)
    office.fill("input[name=address]", "浏览器测试沟口")
    office.fill("input[name=lon]", "109.9")
    office.fill("input[name=lat]", "33.3")
    office.fill("textarea[name=description]", "群众反映夜间有挖掘机私挖矿石")
    office.click("form.card button[type=submit]")
    office.wait_for_url(re.compile(r"/cases/\d+$"))
    case_url = office.url
    number = office.locator("h1").inner_text().split()[0]
    assert re.fullmatch(r"QL-2026-\d{6}", number), number
    assert status_of(office) == "待核查"

    town_ctx, town = open_as(browser, "town01", phone=True)
    town.goto(case_url)
    step(town, "核查", lambda f: f.locator("textarea[name=note]").fill("现场核实，有新开挖痕迹"))
    assert status_of(town) == "已核实待处置"
    town.screenshot(path="e2e/out/township-phone.png", full_page=True)

    dept_ctx, dept = open_as(browser, "dept_natural_resources")
    dept.goto(case_url)

    def decide(f):
        f.locator("select[name=decision]").select_option("rectify")
        f.locator("textarea[name=measures]").fill("停止开采，回填采坑，恢复植被")
        f.locator("input[name=deadline]").fill("2026-06-20")
        f.locator("input[name=responsible_person]").fill("周某")

    step(dept, "处置决定", decide)
    assert status_of(dept) == "整改中"
    # A missing required field is refused with the field named, and nothing changes.
    dept.click("details.step summary:text-is('整改完成，申请验收')")
    dept.locator("details.step[open] textarea[name=note]").evaluate("e => e.removeAttribute('required')")
    dept.locator("details.step[open] button[type=submit]").click()
    dept.wait_for_load_state()
    assert "整改完成申请验收" in dept.locator(".error").inner_text() or "说明" in dept.locator(".error").inner_text()
    assert status_of(dept) == "整改中"
    step(dept, "整改完成，申请验收", lambda f: f.locator("textarea[name=note]").fill("采坑已回填"))
    assert status_of(dept) == "待验收"

    office.goto(case_url)
    step(office, "验收", lambda f: f.locator("textarea[name=note]").fill("验收合格"))
    assert status_of(office) == "已验收待销号"
    step(office, "销号", lambda f: f.locator("input[name=note]").fill("逐宗销号"))
    assert status_of(office) == "已销号"
    assert office.locator("ol.timeline li").count() >= 6
    office.screenshot(path="e2e/out/case-closed.png", full_page=True)

    office.goto(f"{BASE}/ledger?q={number}")
    assert office.locator("table.ledger tbody tr").count() == 1
    with office.expect_download() as dl:
        office.click("#export")
    assert dl.value.suggested_filename.endswith(".xlsx")
    dl.value.save_as("e2e/out/ledger.xlsx")
    sheet = openpyxl.load_workbook("e2e/out/ledger.xlsx").active
    rows = list(sheet.iter_rows(values_only=True))
    assert "问题整改台账" in rows[0][0]
    header = next(i for i, r in enumerate(rows) if r[0] == "序号")
    col = {name: i for i, name in enumerate(rows[header]) if name}
    line = rows[header + 1]
    assert line[col["案件编号"]] == number and line[col["办理状态"]] == "已销号"
    assert line[col["责任人"]] == "周某"
    assert hasattr(line[col["销号时间"]], "year"), "dates are dates"
    assert rows[header + 2][1] == "合计"
    # The whole ledger under the same filter, made to print.
    office.goto(f"{BASE}/ledger?q={number}")
    office.click("#print")
    assert office.locator("table.sheet tbody tr").count() == 1
    assert "填报单位" in office.inner_text("main")
    office.screenshot(path="e2e/out/ledger-print.png", full_page=True)
    for ctx in (office_ctx, town_ctx, dept_ctx):
        ctx.close()


def test_township_sees_only_its_own(browser):
    ctx, page = open_as(browser, "town02", phone=True)
    page.goto(f"{BASE}/ledger")
    townships = {t.strip() for t in page.locator("table.ledger tbody tr td:nth-child(2)").all_inner_texts()}
    assert townships and all(t.startswith("西岭镇") for t in townships), townships
    page.goto(f"{BASE}/lang/en")
    page.goto(f"{BASE}/ledger")
    assert page.locator("h1").inner_text() == "Ledger"
    ctx.close()
