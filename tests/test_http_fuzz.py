"""Hypothesis fuzzing of the HTTP API and pages: every parameter of ``/api/search``,
``/search``, ``/api/article``, ``/article``, ``/api/suggest`` and ``/api/entities``, with
query syntax, hostile dates (year 0, 9999, 30 February), control characters, long and
repeated values. No request may answer 5xx: a user's mistake is a 400 saying what to fix."""

from __future__ import annotations

from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.webcorpus import build_index
from web import create_app

FUZZ = settings(max_examples=80, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
SYNTAX = ["AND", "OR", "NOT", "ANDNOT", '"', "(", ")", "*", "?", "+", "-", "[", "]", "{", "}",
          "^2", "~", ":", " TO ", "\\", "title:", "body:", "person:", "system:", "source:", "org:",
          "place:", "year:", "month:", "date:", "nosuch:", "patriot", "Lloyd", "Austin", "kyiv",
          "a*", "z*", "HIMARS", "S-300", "F-16", "\x00", "\n", "🙂", "é", "ß"]
DATES = st.one_of(
    st.dates().map(lambda d: f"{d.year:04d}-{d.month:02d}-{d.day:02d}"),
    st.from_regex(r"\A-?\d{1,5}(-\d{1,3}){0,2}\Z"),
    st.sampled_from(["0000", "0000-00-00", "9999", "9999-12", "9999-12-31", "2023-02-30", "2024-02-29",
                     "2023-13", "1e9", "20230101", "-1", "yesterday", ""]),
    TEXT)
QUERY = st.one_of(
    TEXT,
    st.lists(st.one_of(st.sampled_from(SYNTAX), DATES.map(lambda d: f"date:{d}"),
                       st.tuples(DATES, DATES).map(lambda ab: f"date:[{ab[0]} TO {ab[1]}]"), TEXT),
             max_size=12).map(" ".join),
    st.integers(0, 1200).map(lambda n: "x" * n))
NUMBER = st.one_of(st.integers(-5, 10**7).map(str), TEXT, st.sampled_from(["", "1e3", "0x10", " 5 ", "٣"]))
VALUES = st.lists(st.one_of(TEXT, st.sampled_from(["Lloyd Austin", "austin", "Patriot", "AFP", "NATO",
                                                   "Kyiv", "Reuters", "person", "system"])),
                  max_size=3)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    index_dir = build_index(str(tmp_path_factory.mktemp("fuzz")))
    return create_app({"SEARCH_INDEX": index_dir, "TESTING": True}).test_client()


def _check(client, url: str, allowed=(200, 400)) -> None:
    response = client.get(url)
    assert response.status_code < 500, (url, response.status_code, response.data[:300])
    assert response.status_code in allowed, (url, response.status_code, response.data[:300])
    if url.startswith("/api/"):
        assert response.is_json and (response.status_code == 200 or response.get_json()["error"])
    response.close()


@FUZZ
@given(q=QUERY, since=DATES, until=DATES, sort=st.one_of(st.sampled_from(["relevance", "date"]), TEXT),
       page=NUMBER, limit=NUMBER, person=VALUES, system=VALUES, source=VALUES, org=VALUES,
       place=VALUES, more=VALUES, present=st.sets(st.sampled_from(
           ["q", "since", "until", "sort", "page", "limit", "person", "system", "source", "org",
            "place", "more"])))
def test_search_api_and_pages_never_answer_5xx(client, q, since, until, sort, page, limit, person,
                                               system, source, org, place, more, present):
    params = {"q": q, "since": since, "until": until, "sort": sort, "page": page, "limit": limit,
              "person": person, "system": system, "source": source, "org": org, "place": place,
              "more": more}
    query = urlencode({k: v for k, v in params.items() if k in present}, doseq=True)
    for path in ("/api/search", "/search", "/"):
        _check(client, f"{path}?{query}")


@FUZZ
@given(article_id=st.one_of(TEXT.filter(bool), st.sampled_from(["synthetic-01", "hostile-1", "..", "%00"])),
       q=QUERY)
@example(article_id="/0", q="")  # an encoded "/": once Werkzeug's HTML redirect from /api/
def test_article_api_and_page_never_answer_5xx(client, article_id, q):
    path = quote(article_id, safe="")
    for url in (f"/api/article/{path}", f"/article/{path}?{urlencode({'q': q})}"):
        _check(client, url, allowed=(200, 308, 404))  # (308: werkzeug merges "//")


@FUZZ
@given(q=QUERY, types=VALUES, limit=NUMBER, present=st.sets(st.sampled_from(["q", "type", "limit"])))
@example(q="", types=[], limit="\u00b2", present={"limit"})  # "²": a digit to isdigit(), not to int()
def test_suggest_and_entities_never_answer_5xx(client, q, types, limit, present):
    _check(client, "/api/suggest?" + urlencode({"q": q} if "q" in present else {}))
    params = {"q": q, "type": types, "limit": limit}
    _check(client, "/api/entities?" + urlencode({k: v for k, v in params.items() if k in present},
                                                doseq=True))
