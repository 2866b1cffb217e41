"""One story once on both backends: a small corpus with exact copies, a near-duplicate, a
headline-only copy and two different texts under one title ("Your Monday briefing"),
loaded into the embedded index and into the cluster (in one run with two worker
processes; in two runs one after the other; by two runs at once; and again), gives the
same totals, the same stories in the hits with the same "similar" copies, and facet
counts that count a story once (under the values of its first copy)."""

from __future__ import annotations

import json
import pathlib
import threading
import uuid

import pytest

from search.backends.embedded.indexer import index_paths
from search.backends.opensearch.connection import parse_address
from search.backends.opensearch.engine import OpenSearchEngine
from search.backends.opensearch.loader import index_into_cluster
from search.engine import SearchEngine
from search.models import SearchRequest
from search.settings import Limits
from tests.webcorpus import synthetic_articles

pytestmark = pytest.mark.opensearch

_STORY = " ".join(f"Finnish conscript number {i} trains near the border at Lappeenranta, {w}."
                  for i, w in enumerate(["says his officer", "watching the forest", "in the snow",
                                         "before the exercise", "with the tank brigade"] * 6))
BRIEFING = "Your Monday briefing"


def _first_file() -> list[dict]:
    # brief-1 first: of the two texts titled BRIEFING, the headline of that title (last in
    # the second file) meets it first, however the worker processes interleave
    return [
        {"id": "brief-1", "title": BRIEFING, "source": "The New York Times", "date": "2022-06-13",
         "body": "Good morning. Lappeenranta residents weigh the Nato question. " * 3},
        {"id": "finland-a", "title": "Finland's border zone", "body": _STORY, "source": "The Guardian",
         "date": "2022-06-10"},
    ] + synthetic_articles()


def _second_file() -> list[dict]:
    synthetic = {a["id"]: a for a in synthetic_articles()}
    copy = lambda n, new_id, **changes: {**synthetic[f"synthetic-{n:02d}"], "id": new_id, **changes}  # noqa: E731
    return [
        copy(3, "copy-03"),  # exact copies, same outlet
        copy(12, "copy-12a"), copy(12, "copy-12b"),
        copy(7, "copy-07", source="Reuters" if synthetic["synthetic-07"]["source"] != "Reuters" else "AP"),
        {**synthetic["synthetic-20"], "id": "headline-20", "body": ""},  # a headline without text
        {"id": "finland-b", "title": "Finland's border zone", "source": "The Guardian", "date": "2022-06-10",
         "body": _STORY.replace("number 7 trains", "number 7 drills") + " Photographs by Jane Doe."},
        {"id": "finland-c", "title": "Finland’s border zone", "body": "", "source": "The Guardian",
         "date": "2022-06-10"},
        {"id": "brief-2", "title": BRIEFING, "source": "The New York Times", "date": "2022-06-14",
         "body": "Good morning. Grain ships wait outside Odesa while Lappeenranta votes. " * 3},
        {"id": "brief-3", "title": BRIEFING, "source": "The New York Times", "body": "",
         "date": "2022-06-14"},
    ]


STORIES = {frozenset({"synthetic-03", "copy-03"}), frozenset({"synthetic-12", "copy-12a", "copy-12b"}),
           frozenset({"synthetic-07", "copy-07"}), frozenset({"synthetic-20", "headline-20"}),
           frozenset({"finland-a", "finland-b", "finland-c"}), frozenset({"brief-1", "brief-3"})}
ARTICLES = 40 + 2 + 9


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> tuple[str, str]:
    folder = tmp_path_factory.mktemp("stories")
    paths = []
    for name, articles in (("a", _first_file()), ("b", _second_file())):
        path = folder / name / f"{name}.jsonl"
        path.parent.mkdir()
        path.write_text("".join(json.dumps(a) + "\n" for a in articles), encoding="utf-8")
        paths.append(str(path.parent))
    return paths[0], paths[1]


@pytest.fixture(scope="module")
def embedded(files, tmp_path_factory) -> SearchEngine:
    index_dir = str(tmp_path_factory.mktemp("stories-index") / "index")
    assert index_paths(list(files), index_dir, workers=1).clean
    return SearchEngine(index_dir)


def _new_address(opensearch_url: str, name: str) -> str:
    return f"{opensearch_url.replace('http://', 'opensearch://')}/{name}-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def cluster(opensearch_url, files):
    """Both files loaded in one run by two worker processes, 8 articles at a time (so the
    workers link stories at the same moment, over batches)."""
    spec = _new_address(opensearch_url, "stories")
    report = index_into_cluster(list(files), parse_address(spec), workers=2, batch=8)
    assert (report.added, report.total) == (ARTICLES, ARTICLES)
    engine = OpenSearchEngine(spec, limits=Limits(time_budget=30.0))  # (answers compared, not timed)
    yield engine
    engine.client.indices.delete(index=engine.index)
    engine.close()


def stories_of(results) -> set[frozenset[str]]:
    """The stories of the hits: each hit with its similar copies."""
    return {frozenset({h.id, *(o.id for o in h.similar)}) for h in results.hits}


def _facets(results) -> dict:
    return {f.name: [(v.value, v.count, v.selected) for v in f.values] for f in results.facets}


REQUESTS = [SearchRequest(text=t, per_page=100) for t in (
    "", "deliveries", '"weapons shipments"', "Lappeenranta", "border zone", "finland",
    BRIEFING.lower(), "report 12", "himars OR patriot", "conscript drills")] + [
    SearchRequest(per_page=100, sort="date"), SearchRequest(text="deliveries", per_page=5, page=2),
    SearchRequest(text="ukraine", persons=("Lloyd Austin",), per_page=100),
    SearchRequest(systems=("HIMARS", "Javelin"), places=("Kyiv",), per_page=100)]


def test_the_embedded_index_sees_these_stories(embedded):
    found = stories_of(embedded.search(SearchRequest(per_page=100)))
    assert STORIES <= found
    assert embedded.search(SearchRequest()).total == ARTICLES - sum(len(s) - 1 for s in STORIES)


HEADLINES = {"headline-20", "finland-c", "brief-3"}  # articles without text


def _story_of(embedded: SearchEngine) -> dict[str, str]:
    """Each article's story, named by its first copy (the smallest id of a copy with
    text), as the embedded index groups them."""
    out = {}
    for story in stories_of(embedded.search(SearchRequest(per_page=100))):
        for article_id in story:
            out[article_id] = min(story, key=lambda i: (i in HEADLINES, i))
    return out


def _counted_once(embedded: SearchEngine, request_: SearchRequest) -> dict:
    """The facet counts the cluster gives: a story counts once, under the values of its
    first copy (the label the cluster gives it) when that copy matches.
    The embedded index counts the values of the matching copy it shows: the two differ
    only where copies differ (another source or folder, an entity one copy names, words
    only one copy has)."""
    story = _story_of(embedded)
    values: dict[str, dict[str, int]] = {}
    for article in embedded.iter_articles(request_):
        if story.get(article.id, article.id) != article.id:
            continue  # another copy: its story counts under its first copy's values
        facets = {"person": article.persons, "system": article.systems, "source": (article.source,),
                  "org": article.orgs, "place": article.places,
                  "collection": (article.collection,) if article.collection else ()}
        for name, found in facets.items():
            for value in set(found):
                values.setdefault(name, {})[value] = values.get(name, {}).get(value, 0) + 1
    out = {}
    for name, counted in values.items():
        ranked = sorted(counted.items(), key=lambda vc: (-vc[1], vc[0]))
        out[name] = [(v, c, False) for v, c in ranked[:request_.facet_limit]]
    return out


@pytest.mark.parametrize("request_", REQUESTS, ids=lambda r: f"{r.text!r}-{r.filters()}-{r.sort}-{r.page}")
def test_same_stories_totals_and_facets(embedded, cluster, request_):
    ours, theirs = embedded.search(request_), cluster.search(request_)
    assert theirs.total == ours.total
    assert len(theirs.hits) == len(ours.hits)
    if request_.page == 1 and len(ours.hits) < request_.per_page:  # every hit on the page
        assert stories_of(theirs) == stories_of(ours)
    a, b = _facets(ours), _facets(theirs)
    assert (b.pop("year"), b.pop("month")) == (a.pop("year"), a.pop("month"))
    if not any(request_.filters().values()):
        assert {name: values for name, values in b.items() if values} == _counted_once(embedded, request_)
    for name, values in b.items():  # (with selections: a story counted once per value)
        assert {v for v, _, _ in values} >= {v for v, _, _ in a[name]} or len(values) == request_.facet_limit


def test_every_value_counts_stories_too(embedded, cluster):
    paged = OpenSearchEngine(cluster.address, facet_page=2, limits=Limits(time_budget=30.0))
    for request_ in (SearchRequest(facet_limit=1_000_000), SearchRequest(text="deliveries", facet_limit=1_000_000)):
        found = _facets(paged.search(request_))
        found.pop("year"), found.pop("month")
        assert {name: values for name, values in found.items() if values} == _counted_once(embedded, request_)


def test_similar_copies_are_listed_whether_or_not_they_match(cluster):
    hit = cluster.search(SearchRequest(text="conscript")).hits[0]
    assert hit.id in ("finland-a", "finland-b")  # a copy with text stands for its story
    assert {o.id for o in hit.similar} == {"finland-a", "finland-b", "finland-c"} - {hit.id}
    briefs = cluster.search(SearchRequest(text="title:\"monday briefing\"", per_page=10))
    assert briefs.total == 2 and stories_of(briefs) == {frozenset({"brief-1", "brief-3"}),
                                                        frozenset({"brief-2"})}


def _load_and_compare(spec: str, embedded: SearchEngine, runs: list[list[str]], *, at_once: bool) -> None:
    reports = []

    def run(paths: list[str]) -> None:
        reports.append(index_into_cluster(paths, parse_address(spec), workers=1))

    if at_once:
        threads = [threading.Thread(target=run, args=(paths,)) for paths in runs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    else:
        for paths in runs:
            run(paths)
    assert sum(r.added for r in reports) == ARTICLES
    engine = OpenSearchEngine(spec, limits=Limits(time_budget=30.0))  # (answers compared, not timed)
    try:
        for request_ in (SearchRequest(per_page=100), SearchRequest(text="deliveries", per_page=100)):
            ours, theirs = embedded.search(request_), engine.search(request_)
            assert (theirs.total, _in_any_order(theirs)) == (ours.total, _in_any_order(ours))
        again = index_into_cluster([p for paths in runs for p in paths], parse_address(spec), workers=1)
        assert (again.added, again.unchanged) == (0, ARTICLES)
        assert _in_any_order(engine.search(SearchRequest(per_page=100))) == \
               _in_any_order(embedded.search(SearchRequest(per_page=100)))
    finally:
        engine.client.indices.delete(index=engine.index)
        engine.close()


def _in_any_order(results) -> set[frozenset[str]]:
    """The stories of the hits, but for the one thing the order of loading decides, on
    either backend: which of two texts titled "Your Monday briefing" the headline of that
    title joins (the first it meets); it joins one of them."""
    found = stories_of(results)
    briefs = [s for s in found if s & {"brief-1", "brief-2", "brief-3"}]
    assert sorted(len(s) for s in briefs) in ([], [1, 2])
    return {s for s in found if s not in briefs}


def test_copies_loaded_later_join_their_stories(opensearch_url, files, embedded):
    _load_and_compare(_new_address(opensearch_url, "later"), embedded, [[files[0]], [files[1]]],
                      at_once=False)


def test_two_loaders_at_once_agree_on_the_stories(opensearch_url, files, embedded):
    _load_and_compare(_new_address(opensearch_url, "at-once"), embedded, [[files[1]], [files[0]]],
                      at_once=True)


def test_an_index_without_copies_is_searched_as_before(cluster, opensearch_url, tmp_path):
    path = tmp_path / "one" / "one.jsonl"
    path.parent.mkdir()
    path.write_text("".join(json.dumps(a) + "\n" for a in synthetic_articles()[:5]), encoding="utf-8")
    spec = _new_address(opensearch_url, "single")
    index_into_cluster([str(path.parent)], parse_address(spec), workers=1)
    engine = OpenSearchEngine(spec, limits=Limits(time_budget=30.0))  # (answers compared, not timed)
    try:
        assert engine._view().copies == 0 and engine.search(SearchRequest()).total == 5
        assert cluster._view().copies > 0
    finally:
        engine.client.indices.delete(index=engine.index)
        engine.close()
