"""Satellite patches in the browser: a township official on a phone files field evidence
with a photo for a patch of the demo batch, the county office reviews it, and the maps pan
and zoom. Screenshots land in e2e/out/."""
import datetime
import pathlib

from conftest import wait_js, BASE, PASSWORD, open_as

# A phone photo whose EXIF (written by piexif) says it was taken on 1 June 2026 at 10:20
# China time, at a place about 47 km from any demo patch.
PHOTO = (
    pathlib.Path(__file__).resolve().parent.parent
    / "crates/store/tests/fixtures/photos/piexif.jpg"
).read_bytes().replace(b"2026:05:10 09:15:30", b"2026:06:01 10:20:00")


def township_with_pending_patch(browser):
    """The first township user who has a patch awaiting evidence, with that patch."""
    for n in range(1, 11):
        user = f"town{n:02d}"
        ctx = browser.new_context()
        reply = ctx.request.post(f"{BASE}/api/v1/session", data={"username": user, "password": PASSWORD})
        assert reply.ok
        pending = ctx.request.get(f"{BASE}/api/v1/patches?status=pending").json()
        ctx.close()
        if pending:
            return user, pending[0]
    raise AssertionError("no township has a pending patch")


def test_township_files_evidence_and_county_reviews(browser):
    user, patch = township_with_pending_patch(browser)
    ctx, page = open_as(browser, user, phone=True)
    # The phone stands at the patch, its clock at the server's test day.
    page.clock.install(time=datetime.datetime(2026, 6, 1, 2, 30, tzinfo=datetime.timezone.utc))
    ctx.grant_permissions(["geolocation"], origin=BASE)
    ctx.set_geolocation({"latitude": patch["lat"], "longitude": patch["lon"]})
    page.goto(f"{BASE}/patches")
    assert page.locator("svg.map").count() == 1
    page.click(f"a:text-is('{patch['patch_no']}')")
    page.wait_for_url(f"{BASE}/patches/{patch['id']}")
    assert page.locator("h1").inner_text().endswith(patch["patch_no"])
    page.select_option("select[name=reason]", "unlicensed")
    page.fill("textarea[name=note]", "现场有新鲜采挖痕迹和车辙")
    page.set_input_files("input[name=photo]", files=[{"name": "现场.jpg", "mimeType": "image/jpeg", "buffer": PHOTO}])
    # The page records where and when the phone was as the photo was chosen.
    wait_js(page, "document.querySelector('input[name=photo_capture]').value.includes('lat')")
    page.click("form[action$='/verify'] button[type=submit]")
    page.wait_for_url(f"{BASE}/patches/{patch['id']}")
    assert page.locator("dd:text-is('待县级审核')").count() == 1
    card = page.locator(".evidence .photo-card")
    assert card.count() == 1
    wait_js(page, "document.querySelector('.photo-card img').naturalWidth > 0")
    text = card.inner_text()
    assert "现场.jpg" in text and "2026-06-01 10:20:00" in text, text
    assert "手机记录" in text and "2026-06-01 10:30" in text, text
    # Taken 47 km away: the finding names the photo by its file name.
    warn = page.locator(".warn[role=alert]").inner_text()
    assert "照片拍摄位置远离图斑" in warn and "现场.jpg" in warn, warn
    assert "拍摄于上传前" not in warn, "taken ten minutes before it was attached: no finding"
    page.screenshot(path="e2e/out/patch-evidence-phone.png", full_page=True)
    # A township cannot review its own evidence: no form, and the server refuses.
    assert page.locator("form[action$='/review']").count() == 0
    reply = ctx.request.post(f"{BASE}/patches/{patch['id']}/review", form={"verdict": "accept"})
    assert reply.status == 403
    ctx.close()

    ctx, page = open_as(browser, "office")
    page.goto(f"{BASE}/patches/{patch['id']}")
    page.fill("form[action$='/review'] textarea[name=note]", "")
    page.click("form[action$='/review'] button[value=return]")
    assert page.locator(".error[role=alert]").inner_text().strip() != ""
    page.fill("form[action$='/review'] textarea[name=note]", "核实无误")
    page.click("form[action$='/review'] button[value=accept]")
    page.wait_for_url(f"{BASE}/patches/{patch['id']}")
    assert page.locator("dd:text-is('审核通过')").count() == 1
    assert "县级审核：通过" in page.locator(".evidence .review").inner_text()
    page.screenshot(path="e2e/out/patch-reviewed.png", full_page=True)
    page.goto(f"{BASE}/patches/findings")
    assert page.locator("h1").inner_text() == "举证真实性核查"
    ctx.close()


def test_maps_pan_and_zoom(browser):
    ctx, page = open_as(browser, "office")
    page.goto(f"{BASE}/patches")
    svg = page.locator("svg.map")
    before = svg.get_attribute("viewBox")
    box = svg.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, -400)
    wait_js(page, "b => document.querySelector('svg.map').getAttribute('viewBox') !== b", before)
    zoomed = [float(v) for v in svg.get_attribute("viewBox").split()]
    assert zoomed[2] < [float(v) for v in before.split()][2], "zoomed in"
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + 80, box["y"] + box["height"] / 2 + 40)
    page.mouse.up()
    panned = [float(v) for v in svg.get_attribute("viewBox").split()]
    assert panned[0] < zoomed[0], "dragging right moves the view left"
    svg.dblclick(position={"x": 12, "y": 200}, force=True)
    assert svg.get_attribute("viewBox") == before
    page.screenshot(path="e2e/out/patch-map.png")
    page.goto(f"{BASE}/registers")
    assert page.locator("td:text-is('demo/licences')").count() == 1
    ctx.close()
