"""The ground on a phone: a village official files "nothing found", then a finding with a
photo that lands in the ledger; the next morning (the test moves the server's clock) the
township sees who did not report; a patrol is recorded and signed by the village and the
township; a track recorded on the phone waits offline and is sent when back online.
Screenshots land in e2e/out/."""
import base64
import re

from conftest import wait_js, BASE, PASSWORD, open_as

PHOTO = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg=="
)
START = "2026-06-01T02:00:00Z"  # the server's clock in scripts/e2e: 10:00 in Beijing


def set_clock(browser, at):
    ctx = browser.new_context()
    reply = ctx.request.post(f"{BASE}/__test/clock", form={"now": at})
    assert reply.ok, reply.text()
    ctx.close()


def api_as(browser, user):
    ctx = browser.new_context()
    assert ctx.request.post(f"{BASE}/api/v1/session", data={"username": user, "password": PASSWORD}).ok
    return ctx


def test_village_reports_nothing_then_a_finding_and_the_township_sees_the_next_morning(browser):
    ctx, page = open_as(browser, "village01", phone=True)
    page.goto(f"{BASE}/daily")
    panel = page.locator("section.report").first
    grid = panel.get_attribute("data-grid")
    # One tap: nothing found today.
    panel.locator("button.big").click()
    page.wait_for_url(re.compile(r".*/daily\?ok=.*"))
    assert page.locator("[role=status]").first.inner_text().startswith("已上报")
    assert "今日已报：无发现" in page.locator("section.report").first.inner_text()
    page.screenshot(path="e2e/out/daily-nothing-found-phone.png", full_page=True)

    # Later the same day: a finding with a photo and the phone's position.
    page.locator("section.report details summary").first.click()
    form = page.locator("form[action='/daily/finding']").first
    form.locator("select[name=problem_kind]").select_option("river_sand")
    form.locator("textarea[name=description]").fill("河滩有人夜间抽砂，现场有车辙")
    form.locator("input[name=address]").fill("村东河滩")
    form.locator("input[name=photo]").set_input_files(files=[{"name": "river.png", "mimeType": "image/png", "buffer": PHOTO}])
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/daily\?case=\d+.*"))
    link = page.locator("[role=status] a").first
    number = link.inner_text()
    assert re.fullmatch(r"QL-2026-\d{6}", number), number
    assert "今日已报：有发现" in page.locator("section.report").first.inner_text()
    link.click()
    page.wait_for_url(re.compile(r".*/cases/\d+"))
    assert "河滩有人夜间抽砂" in page.content()
    # The finding is in the ledger as a patrol clue.
    page.goto(f"{BASE}/ledger?source=patrol")
    assert page.locator(f"a:text-is('{number}')").count() == 1
    ctx.close()

    # The next morning, 08:30 in Beijing: the township's list of grids that did not report
    # yesterday holds exactly the grids the board marks missing, and not village01's.
    set_clock(browser, "2026-06-02T00:30:00Z")
    api = api_as(browser, "town01")
    try:
        board = api.request.get(f"{BASE}/api/v1/zero-reports?from=2026-06-01&to=2026-06-01").json()
        missing = {g["place"]["grid"] for g in board["grids"] if g["days"][0][1] == "missing"}
        mine = [g for g in board["grids"] if str(g["place"]["grid_id"]) == grid]
        assert mine and mine[0]["days"][0][1] == "findings"
        assert missing, "some of the township's grids had not reported by the demo's 10:00"
        ctx, page = open_as(browser, "town01", phone=True)
        page.goto(f"{BASE}/daily")
        heading = page.locator("h2", has_text="昨日未报").inner_text()
        assert "2026-06-01" in heading and heading.rstrip().endswith(str(len(missing))), heading
        listed = page.locator("ul.missing li").all_inner_texts()
        assert len(listed) == len(missing)
        for g in missing:
            assert any(g in line for line in listed), (g, listed)
        page.screenshot(path="e2e/out/daily-next-morning-township-phone.png", full_page=True)
        ctx.close()
    finally:
        set_clock(browser, START)
        api.close()


def test_patrol_record_signed_by_village_and_township(browser):
    ctx, page = open_as(browser, "village01", phone=True)
    page.goto(f"{BASE}/patrols/new")
    page.fill("input[name=address]", "后山沟口至老窑口")
    page.fill("textarea[name=situation]", "沿沟巡查，老窑口封堵完好")
    page.click("form[action='/patrols/new'] button[type=submit]")
    page.wait_for_url(re.compile(r".*/patrols/\d+$"))
    url = page.url
    assert page.locator("dd", has_text="后山沟口至老窑口").count() == 1
    # The village signs as the committee's head; it has no cadre or township step.
    page.click("button:text-is('村委负责人签字')")
    page.wait_for_url(url)
    assert page.locator("button:text-is('包村干部签字')").count() == 0
    ctx.close()

    ctx, page = open_as(browser, "town01", phone=True)
    page.goto(url)
    page.click("button:text-is('包村干部签字')")
    page.wait_for_url(url)
    page.click("button:text-is('乡镇确认')")
    page.wait_for_url(url)
    # The demo's accounts are not the roster's people: both signatures read as 代签, with
    # who signed for whom; the township's confirmation is its own.
    assert page.locator(".tag.proxy").count() == 2, "two signatures on behalf"
    assert page.locator("dd", has_text="代签").count() == 2
    assert page.locator(".tag.done", has_text="已确认").count() == 1
    page.screenshot(path="e2e/out/patrol-record-signed-phone.png", full_page=True)
    ctx.close()


def test_track_waits_offline_and_is_sent_when_back_online(browser):
    ctx, page = open_as(browser, "village01", phone=True)
    ctx.grant_permissions(["geolocation"], origin=BASE)
    ctx.set_geolocation({"latitude": 36.41, "longitude": 112.01})
    before = api_as(browser, "village01")
    count = len(before.request.get(f"{BASE}/api/v1/tracks?from=2026-01-01&to=2027-12-31").json())
    page.goto(f"{BASE}/tracks")
    page.click("button[data-start]")
    for k in range(1, 6):
        page.wait_for_timeout(300)
        ctx.set_geolocation({"latitude": 36.41 + k * 0.001, "longitude": 112.01 + k * 0.001})
    wait_js(page, "JSON.parse(localStorage.getItem('mw-track-current')).points.length >= 2")
    ctx.set_offline(True)
    page.click("button[data-stop]")
    wait_js(page, "JSON.parse(localStorage.getItem('mw-track-queue') || '[]').length === 1")
    assert "待上传轨迹" in page.locator("[data-queue]").inner_text()
    assert page.locator("button[data-stop]").is_hidden() and page.locator("button[data-start]").is_visible()
    page.screenshot(path="e2e/out/track-offline-phone.png", full_page=True)
    ctx.set_offline(False)
    wait_js(page, "JSON.parse(localStorage.getItem('mw-track-queue') || '[]').length === 0")
    assert page.locator("[data-status]").inner_text() == "轨迹已上传"
    after = before.request.get(f"{BASE}/api/v1/tracks?from=2026-01-01&to=2027-12-31").json()
    assert len(after) == count + 1
    before.close()
    ctx.close()
