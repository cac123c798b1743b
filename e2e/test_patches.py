"""Satellite patches in the browser: a township official on a phone files field evidence
with a photo for a patch of the demo batch, the county office reviews it, and the maps pan
and zoom. Screenshots land in e2e/out/."""
import base64

from conftest import BASE, PASSWORD, open_as

# A 2×2 PNG: what the phone's camera would send, small enough to live here.
PHOTO = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg=="
)


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
    page.goto(f"{BASE}/patches")
    assert page.locator("svg.map").count() == 1
    page.click(f"a:text-is('{patch['patch_no']}')")
    page.wait_for_url(f"{BASE}/patches/{patch['id']}")
    assert page.locator("h1").inner_text().endswith(patch["patch_no"])
    page.select_option("select[name=reason]", "unlicensed")
    page.fill("textarea[name=note]", "现场有新鲜采挖痕迹和车辙")
    page.set_input_files("input[name=photo]", files=[{"name": "site.png", "mimeType": "image/png", "buffer": PHOTO}])
    page.click("form[action$='/verify'] button[type=submit]")
    page.wait_for_url(f"{BASE}/patches/{patch['id']}")
    assert page.locator("dd:text-is('待县级审核')").count() == 1
    assert page.locator(".evidence .photos img").count() == 1
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
    assert page.locator("[role=alert]").inner_text().strip() != ""
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
    page.wait_for_function("b => document.querySelector('svg.map').getAttribute('viewBox') !== b", arg=before)
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
