"""The workbench (trends, top terms, entity pages, exclusions, all-values pages, export,
feeds, the timeline of a date range) over a real 2-node OpenSearch cluster: the same numbers
as the embedded index over the same corpus, and no workbench URL answers 5xx."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from search.backends.base import SearchBackend
from search.backends.opensearch.connection import parse_address
from search.backends.opensearch.engine import OpenSearchEngine
from search.backends.opensearch.loader import index_into_cluster
from search.entity_views import entity_detail
from search.models import SearchRequest
from search.terms import top_terms
from search.trends import attention
from web import create_app

pytestmark = pytest.mark.opensearch


@pytest.fixture(scope="module")
def address(opensearch_url, web_corpus) -> str:
    spec = f"{opensearch_url.replace('http://', 'opensearch://')}/workbench-{uuid.uuid4().hex[:8]}"
    assert index_into_cluster([web_corpus], parse_address(spec), workers=1).clean
    yield spec
    engine = OpenSearchEngine(spec)
    engine.client.indices.delete(index=engine.index)
    engine.close()


@pytest.fixture(scope="module")
def cluster(address) -> OpenSearchEngine:
    return OpenSearchEngine(address)


DAY_REQUESTS = [
    SearchRequest(), SearchRequest(text="patriot"), SearchRequest(text='"air defence"'),
    SearchRequest(text="deliveries", sources=("AFP",)),
    SearchRequest(text="deliveries", excluded=(("source", "AFP"),)),
    SearchRequest(excluded=(("person", "Jens Stoltenberg"), ("source", "Reuters"))),
    SearchRequest(text='person:"Lloyd Austin"', since=dt.date(2022, 3, 1)),
    SearchRequest(text="nosuchword")]


def test_both_implement_the_workbench_interface(web_engine, cluster):
    assert isinstance(web_engine, SearchBackend) and isinstance(cluster, SearchBackend)


def test_counts_per_day_are_the_same(web_engine, cluster):
    ours, theirs = web_engine.day_counts(DAY_REQUESTS), cluster.day_counts(DAY_REQUESTS)
    assert theirs == ours
    assert sum(ours[0].counts) + ours[0].undated == web_engine.stats()["articles"]
    assert ours[-1].counts == () and ours[-1].undated == 0


@pytest.mark.parametrize("interval", ["", "day", "week", "month"])
def test_trends_are_the_same(web_engine, cluster, interval):
    queries = ["patriot", "himars OR javelin", 'person:"Lloyd Austin"']
    base = SearchRequest(excluded=(("source", "BBC"),))
    ours = attention(web_engine, queries, interval=interval, base=base)
    assert attention(cluster, queries, interval=interval, base=base) == ours
    assert any(s.total for s in ours.series)
    ranged = dict(since=dt.date(2022, 4, 1), until=dt.date(2022, 9, 30))
    assert attention(cluster, queries, interval=interval, **ranged) == \
        attention(web_engine, queries, interval=interval, **ranged)


def test_exclusions_leave_out_exactly_those_values(web_engine, cluster):
    for engine in (web_engine, cluster):
        everything = engine.search(SearchRequest(text="deliveries"))
        afp = engine.search(SearchRequest(text="deliveries", sources=("AFP",)))
        rest = engine.search(SearchRequest(text="deliveries", excluded=(("source", "afp"),)))
        assert afp.total > 0 and rest.total == everything.total - afp.total
        sources = {v.value for v in rest.facet("source").values}
        assert "AFP" not in sources
    assert cluster.search(SearchRequest(text="deliveries", excluded=(("source", "AFP"),))).total == rest.total


def test_entity_detail_and_pages_are_the_same(web_engine, cluster):
    ours = entity_detail(web_engine, "Stoltenberg", "person", articles=0)
    theirs = entity_detail(cluster, "Stoltenberg", "person", articles=0)
    assert theirs.summary == ours.summary
    assert theirs.co_mentions == ours.co_mentions and theirs.per_month == ours.per_month
    docs_ours, docs_theirs = web_engine.docs_for("person", ours.summary.name), cluster.docs_for(
        "person", ours.summary.name)
    assert len(docs_theirs) == len(docs_ours) > 3
    pages = [cluster.newest(docs_theirs, 3, first) for first in range(0, len(docs_theirs), 3)]
    ids = [h.id for page in pages for h in page]
    assert len(ids) == len(set(ids)) == len(docs_ours)
    assert set(ids) == {h.id for h in web_engine.newest(docs_ours, len(docs_ours))}
    dates = [h.date or "" for h in [h for page in pages for h in page] if h.date]
    assert dates == sorted(dates, reverse=True)


def test_top_terms_over_the_cluster(cluster):
    terms = top_terms(cluster, SearchRequest(text="deliveries"), 10)
    assert terms and all(t.count >= 3 and t.score > 0 and t.ratio > 1 for t in terms)
    assert all(t.word.isalpha() for t in terms)
    assert top_terms(cluster, SearchRequest(text="nosuchword"), 10) == []


WORKBENCH_URLS = [
    "/entity/person/Jens%20Stoltenberg", "/entity/person/stoltenberg?page=2", "/entity/source/AFP",
    "/entity/system/HIMARS", "/entity/place/Kyiv", "/entity/org/NATO",
    "/api/entity/person/Lloyd%20Austin", "/api/entity/person/Lloyd%20Austin?page=99",
    "/entity/person/Nobody%20Atall", "/entity/weapon/x",
    "/trends?q=patriot&q=himars", "/trends?q=patriot&interval=day&measure=share",
    "/trends?q=patriot&format=csv", "/trends?q=patriot&not_source=AFP&since=2022-02&until=2022-09",
    "/trends", "/trends?q=a&q=b&q=c&q=d&q=e&q=f", "/api/trends?q=patriot&q=javelin",
    "/api/trends?q=patriot&format=csv", "/api/trends",
    "/api/terms?q=deliveries", "/api/terms?q=deliveries&not_source=AFP&limit=5", "/api/terms",
    "/api/terms?q=nosuchword", "/search?q=deliveries&terms=1",
    "/search?q=deliveries&not_source=AFP&not_person=Jens+Stoltenberg",
    "/search?q=deliveries&since=2022-05&until=2022-05", "/search?since=2022-02&until=2022-09&person=Austin",
    "/facet/person", "/facet/source?q=deliveries&fq=a", "/facet/month?fpage=3", "/facet/nosuch",
    "/export.csv?q=patriot", "/export.jsonl?not_source=AFP", "/api/export?format=csv&q=himars",
    "/feed?q=patriot", "/api/feed?person=Austin"]


def test_no_workbench_url_answers_5xx(address, web_engine):
    theirs = create_app({"SEARCH_BACKEND": address, "TESTING": True}).test_client()
    ours = create_app({"SEARCH_INDEX": web_engine.index_dir, "TESTING": True}).test_client()
    for url in WORKBENCH_URLS:
        response = theirs.get(url)
        body = response.get_data()  # (streamed exports run here)
        assert response.status_code < 500, (url, body[:300])
        assert response.status_code == ours.get(url).status_code, url
    assert theirs.get("/api/trends?q=patriot").get_json() == ours.get("/api/trends?q=patriot").get_json()
    page = theirs.get("/entity/person/Jens%20Stoltenberg").get_data(as_text=True)
    assert "Jens Stoltenberg" in page
