"""A citizen on a phone sends a tip with a photo and the phone's position, keeps the code and
the secret, and follows the tip; the county office enters a (test, invented) holiday notice
and sees the tip's clocks count working days across the holiday and an adjusted working
Sunday as the server's clock moves forward; the late acceptance lands in the accountability
list. Screenshots land in e2e/out/."""
import base64
import re

from conftest import wait_js, BASE, PASSWORD, open_as

PHOTO = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg=="
)
START = "2026-06-01T02:00:00Z"  # Monday 1 June, 10:00 in Beijing
# Invented for the test, not the State Council's notice: Tuesday off, the Sunday after worked.
NOTICE = "2026-06-02,放假,测试用假日\n2026-06-07,上班,测试用调休"


def set_clock(browser, at):
    ctx = browser.new_context()
    assert ctx.request.post(f"{BASE}/__test/clock", form={"now": at}).ok
    ctx.close()


def test_citizen_tip_clocks_across_a_holiday_and_tracking(browser):
    # The office enters the notice first.
    ctx, page = open_as(browser, "office")
    page.goto(f"{BASE}/calendar")
    page.fill("textarea[name=notice]", NOTICE)
    page.click("form[action='/calendar'] button[type=submit]")
    page.wait_for_url(re.compile(r".*/calendar\?ok=.*"))
    assert page.locator("table.calendar-days tr", has_text="2026-06-07").count() == 1
    ctx.close()

    # A citizen, no account, on a phone.
    citizen = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN")
    citizen.grant_permissions(["geolocation"], origin=BASE)
    citizen.set_geolocation({"latitude": 36.412, "longitude": 112.012})
    page = citizen.new_page()
    page.goto(f"{BASE}/tip")
    page.select_option("select[name=problem_kind]", "unlicensed_mining")
    page.fill("textarea[name=description]", "后山夜里有挖掘机挖矿，天亮前有大车往外拉")
    page.click("#locate")
    wait_js(page, "document.getElementById('lat').value !== ''")
    page.fill("input[name=address]", "后山沟口")
    page.set_input_files("input[name=photo]", files=[{"name": "site.png", "mimeType": "image/png", "buffer": PHOTO}])
    page.fill("input[name=phone]", "13722223333")
    page.click("form[action='/tip'] button[type=submit]")
    code = page.locator("[data-code]").get_attribute("data-code")
    secret = page.locator("[data-secret]").get_attribute("data-secret")
    assert re.fullmatch(r"JB[0-9A-Z]{8}", code), code
    # Received Monday; Tuesday is a holiday: to be accepted by Wednesday.
    assert "2026-06-03" in page.locator(".receipt").inner_text()
    page.screenshot(path="e2e/out/tip-receipt-phone.png", full_page=True)

    page.goto(f"{BASE}/tip/track")
    page.fill("input[name=code]", code.lower())
    page.fill("input[name=secret]", secret)
    page.click("form[action='/tip/track'] button[type=submit]")
    assert "已收到" in page.locator(".progress").inner_text()
    assert "13722223333" not in page.content()

    # The office, on Monday: due soon. Tuesday (the holiday): still not late.
    office, opage = open_as(browser, "office")
    opage.goto(f"{BASE}/tips")
    row = opage.locator(f"tr[data-tip='{code}']")
    # Routed by the grid holding the phone's position: 东川镇.
    assert "东川镇" in row.inner_text(), row.inner_text()
    assert "2026-06-03" in row.inner_text()
    assert "受理即将到期" in row.inner_text()
    assert "13722223333" not in opage.content()
    office.close()
    try:
        set_clock(browser, "2026-06-02T02:00:00Z")
        office, opage = open_as(browser, "office")
        opage.goto(f"{BASE}/tips")
        assert "逾期" not in opage.locator(f"tr[data-tip='{code}']").inner_text()
        office.close()
        # Thursday: late, and on the accountability list as 举报不受理.
        set_clock(browser, "2026-06-04T02:00:00Z")
        office, opage = open_as(browser, "office")
        opage.goto(f"{BASE}/tips")
        assert "受理逾期" in opage.locator(f"tr[data-tip='{code}']").inner_text()
        opage.screenshot(path="e2e/out/tips-overdue.png", full_page=True)
        opage.goto(f"{BASE}/leads")
        assert opage.locator("table.lapses tr", has_text=code).filter(has_text="举报不受理").count() == 1
        # Accepted Thursday: ten working days, the worked Sunday 7 June among them, end Wednesday 17.
        opage.goto(f"{BASE}/tips")
        opage.click(f"tr[data-tip='{code}'] a:text-is('{code}')")
        opage.click("form[action$='/accept'] button")
        opage.wait_for_url(re.compile(r".*/tips/\d+$"))
        assert "2026-06-17" in opage.locator("dl.fields").inner_text()
        tip_url = opage.url
        case_id = opage.locator("dl.fields a[href^='/cases/']").get_attribute("href").split("/")[-1]
        # The township checks the case; the office answers the tipster.
        api = browser.new_context()
        town = None
        for n in range(1, 11):
            api.request.post(f"{BASE}/api/v1/session", data={"username": f"town{n:02d}", "password": PASSWORD})
            r = api.request.post(f"{BASE}/api/v1/cases/{case_id}/actions", data={"action": "verify", "founded": True, "note": "现场核查属实"})
            if r.ok:
                town = n
                break
        assert town == 1, "the township holding the place, 东川镇 (town01), checks it"
        api.close()
        opage.goto(tip_url)
        opage.fill("textarea[name=answer]", "经核查举报属实，已责令停止开采并立案查处，感谢监督。")
        opage.click("form[action$='/answer'] button")
        opage.wait_for_url(tip_url)
        office.close()
    finally:
        set_clock(browser, START)

    # The reward: computed from the rule table, approved by the office, paid by the reward
    # officer — who alone may open the tipster's phone number, saying why.
    office, opage = open_as(browser, "office")
    opage.goto(f"{BASE}/rewards")
    row = opage.locator(f"tr[data-tip='{code}']")
    assert "500.00" in row.inner_text(), row.inner_text()
    row.locator("form[action$='/approve'] button").click()
    opage.wait_for_url(f"{BASE}/rewards")
    assert "已核定" in opage.locator(f"tr[data-tip='{code}']").inner_text()
    office.close()
    officer, rpage = open_as(browser, "reward")
    rpage.goto(f"{BASE}/rewards")
    rpage.locator(f"tr[data-tip='{code}'] input[name=payment_ref]").fill("财政转账 0601-01")
    rpage.locator(f"tr[data-tip='{code}'] form[action$='/pay'] button").click()
    rpage.wait_for_url(f"{BASE}/rewards")
    assert "已发放" in rpage.locator(f"tr[data-tip='{code}']").inner_text()
    rpage.click(f"tr[data-tip='{code}'] a:text-is('{code}')")
    rpage.fill("input[name=purpose]", "发放奖励，联系举报人")
    rpage.click("form[action$='/tipster'] button")
    assert "13722223333" in rpage.locator("dl.identity").inner_text()
    officer.close()

    page.goto(f"{BASE}/tip/track")
    page.fill("input[name=code]", code)
    page.fill("input[name=secret]", secret)
    page.click("form[action='/tip/track'] button[type=submit]")
    progress = page.locator(".progress").inner_text()
    assert "情况属实" in progress and "立案查处" in progress, progress
    assert "已发放 500.00" in progress, progress
    page.screenshot(path="e2e/out/tip-tracked-phone.png", full_page=True)
    citizen.close()
