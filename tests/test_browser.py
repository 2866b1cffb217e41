"""End to end in a real headless Chromium (Debian's /usr/bin/chromium) driven by Playwright,
against the real app served by waitress on a free local port. The journey's screenshots go
to tests/screenshots/journey/ (not committed); the search, article, entity and trends pages
at desktop and 390 px widths to tests/screenshots/ (committed: a visual record of each
change). axe-core (tests/axe.py) checks those pages for accessibility violations."""

from __future__ import annotations

import os
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.axe import violations
from tests.webcorpus import build_index, served

CHROMIUM = "/usr/bin/chromium"
SHOTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "screenshots", "journey")
KEPT_SHOTS = os.path.dirname(SHOTS)
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    from web import create_app

    with served(create_app({"SEARCH_INDEX": build_index(str(tmp_path_factory.mktemp("browser")))})) as url:
        yield url


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
            page.locator(f'input.facet-check[name="{facet}"][value="{value}"]').check()
    state = params(page)
    assert state["source"] == ["AFP", "Reuters"] and state["person"] == ["Lloyd Austin"]
    assert "page" not in state
    assert page.locator(".chip-removable").count() == 3
    for source in page.locator(".hit .hit-source").all_inner_texts():
        assert source in ("AFP", "Reuters")
    # the source facet still offers the other sources (counted without its own selection)
    assert page.locator('input.facet-check[name="source"][value="AP"]').count() == 1
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
    from playwright.sync_api import expect

    page.goto(base_url + "/?q=weapons")
    box = page.locator("#q")
    box.fill("")
    box.press_sequentially("weapons stolt", delay=20)
    first = page.locator("#suggestions [role=option]").first
    # (retried: on a loaded machine the answer for an earlier prefix, "weapons sto", may show first)
    expect(first).to_have_attribute("data-type", "person")
    expect(first).to_contain_text("Jens Stoltenberg")
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
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=os.path.join(SHOTS, "09-phone.png"))
    page.goto(base_url + "/article/synthetic-01?q=Austin")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=os.path.join(SHOTS, "10-phone-article.png"))
    context.close()


# -- the analyst's workbench (issue 19) ---------------------------------------------------------

def keep_shot(page, name: str) -> None:
    """A committed screenshot: the viewport only, so the PNGs stay small; the response time
    is replaced by a constant so an unchanged page gives the same file."""
    os.makedirs(KEPT_SHOTS, exist_ok=True)
    page.evaluate("document.querySelectorAll('.took').forEach(e => { e.textContent = 'in 5 ms'; })")
    page.screenshot(path=os.path.join(KEPT_SHOTS, f"{name}.png"), animations="disabled")


def assert_accessible(page) -> None:
    found = violations(page)
    assert not found, found


def test_timeline_bar_mouse_click(page, base_url):
    page.goto(base_url + "/?q=deliveries")
    bar = page.locator("a.timeline-bar").filter(has=page.locator("rect.bar:not(.is-empty)")).nth(3)
    month = bar.get_attribute("data-month")
    box = bar.locator("rect.bar-hit").bounding_box()
    with page.expect_navigation():
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] - 4)
    assert params(page)["since"] == [month] and params(page)["until"] == [month]
    # the chart keeps every month in view, the selected one marked
    assert page.locator("a.timeline-bar").count() > 1
    outside = page.locator("a.timeline-bar.is-outside").count()
    assert outside == page.locator("a.timeline-bar").count() - 1
    assert page.locator(f'a.timeline-bar[data-month="{month}"]:not(.is-outside)').count() == 1
    dates = page.locator(".hit time").all_inner_texts()
    assert dates and all(d.startswith(month) for d in dates)
    with page.expect_navigation():
        page.locator("a.timeline-clear").click()
    assert "since" not in params(page)


def test_keyboard_only_path(page, base_url):
    page.goto(base_url + "/article/synthetic-01")
    page.keyboard.press("/")  # the shortcut focuses the search box
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type("deliveries")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # focus lands on the results, and the first Tab reaches them before any filter
    assert page.evaluate("document.activeElement.id") == "results-heading"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-to-filters"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.results') !== null")
    # skip to the filters, reach a checkbox, toggle it with Space: focus stays on it
    page.locator(".skip-to-filters").focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "filters"
    for _ in range(2):
        page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.name, document.activeElement.value]")
    assert focused[0] == "person"
    scroll = page.evaluate("window.scrollY")
    with page.expect_navigation():
        page.keyboard.press("Space")
    assert params(page)["person"] == [focused[1]]
    active = page.evaluate("[document.activeElement.name, document.activeElement.value,"
                           " document.activeElement.checked]")
    assert active == [focused[0], focused[1], True]
    assert page.evaluate("window.scrollY") >= 0 and scroll >= 0
    # Space again unticks it
    with page.expect_navigation():
        page.keyboard.press("Space")
    assert "person" not in params(page)
    assert page.evaluate("document.activeElement.value") == focused[1]
    # Enter toggles as well, and the focus comes back
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert params(page)["person"] == [focused[1]]
    assert page.evaluate("document.activeElement.value") == focused[1]


def test_facets_without_javascript(browser, base_url):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base_url + "/?q=deliveries&sort=date")
    page.locator('input.facet-check[value="AFP"]').check()
    page.locator('input.facet-check[value="BBC"]').check()
    with page.expect_navigation():
        page.locator("button.facets-apply").click()
    state = params(page)
    assert state["source"] == ["AFP", "BBC"] and state["q"] == ["deliveries"] and state["sort"] == ["date"]
    with page.expect_navigation():
        page.locator(".terms-show").click()
    assert page.locator(".term-list a").count() > 0  # top terms rendered on the server
    context.close()


def test_exclude_show_all_and_find_a_value(page, base_url):
    page.goto(base_url + "/?q=deliveries")
    total = int(page.locator(".result-count strong").inner_text().replace(",", ""))
    with page.expect_navigation():
        page.locator('#facet-source a.facet-not').first.click()
    excluded = params(page)["not_source"][0]
    assert page.locator(".chip-negated").count() == 1
    assert excluded not in page.locator(".hit .hit-source").all_inner_texts()
    assert int(page.locator(".result-count strong").inner_text().replace(",", "")) < total
    with page.expect_navigation():
        page.locator("#facet-place a.facet-all").click()
    assert "/facet/place" in page.url
    page.locator("#fq").fill("kh")
    with page.expect_navigation():
        page.locator("#fq").press("Enter")
    values = page.locator(".all-values li > a:first-child").all_inner_texts()
    assert values and all("kh" in v.lower() for v in values)
    with page.expect_navigation():
        page.locator(".all-values li > a:first-child").first.click()
    assert params(page)["place"] == [values[0]] and params(page)["not_source"] == [excluded]


def test_entity_page(page, base_url):
    page.goto(base_url + "/?q=HIMARS")
    about = page.locator('.hit a.chip-about.chip-person').first
    with page.expect_navigation():
        about.click()
    assert "/entity/person/" in page.url
    name = page.locator("h1.entity-name").inner_text()
    assert page.locator(".entity-articles li").count() >= 1
    assert page.locator(".co-list li").count() >= 1
    assert page.locator(".entity-timeline a.timeline-bar").count() >= 1
    # the scoped search box searches within the entity's articles
    page.locator("#entity-q").fill("deliveries")
    with page.expect_navigation():
        page.locator("#entity-q").press("Enter")
    assert params(page)["person"] == [name] and params(page)["q"] == ["deliveries"]
    # facet values link to their entity page too
    with page.expect_navigation():
        page.locator('#facet-system a.facet-about').first.click()
    assert "/entity/system/" in page.url


def test_trends_compare_and_download(page, base_url):
    page.goto(base_url + "/?q=HIMARS")
    with page.expect_navigation():
        page.locator("a.compare-link").click()
    assert params(page)["q"] == ["HIMARS"]
    page.locator("#tq-new").fill('person:"Lloyd Austin"')
    with page.expect_navigation():
        page.locator("#tq-new").press("Enter")
    assert params(page)["q"] == ["HIMARS", 'person:"Lloyd Austin"']
    assert page.locator("polyline.trend-line").count() == 2
    rows = page.locator(".trend-table tbody tr").count()
    assert rows > 3
    with page.expect_navigation():
        page.locator("#t-measure").select_option("share")
        page.locator(".trend-options button").click()
    assert "%" in page.locator(".trend-y span").first.inner_text()
    csv_text = page.request.get(page.locator(".downloads a", has_text="CSV").get_attribute("href")
                                if False else base_url + page.locator(".downloads a").first.get_attribute("href")).text()
    assert csv_text.splitlines()[0].startswith("period,all articles,HIMARS (count)")
    assert len(csv_text.strip().splitlines()) == rows + 1
    # search a series, then add another query to the comparison from the search page
    with page.expect_navigation():
        page.locator("a.trend-search").first.click()
    assert params(page)["cmp"] == ['person:"Lloyd Austin"']
    with page.expect_navigation():
        page.locator("a.compare-link").click()
    assert sorted(params(page)["q"]) == sorted(["HIMARS", 'person:"Lloyd Austin"'])


def test_export_feed_and_top_terms(page, base_url):
    page.goto(base_url + "/?q=deliveries&source=AFP")
    page.locator("#top-terms .term-list a").first.wait_for()  # fetched after the page shows
    total = int(page.locator(".result-count strong").inner_text().replace(",", ""))
    links = {a.inner_text(): a.get_attribute("href") for a in page.locator(".result-actions a").all()}
    csv_response = page.request.get(base_url + links["Export CSV"])
    assert csv_response.headers["content-disposition"].startswith("attachment")
    import csv as csv_module
    import io
    rows = list(csv_module.DictReader(io.StringIO(csv_response.text().lstrip("\ufeff"))))
    assert len(rows) == total and {r["source"] for r in rows} == {"AFP"}  # all, not one page
    jsonl = page.request.get(base_url + links["Export JSONL"]).text().splitlines()
    assert len(jsonl) == total
    feed = page.request.get(base_url + links["Follow (Atom feed)"])
    assert feed.headers["content-type"].startswith("application/atom+xml")
    assert feed.text().count("<entry>") == min(total, 50)
    assert page.locator('link[rel="alternate"][type="application/atom+xml"]').count() == 1


def test_dark_mode_follows_the_system(browser, base_url):
    context = browser.new_context(color_scheme="dark", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base_url + "/?q=HIMARS")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    channels = [int(x) for x in re.findall(r"\d+", background)[:3]]
    assert max(channels) < 60, background
    assert_accessible(page)
    keep_shot(page, "search-dark")
    context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_pages_accessible_with_screenshots(browser, base_url, width):
    phone = width < 800
    context = browser.new_context(viewport={"width": width, "height": 900 if not phone else 844},
                                  is_mobile=phone, has_touch=phone)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    suffix = "phone" if phone else "desktop"
    for name, url in (("search", "/?q=HIMARS&source=Reuters&not_person=Dmytro+Kuleba"),
                      ("article", "/article/synthetic-01?q=HIMARS"),
                      ("entity", "/entity/person/Lloyd%20Austin"),
                      ("trends", "/trends?q=HIMARS&q=Patriot&q=person:%22Lloyd%20Austin%22")):
        page.goto(base_url + url)
        if name == "search":
            page.locator("#top-terms .term-list").wait_for()
        assert_accessible(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name
        keep_shot(page, f"{name}-{suffix}")
    assert not errors, errors
    context.close()
