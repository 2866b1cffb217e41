"""Searching the seed index, through the library and through the CLI."""

import json
import re
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search.errors import InvalidParameterError, InvalidQueryError
from search.models import SearchRequest
from search.understanding.query import parse_query

AFP_RAMSTEIN = "73aa3b73bc940f29"
DOD_NEWS = "ed9820256996eb55"
RFERL = "d9cbacc0f2312712"


def ids(engine, **kwargs) -> set[str]:
    results = engine.search(SearchRequest(per_page=100, **kwargs))
    return {h.id for h in results.hits}


def test_patriot_json_finds_the_afp_ramstein_article_that_says_patriots(cli):
    result = cli("query", "patriot", "--json")
    data = json.loads(result.output)
    assert [h["id"] for h in data["hits"]] == [AFP_RAMSTEIN]
    hit = data["hits"][0]
    assert hit["source"] == "AFP" and "Patriot" in hit["systems"]
    text = hit["highlights"][0]["text"]
    start, end = hit["highlights"][0]["matches"][0]
    assert text[start:end] == "Patriots"


def test_json_shape_is_stable(cli):
    data = json.loads(cli("query", "austin", "--json").output)
    assert {"query", "total", "page", "hits", "facets"} <= set(data)
    assert set(data["hits"][0]) >= {"id", "title", "date", "source", "url", "score", "persons",
                                    "systems", "orgs", "places", "highlights"}
    assert set(data["facets"]) >= {"person", "system", "source", "org", "place", "year"}
    assert all(set(v) >= {"value", "count"} for v in data["facets"]["source"])


def test_air_defense_also_finds_air_defence(engine):
    found = ids(engine, text='"air defense"')
    assert AFP_RAMSTEIN in found  # writes "air defence"
    assert {DOD_NEWS, RFERL} <= found


def test_person_filter_merges_spellings_of_reznikov(engine):
    both = ids(engine, persons=("Oleksii Reznikov",))
    assert both == {DOD_NEWS, RFERL}  # "Oleksii" in DoD News, "Oleksiy" in RFE/RL
    assert ids(engine, persons=("Oleksiy Reznikov",)) == both
    assert ids(engine, persons=("Reznikov",)) == both


def test_system_filter_s300_finds_the_dod_news_article(engine):
    assert ids(engine, systems=("S-300",)) == {DOD_NEWS}


def test_field_queries(engine):
    assert ids(engine, text='person:"Lloyd Austin"') == ids(engine, persons=("Lloyd Austin",))
    assert ids(engine, text="system:Patriot") == {AFP_RAMSTEIN}
    assert ids(engine, text="source:AFP") == {AFP_RAMSTEIN}
    assert ids(engine, text="source:afp") == {AFP_RAMSTEIN}


def test_boolean_operators_phrases_and_prefixes(engine):
    austin = ids(engine, text="austin")
    assert len(austin) == 5
    assert ids(engine, text="austin -patriot") == austin - {AFP_RAMSTEIN}
    assert ids(engine, text="austin NOT patriot") == austin - {AFP_RAMSTEIN}
    assert ids(engine, text="stinger OR patriot") == {DOD_NEWS, AFP_RAMSTEIN}
    assert ids(engine, text="stinger AND patriot") == set()
    assert ids(engine, text='"contact group"') >= {DOD_NEWS, RFERL, AFP_RAMSTEIN}
    assert ids(engine, text="Stolten*") == ids(engine, text="Stoltenberg")
    assert ids(engine, text="S-300") == {DOD_NEWS}
    assert ids(engine, text="Türkiye") == ids(engine, text="Turkiye") != set()


def test_title_weighs_more_than_body(engine):
    hits = engine.search(SearchRequest(text="NATO Stoltenberg")).hits
    assert hits[0].id == RFERL  # the one with both in its title


def test_date_filters_and_ranges(engine):
    assert ids(engine, since=__import__("datetime").date(2023, 1, 1)) == {"23dec30935bfbd88"}
    assert ids(engine, text="date:[2022-10 TO 2022-12]") == {DOD_NEWS}
    assert ids(engine, text="date:2023") == {"23dec30935bfbd88"}


def test_facet_counts_and_disjunctive_selection(engine):
    results = engine.search(SearchRequest(text="austin", sources=("AFP",)))
    assert results.total == 1
    sources = {v.value: v.count for v in results.facet("source").values}
    assert sources["AFP"] == 1 and sources["RFE/RL"] == 1  # counted without its own selection
    both = engine.search(SearchRequest(text="austin", sources=("AFP", "RFE/RL")))
    assert both.total == 2


def test_sort_by_date_and_pages(engine):
    by_date = engine.search(SearchRequest(text="austin", sort="date", per_page=2))
    assert [h.date for h in by_date.hits] == ["2023-02-15", "2022-10-22"]
    page3 = engine.search(SearchRequest(text="austin", per_page=2, page=3))
    assert len(page3.hits) == 1 and page3.total == 5
    assert engine.search(SearchRequest(text="austin", page=9)).hits == ()


def test_bad_parameters_have_clear_messages(engine):
    with pytest.raises(InvalidParameterError, match="sort"):
        engine.search(SearchRequest(sort="best"))
    with pytest.raises(InvalidParameterError, match="after"):
        import datetime as dt
        engine.search(SearchRequest(since=dt.date(2024, 1, 1), until=dt.date(2023, 1, 1)))


def test_query_problems_are_repaired_with_a_note_or_refused_with_their_position(cli):
    lenient = cli("query", '"air defence')
    assert lenient.exit_code == 0 and "unclosed quote" in lenient.output
    strict = cli("query", "austin AND (", "--strict")
    assert strict.exit_code == 1
    assert "at character 12" in strict.output and "             ^" in strict.output
    assert "Traceback" not in strict.output
    bad_date = cli("query", "--since", "yesterday")
    assert bad_date.exit_code == 1 and "YYYY-MM-DD" in bad_date.output


def test_explain_prints_the_parsed_query(cli):
    out = cli("query", "Patriots", "--system", "Patriot", "--explain").output
    assert "Parsed query: (title:patriot" in out
    assert "OR body:patriot OR system:Patriot^" in out and ") AND system:(Patriot)" in out
    assert "Entity: 'Patriots' is system Patriot (1 articles)" in out


def test_human_output_marks_matches_with_brackets_when_not_a_terminal(cli):
    out = cli("query", "stinger").output
    assert "[Stinger]" in out and "DoD News" in out and "Systems:" in out


def test_show_and_stats(cli):
    shown = cli("show", DOD_NEWS).output
    assert "Jim Garamone" in shown and "S-300" in shown and "2022-10-22" in shown
    missing = cli("show", "nope")
    assert missing.exit_code == 1 and "No article with id 'nope'" in missing.output
    stats = cli("stats").output
    assert "Articles:  5" in stats and "AFP (1)" in stats


def test_the_installed_entry_point_runs(seed_index):
    exe = [sys.executable, "-c", "from search.cli import main; main()"]
    out = subprocess.run([*exe, "query", "stinger", "--json", "--index", seed_index],
                         capture_output=True, text=True, check=True).stdout
    assert json.loads(out)["total"] == 1
    error = subprocess.run([*exe, "query", "x", "--index", seed_index + "-missing"],
                           capture_output=True, text=True)
    assert error.returncode == 1 and "No index at" in error.stderr and "Traceback" not in error.stderr


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_no_query_string_crashes_the_parser(text):
    parse_query(text)  # lenient: never raises
    try:
        parse_query(text, strict=True)
    except InvalidQueryError as exc:
        assert exc.position is None or 0 <= exc.position <= len(text)


@pytest.mark.parametrize("text", ["oil ANDNOT ANDNOT gas", "oil ANDMAYBE ANDMAYBE gas", "NOT NOT oil",
                                  "oil OR OR gas", "oil prices ANDNOT ANDNOT gas supply"])
def test_operators_in_a_row_are_reported_not_a_crash(engine, text):
    parsed = parse_query(text)
    assert parsed.query is not None and "needs something before it" in parsed.warnings[0]
    with pytest.raises(InvalidQueryError) as error:
        parse_query(text, strict=True)
    assert text[error.value.position:].split()[0] in ("ANDNOT", "ANDMAYBE", "NOT", "OR")
    assert engine.search(SearchRequest(text=text)).warnings


SENTENCE_WORDS = ["oil", "Oil", "prices", "the", "of", "can", "must", "whether", "U.S.", "F-16",
                  "S-300", "freeport-mcmoran", "don't", "Ukraine's", "Türkiye", "Шойгу", "x/y",
                  "1987", "a.b.c", "HIMARS", "Caesar", "MiG-29", "l'armée", "ANDNOT", "Lloyd"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(SENTENCE_WORDS), min_size=5, max_size=12))
def test_a_sentence_becomes_the_query_whooshs_parser_makes_of_it(words):
    from whoosh.qparser import MultifieldParser, OrGroup

    from collections import Counter

    from whoosh.query import Term

    from search.analysis import compound_parts, query_stop_words, query_terms
    from search.understanding.query import _PLAIN_WORD_RE, _SCHEMA, TEXT_FIELDS, is_natural_language
    import dataclasses

    from whoosh.query import NullQuery

    from search.understanding.query import FieldedTerm
    from search.settings import RANKING

    # Scored per field as Whoosh scores the parser's query; by default each word is one
    # BM25F term over the same leaves.
    per_field = dataclasses.replace(RANKING, bm25f_title=0.0)
    parsed = parse_query(" ".join(words), ranking=per_field)
    fielded = parse_query(" ".join(words)).query
    if parsed.natural and parsed.query is not NullQuery:
        assert sorted(map(repr, fielded.leaves())) == sorted(map(repr, parsed.query.leaves()))
        words_of = [fielded] if isinstance(fielded, FieldedTerm) else fielded.subqueries
        assert all(isinstance(w, FieldedTerm) and w.weights == {"title": RANKING.bm25f_title}
                   for w in words_of)
    if not is_natural_language(parsed.text):  # ANDNOT is an operator; repairs drop words
        assert not parsed.natural
        return
    kept = _PLAIN_WORD_RE.findall(parsed.text)
    kept = [w for w in kept if w.lower() not in query_stop_words()] or kept
    # A long query in capitals is a sentence: its AND / OR / NOT are words, not operators.
    kept = [w.lower() if w in ("AND", "OR", "NOT", "ANDNOT", "ANDMAYBE") else w for w in kept]
    # ... a sentence reads a compound as its parts (a keyword query: as one joined word)
    compounds = any(compound_parts(w) for w in kept)
    kept = [" ".join(re.split(r"[-/.]", w)) if compound_parts(w) else w for w in kept]
    parser = MultifieldParser(list(TEXT_FIELDS), _SCHEMA, group=OrGroup.factory(RANKING.or_coordination),
                              fieldboosts={"title": RANKING.title_boost})
    expected = parser.parse(" ".join(kept))
    # ... except that a repeated word weighs more: BM25's saturation of query-term frequency
    counts = Counter(t for w in kept for t in query_terms(w))
    k3 = RANKING.query_tf_k3

    def weight(c: int) -> float:
        return c if k3 >= 1000 else (k3 + 1) * c / (k3 + c)

    expected = expected.accept(lambda node: Term(node.fieldname, node.text, boost=node.boost * weight(counts[node.text]))
                               if isinstance(node, Term) and counts[node.text] > 1 else node)
    if compounds:  # (its parts' terms come field by field, the parser's word by word)
        assert parsed.natural and sorted(map(repr, parsed.query.leaves())) == sorted(
            map(repr, expected.leaves()))
    else:
        assert parsed.natural and repr(parsed.query) == repr(expected)
    if isinstance(expected, type(parsed.query)) and hasattr(expected, "subqueries"):
        assert parsed.query.scale == RANKING.or_coordination


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('ab "()*:-+ORNTAD[]date')), max_size=30))
def test_no_query_crashes_a_search(engine, text):
    engine.search(SearchRequest(text=text))


def test_feedback_reorders_natural_language_results_without_adding_any(seed_index):
    """Pseudo-relevance feedback rescores the matches of a sentence-like query with
    weighted body terms of its top results; keyword queries are ranked as typed."""
    import dataclasses

    from search.backends.embedded import storage
    from search.backends.embedded.feedback import feedback_terms, top_documents
    from search.settings import RANKING

    on = dataclasses.replace(RANKING, feedback_docs=2, feedback_terms=5)
    off = dataclasses.replace(RANKING, feedback_docs=0)
    with storage.open_live(seed_index).searcher() as searcher:
        sentence = parse_query("which air defence systems did allies send to Ukraine", ranking=on)
        assert sentence.natural
        plain = top_documents(searcher, sentence.query, sentence, limit=10, ranking=off)
        rescored = top_documents(searcher, sentence.query, sentence, limit=10, ranking=on)
        assert {d for _, d in rescored} == {d for _, d in plain}  # same matches
        assert [s for s, _ in rescored] == sorted((s for s, _ in rescored), reverse=True)
        assert sum(s for s, _ in rescored) > sum(s for s, _ in plain)  # the terms scored
        terms = feedback_terms(searcher, [d for _, d in plain[:2]], on)
        assert 0 < len(terms) <= 5
        assert max(t.boost for t in terms) == pytest.approx(on.feedback_weight)
        assert all(t.fieldname == "body" for t in terms)
        keywords = parse_query("air defence", ranking=on)
        assert not keywords.natural
        assert (top_documents(searcher, keywords.query, keywords, limit=10, ranking=on)
                == top_documents(searcher, keywords.query, keywords, limit=10, ranking=off))


def test_natural_language_queries_drop_question_words():
    parsed = parse_query("can allies must still send Patriot systems")
    assert parsed.natural
    assert "can" not in parsed.explain() and "must" not in parsed.explain()
    assert "patriot" in parsed.explain()
    assert "can" in parse_query("can patriot").explain()
