"""Runaway queries (every letter as a prefix, ranges over the whole alphabet, dozens of
OR'ed prefixes, 1,000-letter words, 10,000-character queries) are answered inside the
time budget: their expansions are bounded and say what they cut, "did you mean" skips
what it cannot do quickly, and a search past its budget stops with a clear error."""

from __future__ import annotations

import json
import random
import string
import time
from dataclasses import replace
from urllib.parse import urlencode

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import query as wq

from search.understanding.expansion import Lexicon, bound_expansions
from search.backends.embedded.indexer import index_paths
from search.engine import SearchEngine
from search.errors import QueryTimeoutError
from search.models import SearchRequest
from search.settings import LIMITS, Limits
from web import create_app

BUDGET = 1.0
#: What a search may take past its budget: the step that was running when it ran out
#: finishes (the slowest measured here is a few hundred ms on a busy shared machine).
SLACK = 1.5


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(3, 9)))


@pytest.fixture(scope="module")
def big_index(tmp_path_factory) -> str:
    """800 articles over a vocabulary of 8,000 made-up words (some 300 per initial
    letter), in several segments: a prefix like ``a*`` expands to hundreds of words."""
    rng = random.Random(13)
    vocabulary = sorted({_word(rng) for _ in range(8_000)})
    folder = tmp_path_factory.mktemp("runaway")
    with open(folder / "articles.jsonl", "w", encoding="utf-8") as out:
        for i in range(800):
            title = " ".join(rng.choices(vocabulary, k=6))
            body = " ".join(rng.choices(vocabulary, k=60))
            out.write(json.dumps({"id": f"a{i}", "title": title, "body": body,
                                  "date": f"20{10 + i % 14}-0{1 + i % 9}-1{i % 9}"}) + "\n")
    root = str(folder / "index")
    index_paths([str(folder / "articles.jsonl")], root, workers=1, segment_chars=150_000)
    return root


@pytest.fixture(scope="module")
def engine(big_index) -> SearchEngine:
    engine = SearchEngine(big_index, limits=replace(LIMITS, time_budget=BUDGET))
    engine.warm_up()
    return engine


RUNAWAY = {
    "every letter as a prefix": " ".join(c + "*" for c in string.ascii_lowercase),
    "the alphabet as a range in both fields": "title:[a TO z] body:[a TO z]",
    "50 OR'ed prefixes": " OR ".join(a + b + "*" for a, b in
                                     zip(string.ascii_lowercase * 2, "aeiouy" * 9)),
    "a 1,000-letter word": "abcdefghij" * 100,
    "a 10,000-character query": " ".join(["misspeltword"] * 800),
    "prefixes under NOT": "a* -b* -c* NOT d*",
    "a wildcard with its letters late": "a?c* OR b?d* OR c??e*",
}


@pytest.mark.parametrize("text", RUNAWAY.values(), ids=RUNAWAY.keys())
def test_runaway_queries_are_answered_inside_the_budget(engine, text):
    started = time.perf_counter()
    try:
        results = engine.search(SearchRequest(text=text))
    except QueryTimeoutError as exc:  # a clear error is an answer too
        assert "stopped after" in str(exc)
    else:
        assert results.total >= 0
    assert time.perf_counter() - started < BUDGET + SLACK


def test_a_cut_expansion_says_what_it_cut(engine):
    results = engine.search(SearchRequest(text="a*"))
    assert results.total > 0
    (warning,) = results.warnings
    assert warning.startswith("a* matches ") and f"the {LIMITS.max_expansions} most frequent" in warning
    many = engine.search(SearchRequest(text=" ".join(c + "*" for c in "abcdefgh")))
    assert any("8 prefixes, wildcards or ranges (a*, b*, c*, d*, e*, …)" in w for w in many.warnings)
    assert any(f"its {LIMITS.max_expanded_terms // 16} most frequent" in w for w in many.warnings)


def test_the_words_kept_are_the_most_frequent(big_index):
    engine = SearchEngine(big_index, limits=replace(LIMITS, max_expansions=5))
    snap = engine._snapshot()
    reader = snap.searcher.reader()
    bounded, warnings = bound_expansions(wq.Prefix("body", "b"), reader, snap.source.lexicon,
                                         engine.limits)
    kept = [t.text for t in bounded.subqueries]
    frequency = {w.decode(): reader.doc_frequency("body", w.decode())
                 for w in reader.expand_prefix("body", "b")}
    ranked = sorted(frequency, key=lambda w: (-frequency[w], w))
    assert kept == ranked[:5] and warnings


def test_a_long_query_is_cut_with_a_note(engine):
    results = engine.search(SearchRequest(text="zzzz " * 1000))
    assert results.warnings[0].startswith("the query is 5,000 characters long")


def test_did_you_mean_skips_giant_words_and_stops_after_a_few(engine):
    started = time.perf_counter()
    assert engine.search(SearchRequest(text="q" * 1000)).suggestion == ""
    assert time.perf_counter() - started < 0.5
    rng = random.Random(5)
    typos = " ".join(_word(rng) + "q" for _ in range(60))
    suggestion = engine.search(SearchRequest(text=typos)).suggestion
    changed = sum(a != b for a, b in zip(typos.split(), suggestion.split())) if suggestion else 0
    assert changed <= LIMITS.suggest_max_words


def test_a_search_past_its_budget_stops_with_a_clear_error(big_index):
    engine = SearchEngine(big_index, limits=replace(LIMITS, time_budget=1e-9))
    with pytest.raises(QueryTimeoutError, match="stopped after 1e-09 s.*narrower"):
        engine.search(SearchRequest(text='"some phrase" a*'))


def test_over_http_a_runaway_query_is_200_or_a_clear_400(big_index):
    client = create_app({"SEARCH_INDEX": big_index, "TESTING": True, "TIME_BUDGET": 1e-9}).test_client()
    response = client.get("/api/search?" + urlencode({"q": '"some phrase"'}))
    assert response.status_code == 400 and "stopped after" in response.get_json()["error"]
    page = client.get("/?" + urlencode({"q": '"some phrase"'}))
    assert page.status_code == 400 and b"That search took too long" in page.data
    client = create_app({"SEARCH_INDEX": big_index, "TESTING": True}).test_client()
    for text in RUNAWAY.values():
        response = client.get("/api/search?" + urlencode({"q": text[:1000]}))
        assert response.status_code in (200, 400), response.data[:200]


# -- below the limits, a bounded expansion is the same query --------------------------------

def _words(reader, node) -> list[str]:
    return sorted(reader.schema[node.fieldname].from_bytes(b) for _, b in node.expanded_terms(reader))


@pytest.fixture(scope="module")
def unlimited(big_index) -> SearchEngine:
    return SearchEngine(big_index, limits=Limits(time_budget=0))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(["title", "body"]),
       st.text(alphabet="abcdez", min_size=0, max_size=3),
       st.text(alphabet="abcdez", min_size=0, max_size=3),
       st.booleans(), st.booleans(), st.sampled_from(["prefix", "range", "wildcard"]))
def test_the_lexicon_finds_exactly_the_words_whoosh_finds(unlimited, field, a, b, startexcl, endexcl,
                                                          kind):
    snap = unlimited._snapshot()
    reader, lexicon = snap.searcher.reader(), snap.source.lexicon(field)
    if kind == "prefix":
        node = wq.Prefix(field, a or "a")
    elif kind == "range":
        node = wq.TermRange(field, a or None, b or None, startexcl, endexcl)
    else:
        node = wq.Wildcard(field, (a or "a") + "?" + b + "*")
    lo, hi = lexicon.span(node)
    found = lexicon.words[lo:hi]
    if kind == "wildcard":
        import fnmatch
        found = [w for w in found if fnmatch.fnmatchcase(w, node.text)]
    assert sorted(found) == _words(reader, node)


def test_the_lexicon_adds_up_every_segment(unlimited):
    snap = unlimited._snapshot()
    reader = snap.searcher.reader()
    assert len(snap.source.impacts.segments) > 1  # (the fixture writes several)
    lexicon = Lexicon.from_impacts(snap.source.impacts, "body")
    assert lexicon.words == sorted(w.decode() for w in reader.lexicon("body"))
    sample = lexicon.words[::97]
    assert [int(lexicon.counts[lexicon.words.index(w)]) for w in sample] == \
        [reader.doc_frequency("body", w) for w in sample]


@pytest.mark.parametrize("text", ["b*", "title:b*", "ba* OR zo*", "body:[ba TO bd]", "title:[a TO az]", "+ca* -cb*"])
def test_under_the_limits_the_expanded_query_is_the_or_of_every_word(big_index, text):
    # Whoosh scores a pattern as the OR of its words in an index of over 5,000 documents
    # (its DefaultOr), and as a constant 1 in smaller ones (PreloadedOr): the expansion
    # scores as the former, always.
    limits = Limits(time_budget=0, max_expansions=10_000, max_expanded_terms=100_000)
    engine = SearchEngine(big_index, limits=limits)
    snap = engine._snapshot()
    reader = snap.searcher.reader()
    parsed = engine.parse(text)
    bounded, warnings = bound_expansions(parsed.query, reader, snap.source.lexicon, limits)
    assert warnings == () and str(bounded) != str(parsed.query)

    def every_word(node):
        if isinstance(node, wq.MultiTerm):
            return wq.Or([wq.Term(node.fieldname, w, boost=node.boost) for w in _words(reader, node)])
        return node

    scorer = engine._scorer(snap)
    before, after = scorer.match(parsed.query.accept(every_word)), scorer.match(bounded)
    assert before.mask.any() and np.array_equal(before.mask, after.mask)
    assert np.allclose(before.scores, after.scores, rtol=1e-9, atol=0)


def test_the_cli_answers_a_10000_character_query_quickly(cli):
    started = time.perf_counter()
    result = cli("query", " ".join(["abcdefghijklmnopqrstuvwxyz" * 3] * 128))
    assert result.exit_code == 0
    assert result.output.startswith("Note: the query is 10,111 characters long: only its first")
    assert time.perf_counter() - started < BUDGET + SLACK


def test_the_cli_reports_a_search_past_its_time_limit(cli):
    result = cli("query", '"lloyd austin"', "--time-limit", "0.000001")
    assert result.exit_code == 1 and result.output.startswith("Error: The search was stopped after")
    assert "Traceback" not in result.output


def test_more_like_this_is_whooshs_answer_from_the_scorer(big_index):
    # (the article page's "related" list: Whoosh's own search of it held a worker ~1.5 s)
    engine = SearchEngine(big_index)
    searcher = engine._snapshot().searcher
    for n in range(0, 800, 97):
        fields = searcher.stored_fields(n)
        expected = searcher.more_like(n, "body", text=fields["body"], top=5, numterms=25)
        found = engine.more_like(fields["id"], limit=5)
        assert [h.id for h in found] == [r["id"] for r in expected]
        if found:  # (on another scale: Whoosh's scores here are ours times a factor per article)
            ratios = np.array([r.score for r in expected]) / np.array([h.score for h in found])
            assert np.allclose(ratios, ratios[0], rtol=1e-9)
