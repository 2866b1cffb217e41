"""End to end in a real headless Chromium (Debian's /usr/bin/chromium) driven by Playwright,
against the real app served by waitress on a free local port. Screenshots go to
tests/screenshots/ (not committed)."""

from __future__ import annotations

import os
import re
import threading
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.webcorpus import build_index

CHROMIUM = "/usr/bin/chromium"
SHOTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "screenshots")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    from waitress import create_server

    from web import create_app

    app = create_app({"SEARCH_INDEX": build_index(str(tmp_path_factory.mktemp("browser")))})
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package "
                    "(apt-get install -y chromium) to run the browser tests.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield page
    context.close()
    assert not errors, errors  # no JS errors, no CSP violations


def shot(page, name: str) -> None:
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def params(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def test_search_journey(page, base_url):
    page.goto(base_url + "/")
    shot(page, "01-home")

    # type a query and pick a word suggestion with the keyboard
    box = page.locator("#q")
    box.click()
    box.press_sequentially("deliv", delay=30)
    options = page.locator("#suggestions [role=option]")
    options.first.wait_for()
    assert page.locator("#q").get_attribute("aria-expanded") == "true"
    shot(page, "02-suggestions")
    box.press("ArrowDown")
    assert options.first.get_attribute("aria-selected") == "true"
    with page.expect_navigation():
        box.press("Enter")
    assert params(page)["q"][0].startswith("deliver")
    assert page.locator("#q").input_value().startswith("deliver")
    assert page.locator(".hit").count() == 10
    shot(page, "03-results")

    # page
    with page.expect_navigation():
        page.locator("a.page-next").click()
    assert params(page)["page"] == ["2"]
    assert page.locator(".page-link.is-current").inner_text() == "2"
    shot(page, "04-page-2")

    # two sources and a person
    for facet, value in (("source", "AFP"), ("source", "Reuters"), ("person", "Lloyd Austin")):
        with page.expect_navigation():
            page.locator(f'a.facet-value[data-facet="{facet}"][data-value="{value}"]').click()
    state = params(page)
    assert state["source"] == ["AFP", "Reuters"] and state["person"] == ["Lloyd Austin"]
    assert "page" not in state
    assert page.locator(".chip-removable").count() == 3
    for source in page.locator(".hit .hit-source").all_inner_texts():
        assert source in ("AFP", "Reuters")
    # the source facet still offers the other sources (counted without its own selection)
    assert page.locator('a.facet-value[data-facet="source"][data-value="AP"]').count() == 1
    shot(page, "05-filtered")

    # brush the timeline: drag from the first bars to the middle
    chart = page.locator("svg.timeline-chart").bounding_box()
    y = chart["y"] + 30
    page.mouse.move(chart["x"] + chart["width"] * 0.02, y)
    page.mouse.down()
    page.mouse.move(chart["x"] + chart["width"] * 0.3, y, steps=5)
    page.mouse.move(chart["x"] + chart["width"] * 0.6, y, steps=5)
    with page.expect_navigation():
        page.mouse.up()
    state = params(page)
    assert re.fullmatch(r"\d{4}-\d{2}", state["since"][0]) and re.fullmatch(r"\d{4}-\d{2}", state["until"][0])
    assert state["since"][0] < state["until"][0]
    assert state["source"] == ["AFP", "Reuters"] and state["person"] == ["Lloyd Austin"]
    dates = page.locator(".hit time").all_inner_texts()
    assert dates and all(state["since"][0] <= d[:7] <= state["until"][0] for d in dates)
    shot(page, "06-brushed")

    # open an article, then follow a related article
    title = page.locator(".hit-title a").first
    with page.expect_navigation():
        title.click()
    assert "/article/" in page.url
    assert page.locator("h1.article-title").is_visible()
    assert page.locator(".article-body mark").count() > 0  # the query is highlighted
    assert page.locator(".article-body a.mention").count() > 0
    first_article = page.url
    shot(page, "07-article")
    with page.expect_navigation():
        page.locator(".related .mini-hits a").first.click()
    assert "/article/" in page.url and page.url != first_article
    shot(page, "08-related-article")


def test_entity_suggestion_adds_a_filter(page, base_url):
    page.goto(base_url + "/?q=weapons")
    box = page.locator("#q")
    box.fill("")
    box.press_sequentially("weapons stolt", delay=20)
    first = page.locator("#suggestions [role=option]").first
    first.wait_for()
    assert first.get_attribute("data-type") == "person"
    assert "Jens Stoltenberg" in first.inner_text()
    box.press("ArrowDown")
    with page.expect_navigation():
        box.press("Enter")
    state = params(page)
    assert state["person"] == ["Jens Stoltenberg"] and state["q"] == ["weapons"]
    assert page.locator(".chip-person.chip-removable").count() == 1


def test_escape_closes_suggestions_and_no_script_runs(page, base_url):
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(base_url + "/?q=hostile")
    page.goto(base_url + "/article/hostile-1")
    assert "<script>alert(1)</script>" in page.locator("h1.article-title").inner_text()
    page.goto(base_url + "/")
    box = page.locator("#q")
    box.press_sequentially("hosti", delay=20)
    page.locator("#suggestions [role=option]").first.wait_for()
    box.press("Escape")
    assert page.locator("#suggestions").is_hidden()
    assert dialogs == []


def test_phone_layout(browser, base_url):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    page.goto(base_url + "/?q=Austin")
    assert page.locator(".filters-toggle").get_attribute("open") is None  # folded on phones
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing overflows sideways
    page.screenshot(path=os.path.join(SHOTS, "09-phone.png"))
    page.goto(base_url + "/article/synthetic-01?q=Austin")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=os.path.join(SHOTS, "10-phone-article.png"))
    context.close()
