"""Shared fixtures: Debian's Chromium launched by path (Playwright cannot fetch browsers here)."""
import os

import pytest
from playwright.sync_api import sync_playwright

BASE = os.environ.get("MINEWATCH_BASE", "http://127.0.0.1:8080")
PASSWORD = "demo1234"


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield b
        b.close()


def open_as(browser, user, phone=False):
    """A fresh browser context signed in as `user`."""
    opts = {"accept_downloads": True, "locale": "zh-CN"}
    if phone:
        opts.update(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    ctx = browser.new_context(**opts)
    page = ctx.new_page()
    page.goto(f"{BASE}/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{BASE}/")
    return ctx, page


def wait_js(page, expression, arg=None, timeout_s=15.0):
    """Waits until a JavaScript expression (or a one-argument arrow function given `arg`)
    is true in the page. Playwright's own wait_for_function compiles its predicate inside
    the page, which the pages' Content-Security-Policy (no eval) rightly refuses; this
    asks from outside, as often as needed."""
    import time

    deadline = time.monotonic() + timeout_s
    while True:
        ok = page.evaluate(expression, arg) if arg is not None else page.evaluate(expression)
        if ok:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for: {expression}")
        page.wait_for_timeout(100)
