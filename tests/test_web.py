"""The web app through Flask's test client, over a real index (seeds + synthetic + hostile)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.webcorpus import HOSTILE_BODY, HOSTILE_TITLE, SOURCES, build_index
from web import create_app
from web.server import ensure_index


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    return build_index(str(tmp_path_factory.mktemp("web")))


@pytest.fixture(scope="module")
def app(index_dir):
    return create_app({"SEARCH_INDEX": index_dir, "TESTING": True})


@pytest.fixture()
def client(app):
    return app.test_client()


def api(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.data[:500])
    assert response.content_type.startswith("application/json")
    return response.get_json()


def hit_ids(html: str) -> list[str]:
    return re.findall(r'class="hit-title"><a href="/article/([^"?]+)', html)


# -- pages ----------------------------------------------------------------------------------

def test_search_page_renders_results_facets_timeline(client):
    response = client.get("/?q=HIMARS")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="en">' in html
    assert 'value="HIMARS"' in html  # the box keeps the query
    assert "<mark>HIMARS</mark>" in html
    assert 'class="skip-link"' in html and '<label class="visually-hidden" for="q">' in html
    for facet in ("person", "system", "source", "org", "place"):
        assert f'id="facet-{facet}"' in html
    assert 'class="timeline-chart"' in html and 'class="timeline-bar"' in html
    assert re.search(r"of <strong>\d+</strong> articles", html)
    assert re.search(r"in \d+ ms", html)
    assert hit_ids(html)


def test_security_headers_on_every_kind_of_response(client):
    for url in ("/", "/api/search", "/article/nope", "/api/nope", "/static/app.js"):
        response = client.get(url)
        response.close()  # static files are streamed
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"]


def test_no_inline_script_or_style_in_pages(client):
    article = hit_ids(client.get("/?q=Austin").get_data(as_text=True))[0]
    for url in ("/", "/?q=Austin", f"/article/{article}?q=Austin", "/nope", "/entity/person/Lloyd Austin",
                "/trends?q=Austin&q=HIMARS", "/facet/person?q=Austin", "/?q=Austin&since=2022-05&terms=1"):
        html = client.get(url).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), url
        assert " style=" not in html and "<style" not in html, url
        assert not re.search(r"<[^>]*\son\w+=", html), url  # (escaped text may say onerror=)


def test_article_page(client):
    html = client.get("/article/synthetic-03?q=Leopard").get_data(as_text=True)
    assert "<mark>Leopard</mark>" in html
    assert 'class="mention mention-person" href="/search?person=Volodymyr+Zelensky"' in html
    assert 'class="mention mention-system"' in html
    assert 'rel="noopener noreferrer nofollow"' in html and "https://example.org/news/3" in html
    assert "Test Desk" in html and "2022-02-27" in html
    assert "Related articles" in html and "Sharing the same names" in html
    related = re.findall(r'<li><a href="/article/([^"]+)">', html)
    assert related and "synthetic-03" not in related
    assert client.get(f"/article/{related[0]}").status_code == 200


def test_article_link_carries_the_search_and_back_link_restores_it(client):
    html = client.get("/?q=Leopard&source=AFP").get_data(as_text=True)
    link = re.search(r'class="hit-title"><a href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert "q=Leopard" in link and "source=AFP" in link
    article = client.get(link).get_data(as_text=True)
    back = re.search(r'class="back"><a href="([^"]+)"', article).group(1).replace("&amp;", "&")
    assert back.startswith("/search?") and "q=Leopard" in back and "source=AFP" in back


def test_unknown_article_is_404_html_and_json(client):
    assert client.get("/article/does-not-exist").status_code == 404
    body = api(client, "/api/article/does-not-exist", 404)
    assert "does-not-exist" in body["error"]


def test_404_and_405(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404 and b"Page not found" in response.data
    assert "error" in api(client, "/api/no-such", 404)
    response = client.post("/api/search")
    assert response.status_code == 405 and "error" in response.get_json()
    assert client.post("/").status_code == 405


# -- hostile content --------------------------------------------------------------------------

DANGEROUS = ("<script>alert", "<img src=x", '"><img', "<b onmouseover", "javascript:alert(1)\"",
             'href="javascript:', "onmouseover='alert(1)")


def _assert_escaped(html: str) -> None:
    for needle in DANGEROUS:
        assert needle not in html, needle


def test_hostile_article_is_escaped_everywhere(client):
    pages = ["/?q=Hostile", "/?q=alert", "/?q=script+img", "/?person=Lloyd+Austin&q=hostile",
             "/article/hostile-1", "/article/hostile-1?q=script+img+onerror",
             "/?q=%3Cscript%3Ealert(1)%3C/script%3E", '/?q="><img+src=x+onerror=alert(1)>',
             "/?source=%3Cscript%3Ealert(1)%3C/script%3E", "/?since=%3Cscript%3E",
             "/nope?q=%3Cscript%3Ealert(1)"]
    for url in pages:
        response = client.get(url)
        assert response.status_code in (200, 400, 404), url
        _assert_escaped(response.get_data(as_text=True))
    html = client.get("/article/hostile-1").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as text
    assert "javascript:alert(1)" in html and 'href="javascript' not in html  # as text, not a link
    assert hit_ids(client.get("/?q=Hostile").get_data(as_text=True)) == ["hostile-1"]


def test_hostile_article_json_is_data(client):
    body = api(client, "/api/article/hostile-1")
    assert body["title"] == HOSTILE_TITLE and body["body"] == HOSTILE_BODY


def test_api_hit_carries_every_hit_field(client):
    from dataclasses import fields

    from search.models import Hit

    hit = api(client, "/api/search?" + _qs(q="Hostile"))["hits"][0]
    assert set(hit) == {f.name for f in fields(Hit)}
    assert hit["id"] == "hostile-1" and hit["highlights"][0]["text"]


# -- parameters -------------------------------------------------------------------------------

BAD_PARAMS = ["page=0", "page=-1", "page=abc", "page=1e3", "page=99999999", "page=50000&limit=100",
              "limit=0", "limit=101", "limit=x", "sort=score", "since=yesterday", "until=2023-13",
              "since=2023-05-01&until=2023-01-01", "since=%00", "more=nonsense", "q=" + "x" * 1001]


@pytest.mark.parametrize("params", BAD_PARAMS)
def test_bad_parameters_give_400(client, params):
    body = api(client, f"/api/search?{params}", 400)
    assert body["error"] and len(body["error"]) > 10
    response = client.get(f"/?{params}")
    assert response.status_code == 400
    assert b'class="error-message"' in response.data


@pytest.mark.parametrize("query", ['"unclosed', "(open", "close)", "AND", "foo OR", "nosuchfield:x",
                                   "date:[2023 TO", "date:notadate", "person:", "***", "-", '""',
                                   "\x00\x01", "🙂 emoji", "a" * 1000, "NOT NOT NOT", "title:"])
def test_odd_queries_never_fail(client, query):
    body = api(client, "/api/search?" + _qs(q=query))
    assert isinstance(body["total"], int)
    assert client.get("/?" + _qs(q=query)).status_code == 200


def test_unclosed_quote_is_repaired_and_warned(client):
    body = api(client, "/api/search?" + _qs(q='"Lloyd Austin'))
    assert body["total"] > 0 and any("quote" in w for w in body["warnings"])
    html = client.get("/?" + _qs(q='"Lloyd Austin')).get_data(as_text=True)
    assert "Your query was adjusted" in html and "unclosed quote" in html


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(["q", "page", "limit", "sort", "since", "until", "person",
                                        "source", "more", "system"]),
                       st.text(max_size=30), max_size=5))
def test_garbage_parameters_never_give_500(client, params):
    for url in ("/api/search?", "/?"):
        assert client.get(url + _qs(**params)).status_code in (200, 400)
    assert client.get("/api/suggest?" + _qs(q=params.get("q", ""))).status_code == 200
    assert client.get("/article/" + _qs(x=params.get("q", "x"))[2:] or "x").status_code in (200, 404)


def _qs(**params) -> str:
    from urllib.parse import urlencode
    return urlencode(params)


# -- facets -----------------------------------------------------------------------------------

def _facet(body, name):
    return {v["value"]: v for v in body["facets"][name]}


def test_two_sources_are_ored(client):
    alone = {s: api(client, f"/api/search?source={s}")["total"] for s in ("AP", "Reuters")}
    both = api(client, "/api/search?source=AP&source=Reuters&limit=100")
    assert both["total"] == alone["AP"] + alone["Reuters"]
    assert {h["source"] for h in both["hits"]} == {"AP", "Reuters"}


def test_person_and_source_are_anded(client):
    body = api(client, "/api/search?" + _qs(person="Lloyd Austin", source="Reuters") + "&limit=100")
    assert body["total"] > 0
    for hit in body["hits"]:
        assert hit["source"] == "Reuters" and "Lloyd Austin" in hit["persons"]
    assert body["total"] < api(client, "/api/search?source=Reuters")["total"]


def test_facet_counts_ignore_their_own_selection(client):
    plain = _facet(api(client, "/api/search?q=deliveries"), "source")
    chosen = api(client, "/api/search?q=deliveries&source=AP")
    counts = _facet(chosen, "source")
    assert {v: c["count"] for v, c in counts.items()} == {v: c["count"] for v, c in plain.items()}
    assert counts["AP"].get("selected") is True
    assert chosen["total"] == plain["AP"]["count"]
    # ... while other facets are narrowed by it
    person_all = _facet(api(client, "/api/search?q=deliveries"), "person")
    person_ap = _facet(chosen, "person")
    assert sum(v["count"] for v in person_ap.values()) < sum(v["count"] for v in person_all.values())


def test_facet_links_toggle_and_chips_remove(client):
    html = client.get("/?q=deliveries&source=AP").get_data(as_text=True)
    assert 'aria-label="Remove filter Source: AP"' in html
    chip = re.search(r'class="chip chip-source chip-removable" href="([^"]+)"', html).group(1)
    assert "source=AP" not in chip.replace("&amp;", "&") and "q=deliveries" in chip
    reuters = re.search(r'<input class="facet-check" type="checkbox" id="[^"]+" name="source" value="Reuters" '
                        r'data-url="([^"]+)">', html)
    assert parse_qs(urlsplit(reuters.group(1).replace("&amp;", "&")).query)["source"] == ["AP", "Reuters"]
    selected = re.search(r'name="source" value="AP" data-url="([^"]+)" checked>', html)
    assert selected and "source=AP" not in selected.group(1).replace("&amp;", "&")
    # without JavaScript the checkboxes submit as a form that carries the rest of the state
    form = html[html.index('<form class="facets"'):]
    form = form[:form.index("</form>")]
    assert '<input type="hidden" name="q" value="deliveries">' in form
    assert 'type="hidden" name="source"' not in form and "Apply filters" in form


def test_systems_grouped_by_category(client):
    html = client.get("/").get_data(as_text=True)
    section = html[html.index('id="facet-system"'):html.index('id="facet-source"')]
    assert '<h3 class="facet-group">MLRS</h3>' in section
    assert '<h3 class="facet-group">air defence</h3>' in section


def test_show_more_without_javascript(client):
    html = client.get("/").get_data(as_text=True)
    more = re.search(r'class="facet-more" href="([^"]+)">Show more people', html).group(1)
    expanded = client.get(more.replace("&amp;", "&")).get_data(as_text=True)
    section = lambda page: page[page.index('id="facet-person"'):page.index('id="facet-system"')]
    assert section(expanded).count('name="person"') > section(html).count('name="person"')
    assert "Show fewer" in section(expanded)


def test_entity_chip_on_hit_adds_filter(client):
    html = client.get("/?q=HIMARS").get_data(as_text=True)
    href = re.search(r'class="chip chip-person" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    params = parse_qs(urlsplit(href).query)
    assert params["q"] == ["HIMARS"] and params["person"]
    assert client.get(href).status_code == 200


# -- paging, sorting, dates, did-you-mean -------------------------------------------------------

def test_pagination(client):
    first = client.get("/?q=deliveries").get_data(as_text=True)
    second = client.get("/?q=deliveries&page=2").get_data(as_text=True)
    assert set(hit_ids(first)).isdisjoint(hit_ids(second))
    assert 'rel="next" href="/search?q=deliveries&amp;page=2"' in first
    assert 'aria-current="page">2<' in second and 'rel="prev"' in second
    total = api(client, "/api/search?q=deliveries")["total"]
    assert total >= 40
    pages = -(-total // 10)
    last = client.get(f"/?q=deliveries&page={pages}").get_data(as_text=True)
    assert len(hit_ids(last)) == total - (pages - 1) * 10
    assert 'class="page-link page-next is-disabled"' in last
    beyond = client.get("/?q=deliveries&page=400")
    assert beyond.status_code == 200 and b"past the last result" in beyond.data
    body = api(client, f"/api/search?q=deliveries&limit=7&page={-(-total // 7)}")
    assert body["pages"] == -(-total // 7) and len(body["hits"]) == total - (body["pages"] - 1) * 7


def test_sort_by_date(client):
    body = api(client, "/api/search?q=deliveries&sort=date&limit=40")
    dates = [h["date"] for h in body["hits"]]
    assert dates == sorted(dates, reverse=True)
    html = client.get("/?q=deliveries&sort=date").get_data(as_text=True)
    assert 'class="sort-option is-current" aria-current="true">Newest first' in html


def test_date_range_and_timeline_links(client):
    body = api(client, "/api/search?since=2022-03&until=2022-05&limit=100")
    assert body["total"] > 0
    assert all("2022-03-01" <= h["date"] <= "2022-05-31" for h in body["hits"])
    html = client.get("/?q=deliveries").get_data(as_text=True)
    bar = re.search(r'class="timeline-bar" href="([^"]+)" data-month="2022-06"', html).group(1)
    params = parse_qs(urlsplit(bar.replace("&amp;", "&")).query)
    assert params["since"] == ["2022-06"] and params["until"] == ["2022-06"]
    page = client.get(bar.replace("&amp;", "&")).get_data(as_text=True)
    assert "Dates</span> 2022-06 – 2022-06" in page


def test_did_you_mean_is_a_link(client):
    # (without verbatim=1 a query finding nothing shows its correction's results instead)
    html = client.get("/?q=Stoltenbreg&verbatim=1").get_data(as_text=True)
    link = re.search(r'Did you mean <a href="([^"]+)" class="suggestion-link"><strong>Stoltenberg', html)
    assert link
    followed = client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert hit_ids(followed)
    assert api(client, "/api/search?q=Stoltenbreg&verbatim=1")["suggestion"] == "Stoltenberg"
    corrected = api(client, "/api/search?q=Stoltenbreg")
    assert corrected["corrected_from"] == "Stoltenbreg" and corrected["query"] == "Stoltenberg"


# -- API ----------------------------------------------------------------------------------------

def test_api_search_shape(client):
    body = api(client, "/api/search?q=Austin&person=Lloyd+Austin")
    assert {"query", "total", "page", "hits", "facets", "took_ms", "suggestion", "warnings"} <= set(body)
    assert {"person", "system", "source", "org", "place", "year", "month",
            "collection"} == set(body["facets"])
    hit = body["hits"][0]
    assert {"id", "title", "date", "source", "url", "highlights", "persons"} <= set(hit)
    h = hit["highlights"][0]  # ("Austin" names Lloyd Austin: both his names are marked)
    assert any(h["text"][a:b].lower().startswith("austin") for a, b in h["matches"])


def test_api_article(client):
    body = api(client, "/api/article/synthetic-01")
    assert body["id"] == "synthetic-01" and body["body"]
    assert body["related"] and body["sharing_entities"][0]["shared"]


def test_api_suggest_entities_first_then_words(client):
    suggestions = api(client, "/api/suggest?q=stolt")["suggestions"]
    assert suggestions[0] == {"type": "person", "value": "Jens Stoltenberg", "count": 12,
                              "replaces": "stolt"}
    kinds = [s["type"] for s in suggestions]
    assert "word" in kinds and kinds.index("word") > 0
    assert all(k == "word" for k in kinds[kinds.index("word"):])
    multi = api(client, "/api/suggest?q=" + _qs(x="speech by lloyd aus")[2:])["suggestions"][0]
    assert multi["value"] == "Lloyd Austin" and multi["replaces"] == "lloyd aus"
    words = api(client, "/api/suggest?q=the+delive")["suggestions"]
    assert any(s["value"] == "the deliveries" for s in words)
    assert api(client, "/api/suggest?q=")["suggestions"] == []
    assert "error" in api(client, "/api/suggest?q=" + "x" * 201, 400)


def test_api_entities(client):
    body = api(client, "/api/entities")
    assert set(body) == {"person", "system", "source", "org", "place"}
    people = api(client, "/api/entities?type=person&limit=2")
    assert list(people) == ["person"] and len(people["person"]) == 2
    assert people["person"][0] == {"value": "Lloyd Austin", "count": 16}
    assert api(client, "/api/entities?type=system&q=leo")["system"][0]["value"] == "Leopard 2"
    assert "error" in api(client, "/api/entities?type=weapon", 400)
    assert "error" in api(client, "/api/entities?limit=0", 400)
    assert set(SOURCES) <= {v["value"] for v in api(client, "/api/entities?type=source")["source"]}


def test_openapi_paths_answer_and_reject_bad_parameters(client):
    spec = api(client, "/api/openapi.json")
    assert spec["openapi"].startswith("3.")
    bad_value = {"integer": "not-a-number", "string": "%%bad%%"}
    for path, operations in spec["paths"].items():
        operation = operations["get"]
        url = path.replace("{id}", "synthetic-01").replace("{kind}/{name}", "person/Lloyd Austin")
        if path == "/api/trends":
            url += "?q=HIMARS"
        assert client.get(url).status_code == 200, url
        if "404" in operation["responses"]:
            missing = path.replace("{id}", "no-such-id").replace("{kind}/{name}", "person/Nobody Atall")
            assert client.get(missing).status_code == 404
        for param in operation.get("parameters", []):
            if param["in"] != "query":
                continue
            schema = param["schema"].get("items", param["schema"])
            constrained = {"enum", "pattern", "minimum", "maxLength"} & set(schema)
            if not constrained:
                continue
            value = "x" * (schema["maxLength"] + 1) if "maxLength" in schema else \
                bad_value[schema["type"]]
            response = client.get(url + ("&" if "?" in url else "?") + _qs(**{param["name"]: value}))
            assert response.status_code == 400, (url, param["name"], value)
            assert "error" in response.get_json()
        for status in operation["responses"]:
            assert status in ("200", "400", "404")


# -- serving ------------------------------------------------------------------------------------

def test_ensure_index_builds_from_seeds_once(tmp_path):
    from tests.webcorpus import SEEDS
    target = str(tmp_path / "idx")
    assert ensure_index(target, None) is False
    assert ensure_index(target, SEEDS) is True
    assert ensure_index(target, SEEDS) is False
    client = create_app({"SEARCH_INDEX": target}).test_client()
    assert api(client, "/api/search")["total"] == 5


def test_missing_index_is_a_clear_error_not_a_500(tmp_path):
    client = create_app({"SEARCH_INDEX": str(tmp_path / "none")}).test_client()
    response = client.get("/")
    assert response.status_code == 503 and b"search index" in response.data
    assert "No index" in api(client, "/api/search", 503)["error"]


def test_reindex_is_picked_up_without_restart(tmp_path):
    import json
    from search.backends.embedded.indexer import index_paths
    from tests.webcorpus import SEEDS
    target = str(tmp_path / "idx")
    index_paths([SEEDS], target)
    client = create_app({"SEARCH_INDEX": target}).test_client()
    assert api(client, "/api/search")["total"] == 5
    extra = tmp_path / "more.jsonl"
    extra.write_text(json.dumps({"title": "Fresh news", "body": "Brand new article text.",
                                 "date": "2024-01-01"}) + "\n")
    index_paths([str(extra)], target)
    assert api(client, "/api/search")["total"] == 6


def test_entity_links_escape_a_hostile_name():
    """``about_link`` builds its HTML with ``Markup.format``, which escapes every argument:
    an entity name (article text) can neither close the attribute nor add markup."""
    from web.views import _about_link

    name = '<script>alert(1)</script>" onmouseover="x'
    html = str(_about_link('/root"', "person", name))
    assert "<script>" not in html and '" onmouseover' not in html and 'root"' not in html
    assert "About &lt;script&gt;alert(1)&lt;/script&gt;&#34; onmouseover=&#34;x" in html
    assert 'href="/root&#34;/entity/person/%3Cscript%3E' in html


HOSTILE = '<script>alert(1)</script>" onmouseover=\'x\' & é'


def test_page_fragments_escape_as_the_templates_did(app):
    """web/fragments.py builds the results page's repeated pieces in Python: each gives the
    HTML the template loop it replaced gave (Jinja's autoescaping), hostile values included."""
    from jinja2 import Environment
    from werkzeug.datastructures import MultiDict

    from search.models import Hit
    from web import fragments
    from web.params import UrlState
    from web.views import FacetItem, FILTER_LABELS, about_link, facet_about_link

    jinja = Environment(autoescape=True)
    other = Hit(id=f"a/{HOSTILE}", title=HOSTILE, date=None, source=HOSTILE, url="", score=0.0,
                persons=(), systems=(), orgs=(), places=())
    hit = Hit(id="x", title=HOSTILE, date=None, source="s", url="", score=0.0,
              persons=(HOSTILE, "Ann Lee"), systems=(), orgs=(HOSTILE,), places=("Kyiv",))
    with app.test_request_context("/search?q=a%22b&person=Ann+Lee"):
        state = UrlState(MultiDict([("q", 'a"b'), ("person", "Ann Lee")]), "/search")
        qs = state.query_string()
        assert str(fragments.marked(HOSTILE, ((0, 8), (9, 14)))) == jinja.from_string(
            "{% for text, is_match in segments %}{% if is_match %}<mark>{{ text }}</mark>"
            "{% else %}{{ text }}{% endif %}{% endfor %}").render(
            segments=[(HOSTILE[:8], True), (HOSTILE[8:9], False), (HOSTILE[9:14], True),
                      (HOSTILE[14:], False)])
        assert str(fragments.similar_items([other], qs)) == jinja.from_string(
            "{% for other in others %}\n    <li><a href=\"{{ url }}{{ qs }}\">{{ other.title }}</a>\n"
            "      <span class=\"hit-meta\">{{ other.date or 'undated' }} · {{ other.source }}"
            "</span></li>\n    {% endfor %}").render(
            others=[other], qs=qs, url=app.url_map.bind("").build(
                "views.article", {"article_id": other.id}))
        assert str(fragments.entity_chips(hit, state, FILTER_LABELS, about_link)) == jinja.from_string(
            "{% for kind, names in lists %}{% for name in names[:5] %}\n"
            '    <li class="chip-pair"><a class="chip chip-{{ kind }}{% if state.has(kind, name) %}'
            ' is-selected{% endif %}" href="{{ state.add(kind, name) }}"\n'
            '           title="Filter: {{ labels[kind] }} {{ name }}"><span class="visually-hidden">'
            "Filter by {{ labels[kind] }}: </span>{{ name }}</a>{{ about_link(kind, name) }}</li>\n"
            "    {% endfor %}{% endfor %}").render(
            lists=[("person", hit.persons), ("system", ()), ("org", hit.orgs), ("place", hit.places)],
            state=state, labels=FILTER_LABELS, about_link=about_link)
        items = [FacetItem(HOSTILE, 1234, True, "f-person-0", "", state.toggle("person", HOSTILE),
                           state.exclude("person", HOSTILE)),
                 FacetItem("Ann Lee", 5, False, "f-person-1", "", "/u", "/x")]
        assert str(fragments.facet_rows("person", items, facet_about_link)) == jinja.from_string(
            "{% for v in values %}\n"
            '        <li class="facet-row{% if v.selected %} is-selected{% endif %}"><input class="facet-check"'
            ' type="checkbox" id="{{ v.id }}" name="{{ name }}" value="{{ v.value }}" data-url="{{ v.url }}"'
            "{% if v.selected %} checked{% endif %}>\n"
            '          <label class="facet-value" for="{{ v.id }}"><span class="facet-label" id="{{ v.id }}l">'
            '{{ v.value }}</span> <span class="count">{{ "{:,}".format(v.count) }}<span class="visually-hidden">'
            " articles</span></span></label>\n"
            '          <a class="facet-not" href="{{ v.exclude_url }}" aria-labelledby="w-not {{ v.id }}l">−</a>'
            "{{ about(name, v.value) }}</li>\n        {% endfor %}").render(
            values=items, name="person", about=facet_about_link)
        assert "<script>" not in str(fragments.facet_rows("person", items, facet_about_link))


def test_timeline_bars_fragment_is_the_template_loop(app):
    """``fragments.timeline_bars`` gives what the template's loop over the bars gave, with a
    hostile query in the state and a selected range."""
    from jinja2 import Environment
    from werkzeug.datastructures import MultiDict

    from search.models import Facet, FacetValue
    from web import fragments
    from web.params import UrlState
    from web.timeline import build_timeline

    loop = Environment(autoescape=True).from_string(
        "{% for bar in timeline.bars %}\n"
        '    <a class="timeline-bar{% if not bar.selected %} is-outside{% endif %}" href="{{ state.with_('
        'since=bar.month, until=bar.month) }}" data-month="{{ bar.month }}"\n'
        '       data-x="{{ bar.x }}" data-width="{{ bar.width }}"\n'
        '       aria-label="{{ bar.label }}: {{ bar.count }} article{{ \'\' if bar.count == 1 else \'s\' }}'
        "{% if timeline.ranged %}{{ ' (selected)' if bar.selected else '' }}{% endif %}\">\n"
        "      <title>{{ bar.label }}: {{ bar.count }} article{{ '' if bar.count == 1 else 's' }}</title>\n"
        '      <rect class="bar-hit" x="{{ bar.x }}%" y="0" width="{{ bar.width }}%" height="{{ timeline.height }}">'
        "</rect>\n"
        '      <rect class="bar{% if not bar.count %} is-empty{% endif %}" x="{{ bar.x }}%" y="{{ bar.y }}" '
        'width="{{ bar.width }}%" height="{{ bar.height }}"></rect>\n    </a>\n    {% endfor %}')
    months = Facet("month", (FacetValue("2022-01", 1), FacetValue("2022-02", 0), FacetValue("2022-04", 7)))
    for pairs, selected in (([("q", HOSTILE), ("page", "2"), ("since", "2022-02")], ("2022-02", "2022-04")),
                            ([], None)):
        state = UrlState(MultiDict(pairs), '/search"x')
        timeline = build_timeline(months, selected=selected)
        assert str(fragments.timeline_bars(timeline, state)) == loop.render(timeline=timeline, state=state)


def test_warm_up_reads_the_alias_terms_whoosh_would(index_dir):
    """``warm_up`` keeps every entity's alias terms (one pass over the field): each prefix
    answers what Whoosh's ``expand_prefix`` does, and a prefix without terms answers ()."""
    from search.engine import SearchEngine, _TermCounts
    from search.understanding.fields import SEP

    engine = SearchEngine(index_dir)
    engine.warm_up()
    snap = engine._snapshot()
    reader, source = snap.searcher.reader(), snap.source
    assert "alias" in source.complete_prefixes
    counts = _TermCounts(reader, None, source.prefix_terms, source.complete_prefixes)
    prefixes = [p for field, p in source.prefix_terms if field == "alias"]
    assert prefixes
    for prefix in prefixes + [f"No such entity{SEP}", f"{prefixes[0][:-1]}x{SEP}"]:
        assert counts.expand_prefix("alias", prefix) == tuple(reader.expand_prefix("alias", prefix))


#: The hit template that ``fragments.hit_item`` replaced (with its ``_similar.html``).
_OLD_HIT = """<li class="hit">
  <h2 class="hit-title"><a href="{{ url_for('views.article', article_id=hit.id) }}{{ state.query_string() }}">{% if hit.title %}{% for text, is_match in hit.title_segments() %}{% if is_match %}<mark>{{ text }}</mark>{% else %}{{ text }}{% endif %}{% endfor %}{% else %}(untitled){% endif %}</a></h2>
  <p class="hit-meta">
    {% if hit.date %}<time datetime="{{ hit.date }}">{{ hit.date }}</time>{% else %}<span class="undated">undated</span>{% endif %}
    <span class="sep" aria-hidden="true">·</span>
    <a class="hit-source" href="{{ state.add('source', hit.source) }}" title="Filter by this source">{{ hit.source }}</a>
  </p>
  {% if hit.missing %}<p class="hit-partial">Partial match, missing: {% for word in hit.missing %}<s>{{ word }}</s>{% if not loop.last %}, {% endif %}{% endfor %}</p>{% endif %}
  {% for h in hit.highlights %}
  <p class="passage">{% for text, is_match in h.segments() %}{% if is_match %}<mark>{{ text }}</mark>{% else %}{{ text }}{% endif %}{% endfor %}</p>
  {% endfor %}
  {# The same story from other files, collapsed under this hit (search/dedup.py); <details> opens without JavaScript. #}
{% if hit.similar %}
<details class="hit-similar">
  <summary>+{{ hit.similar|length }} similar</summary>
  <ul>
    {% for other in hit.similar %}
    <li><a href="{{ url_for('views.article', article_id=other.id) }}{{ state.query_string() }}">{{ other.title or "(untitled)" }}</a>
      <span class="hit-meta">{{ other.date or "undated" }} · {{ other.source }}</span></li>
    {% endfor %}
  </ul>
</details>
{% endif %}
  {% set entity_lists = [("person", hit.persons), ("system", hit.systems), ("org", hit.orgs), ("place", hit.places)] %}
  {% if hit.persons or hit.systems or hit.orgs or hit.places %}
  <ul class="chips hit-entities" aria-label="Entities in this article">
    {% for kind, names in entity_lists %}{% for name in names[:5] %}
    <li class="chip-pair"><a class="chip chip-{{ kind }}{% if state.has(kind, name) %} is-selected{% endif %}" href="{{ state.add(kind, name) }}"
           title="Filter: {{ labels[kind] }} {{ name }}"><span class="visually-hidden">Filter by {{ labels[kind] }}: </span>{{ name }}</a>{{ about_link(kind, name) }}</li>
    {% endfor %}{% endfor %}
  </ul>
  {% endif %}
</li>"""


def test_hit_item_is_the_hit_template_it_replaced(app):
    """``fragments.hit_item`` gives what the hit template gave, byte for byte: hostile text,
    an undated and untitled hit, a partial match, similar copies, chips or none."""
    from flask import render_template_string
    from werkzeug.datastructures import MultiDict

    from search.models import Highlight, Hit
    from web import fragments
    from web.params import UrlState
    from web.views import FILTER_LABELS, about_link

    other = Hit(id=f"o/{HOSTILE}", title="", date=None, source=HOSTILE, url="", score=0.0,
                persons=(), systems=(), orgs=(), places=())
    hits = [
        Hit(id=HOSTILE, title=HOSTILE, date="2024-05-01", source=HOSTILE, url="", score=1.0,
            persons=(HOSTILE, "Ann Lee"), systems=("Patriot",), orgs=(), places=tuple("abcdefg"),
            highlights=(Highlight(HOSTILE, ((0, 8), (20, 22))), Highlight("plain", ())),
            similar=(other, other), title_matches=((1, 7),), missing=(HOSTILE, "two")),
        Hit(id="u", title="", date=None, source="s", url="", score=0.0,
            persons=(), systems=(), orgs=(), places=()),
    ]
    with app.test_request_context("/search?q=a%22b&person=Ann+Lee"):
        state = UrlState(MultiDict([("q", 'a"b'), ("person", "Ann Lee"), ("page", "2")]), "/search")
        for hit in hits:
            expected = render_template_string(_OLD_HIT, hit=hit, state=state, labels=FILTER_LABELS)
            got = fragments.hit_item(hit, state, state.query_string(), FILTER_LABELS, about_link)
            assert str(got) == expected
            assert "<script>" not in expected
