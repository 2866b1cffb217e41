"""The workbench through Flask's test client and the library: entity pages, trends, top terms,
export, feeds, facet exclusion and the all-values page (browser tests: test_browser.py)."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest

from search.engine import SearchEngine
from search.models import SearchRequest
from search.terms import top_terms
from search.trends import attention
from tests.webcorpus import HOSTILE_TITLE, build_index
from web import create_app


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    return build_index(str(tmp_path_factory.mktemp("workbench")))


@pytest.fixture(scope="module")
def client(index_dir):
    return create_app({"SEARCH_INDEX": index_dir, "TESTING": True}).test_client()


@pytest.fixture(scope="module")
def lib(index_dir):
    return SearchEngine(index_dir)


def total(client, url):
    return client.get("/api/search" + url).get_json()["total"]


def test_trends_count_what_the_search_counts(lib, client):
    trends = attention(lib, ["HIMARS", 'person:"Lloyd Austin"', "nothingmatchesthis"], interval="month")
    assert trends.interval == "month" and trends.periods[0] <= trends.periods[-1]
    assert len(trends.totals) == len(trends.periods) == len(trends.series[0].counts)
    for series in trends.series:
        dated = lib.search(SearchRequest(text=series.query)).facet("month")
        expected = sum(v.count for v in dated.values if v.value != "undated")
        assert sum(series.counts) == series.total == expected
    assert all(c <= t for s in trends.series for c, t in zip(s.counts, trends.totals))
    assert trends.series[2].total == 0
    shares = trends.series[0].shares(trends.totals)
    assert all(0 <= x <= 1 for x in shares) and max(shares) > 0
    body = client.get("/api/trends?q=HIMARS&q=Patriot&interval=week&source=Reuters").get_json()
    assert body["interval"] == "week" and [s["query"] for s in body["series"]] == ["HIMARS", "Patriot"]
    assert body["series"][0]["total"] <= total(client, "?q=HIMARS&source=Reuters")


def test_trends_errors_say_what_to_fix(client):
    for url, words in (("/api/trends", "at least one query"),
                       ("/api/trends?" + "&".join(f"q=w{i}" for i in range(6)), "At most 5"),
                       ("/api/trends?q=a&interval=year", "interval must be"),
                       ("/api/trends?q=a&since=2023&until=2022", "swap them"),
                       ("/api/trends?q=oil&interval=day&since=1900&until=2020", "too many")):
        response = client.get(url)
        assert response.status_code == 400 and words in response.get_json()["error"], url
    assert client.get("/trends?q=a&interval=year").status_code == 400


def test_trends_page_and_csv(client):
    html = client.get("/trends?q=HIMARS&q=%3Cscript%3Ealert(1)%3C/script%3E").get_data(as_text=True)
    assert html.count('class="trend-line"') == 2 and "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    text = client.get("/trends?q=HIMARS&q=%3Dcmd&format=csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["period", "all articles", "HIMARS (count)"]
    assert not any(cell.startswith("=") for row in rows for cell in row)


def test_entity_page_and_api(client):
    html = client.get("/entity/person/lloyd austin").get_data(as_text=True)  # any spelling
    assert '<h1 class="entity-name">Lloyd Austin</h1>' in html
    assert 'name="person" value="Lloyd Austin"' in html  # the scoped search box
    body = client.get("/api/entity/person/Lloyd Austin").get_json()
    assert body["name"] == "Lloyd Austin" and body["total"] == total(client, "?person=Lloyd+Austin")
    dates = [h["date"] or "" for h in body["articles"]]
    dated = [d for d in dates if d]
    assert dated == sorted(dated, reverse=True) and dates[:len(dated)] == dated  # newest first, undated last
    assert "Lloyd Austin" not in [v["value"] for v in body["co_mentions"]["person"]]
    assert sum(m["count"] for m in body["per_month"]) == body["total"]
    missing = client.get("/entity/person/Nobody Atall")
    assert missing.status_code == 404 and b"No person called" in missing.data
    assert client.get("/api/entity/weapon/HIMARS").status_code == 400


def test_entity_pages_page_through_articles(client):
    first = client.get("/api/entity/source/Reuters").get_json()
    assert first["pages"] >= 1 and len(first["articles"]) == min(20, first["total"])
    if first["pages"] > 1:
        second = client.get("/api/entity/source/Reuters?page=2").get_json()
        assert not {h["id"] for h in first["articles"]} & {h["id"] for h in second["articles"]}


def test_exclusion_removes_exactly_those_articles(client):
    all_ = total(client, "?q=deliveries")
    with_austin = total(client, "?q=deliveries&person=Lloyd+Austin")
    assert total(client, "?q=deliveries&not_person=Lloyd+Austin") == all_ - with_austin
    body = client.get("/api/search?q=deliveries&not_person=Lloyd+Austin&limit=100").get_json()
    assert all("Lloyd Austin" not in h["persons"] for h in body["hits"])
    html = client.get("/?q=deliveries&not_person=Lloyd+Austin").get_data(as_text=True)
    assert 'aria-label="Remove filter Not person: Lloyd Austin"' in html


def test_all_values_page_searches_and_pages(client):
    html = client.get("/facet/person?q=deliveries&fq=LLOYD").get_data(as_text=True)
    assert "Lloyd Austin" in html and "Jens Stoltenberg" not in html
    assert client.get("/facet/nothing").status_code == 400


def test_top_terms(lib, client):
    terms = top_terms(lib, SearchRequest(text="HIMARS"), 10)
    assert terms and terms[0].word == "himars"
    assert [t.score for t in terms] == sorted((t.score for t in terms), reverse=True)
    assert all(t.ratio > 1 for t in terms)
    body = client.get("/api/terms?q=tanks&limit=5").get_json()
    assert 1 <= len(body["terms"]) <= 5 and "tank" in body["terms"][0]["term"]
    assert client.get("/api/terms?q=nothingmatchesthis").get_json()["terms"] == []
    html = client.get("/?q=HIMARS&terms=1").get_data(as_text=True)
    assert 'class="term-list"' in html


def test_export_streams_every_match_escaped(client):
    expected = total(client, "?q=hostile OR deliveries")
    response = client.get("/export.csv?q=hostile+OR+deliveries")
    assert response.is_streamed and response.headers["Content-Disposition"].startswith("attachment")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == expected > 10  # every match, not one page
    hostile = next(r for r in rows if r["id"] == "hostile-1")
    assert hostile["title"] == HOSTILE_TITLE  # exact text: CSV is not HTML
    lines = client.get("/api/export?q=hostile+OR+deliveries").get_data(as_text=True).splitlines()
    assert len(lines) == expected and json.loads(lines[0])["body"]
    assert client.get("/api/export?format=xml").status_code == 400


def test_csv_cells_never_start_a_formula(client, tmp_path):
    from search.backends.embedded.indexer import index_paths

    source = tmp_path / "formula.jsonl"
    source.write_text(json.dumps({"id": "f1", "title": "=HYPERLINK(\"http://x\")", "body": "+1 -2 @3",
                                  "date": "2023-01-02", "source": "AP"}) + "\n", encoding="utf-8")
    index_paths([str(source)], str(tmp_path / "index"), workers=1)
    app = create_app({"SEARCH_INDEX": str(tmp_path / "index"), "TESTING": True})
    text = app.test_client().get("/export.csv").get_data(as_text=True).lstrip("\ufeff")
    row = list(csv.DictReader(io.StringIO(text)))[0]
    assert row["title"].startswith("'=") and row["body"].startswith("'+")


def test_atom_feed_is_valid_and_escaped(client):
    response = client.get("/feed?q=hostile")
    assert response.content_type.startswith("application/atom+xml")
    root = ET.fromstring(response.data)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.text for e in root.findall("a:entry/a:title", ns)]
    assert HOSTILE_TITLE in titles  # carried as text, escaped by the XML writer
    assert b"<script>" not in response.data
    dated = [e.text for e in root.findall("a:entry/a:updated", ns)]
    feed = client.get("/api/feed?q=deliveries").get_json()
    dates = [i["date_published"] for i in feed["items"] if i["date_published"]]
    assert dates == sorted(dates, reverse=True) and len(feed["items"]) <= 50 and dated
    html = client.get("/?q=deliveries").get_data(as_text=True)
    assert 'type="application/atom+xml"' in html and 'href="/feed?q=deliveries"' in html


def test_timeline_keeps_the_whole_range_when_dates_are_selected(client):
    plain = client.get("/?q=deliveries").get_data(as_text=True)
    ranged = client.get("/?q=deliveries&since=2022-06&until=2022-08").get_data(as_text=True)
    assert ranged.count('class="timeline-bar') == plain.count('class="timeline-bar')
    assert ranged.count("is-outside") == plain.count('class="timeline-bar') - 3
