"""How a query's text is read (issue 14): sentences stay sentences whatever their
punctuation or case, short keyword queries relax gracefully, and a reading that finds
nothing gives way to one that does, with a note."""

from __future__ import annotations

import dataclasses

from whoosh import query as wq

from search.models import SearchRequest
from search.understanding.query import AllFirst, parse_query
from search.settings import RANKING
from web import create_app

AFP_RAMSTEIN = "73aa3b73bc940f29"
DOD_NEWS = "ed9820256996eb55"


def _boosts(parsed) -> dict[str, float]:
    return {f"{t.fieldname}:{t.text}": t.boost for t in parsed.query.leaves()}


def test_a_repeated_word_weighs_more_but_less_than_twice():
    boosts = _boosts(parse_query("aircraft wing flow aircraft pressure distribution"))
    assert boosts["body:wing"] == 1.0
    assert 1.0 < boosts["body:aircraft"] < 2.0
    once = _boosts(parse_query("aircraft wing flow pressure distribution"))
    assert once["body:aircraft"] == 1.0


def test_a_sentence_in_capitals_is_a_sentence_and_its_and_is_a_word():
    parsed = parse_query("MATHEMATICAL ANALYSIS AND DESIGN DETAILS OF WAVEGUIDE FED MICROWAVE RADIATIONS")
    assert parsed.natural and isinstance(parsed.query, wq.Or)
    assert "mathemat" in parsed.explain() and "waveguid" in parsed.explain()
    # A short query in capitals keeps its operators; so does a long one in mixed case.
    assert not parse_query("PATRIOT AND HIMARS").natural
    assert not parse_query("Patriot AND HIMARS deliveries to Ukraine in May").natural


def test_quotes_in_a_long_query_do_not_make_every_word_required():
    parsed = parse_query('Articles on text formatting systems, including "what you see is what you get" systems')
    assert parsed.natural and isinstance(parsed.query, wq.Or)
    assert not parse_query('"air defence" Ukraine').natural  # a short phrase query is a phrase query


def test_a_word_and_a_colon_in_a_sentence_is_not_a_field():
    parsed = parse_query("nickel in nutrition: requirements for methods of analysis", strict=True)
    assert parsed.natural and not parsed.warnings
    assert "body:nutrit" in _boosts(parsed)
    # An unknown field with a value is still reported, and known fields still work.
    assert parse_query("colour:red patriot").warnings
    assert "person:" in parse_query("person:Austin patriot").explain()


def test_coordination_survives_resolving_facet_values():
    coordinated = dataclasses.replace(RANKING, or_coordination=0.9)
    text = "how does the program learn word weights here"
    assert parse_query(text, ranking=coordinated).query.scale == 0.9
    resolved = parse_query(text, lambda field, value: [], ranking=coordinated)
    assert resolved.query.scale == 0.9
    relaxed = parse_query("Moskva cruiser sinking", lambda field, value: [], ranking=coordinated)
    assert type(relaxed.query) is AllFirst and relaxed.query.scale == 0.9
    person = parse_query("person:Austin OR patriot", lambda field, value: ["Lloyd Austin"])
    assert "person:Lloyd Austin" in person.explain()


def test_three_words_rank_the_articles_with_all_of_them_first(engine):
    all_three = engine.search(SearchRequest(text="austin patriot ramstein", per_page=100))
    strict = {h.id for h in engine.search(SearchRequest(text="austin AND patriot AND ramstein")).hits}
    assert strict == {AFP_RAMSTEIN}
    assert all_three.hits[0].id == AFP_RAMSTEIN
    assert all_three.total > 1  # the partial matches follow
    assert all_three.hits[0].score > max(h.score for h in all_three.hits[1:])
    # Each partial match says which words it lacks; the article with all of them, none.
    assert all_three.hits[0].missing == ()
    for hit in all_three.hits[1:]:
        assert hit.missing and set(hit.missing) < {"austin", "patriot", "ramstein"}, hit.id
        has = {h.id for h in engine.search(SearchRequest(text=hit.missing[0], per_page=100)).hits}
        assert hit.id not in has
    # A query with its own AND, or one word, has no partial matches to label.
    assert all(not h.missing for h in engine.search(SearchRequest(text="austin", per_page=100)).hits)


def test_partial_matches_are_labelled_in_json_cli_text_and_the_page(engine, cli):
    results = engine.search(SearchRequest(text="austin zyxwvut", per_page=100))
    assert results.hits and all(h.missing == ("zyxwvut",) for h in results.hits)
    assert results.to_dict()["hits"][0]["missing"] == ["zyxwvut"]
    text = cli("query", "austin patriot ramstein", "--limit", "20").output
    assert "partial match, missing: " in text
    first = text.split("\n\n")[1]  # the article with every word is not labelled
    assert "partial match" not in first
    client = create_app({"SEARCH_INDEX": engine.index_dir, "TESTING": True}).test_client()
    page = client.get("/?q=austin+%3Cb%3Ezyxwvut%3C%2Fb%3E").get_data(as_text=True)
    assert page.count('class="hit-partial"') == len(results.hits[:10])
    assert "missing: <s>zyxwvut</s>" in page and "<b>zyxwvut" not in page  # (escaped)


def test_keywords_that_no_article_has_all_of_show_the_partial_matches_with_a_note(engine):
    results = engine.search(SearchRequest(text="austin zyxwvut", per_page=100))
    assert results.total == 5
    assert any("every word" in w for w in results.warnings)
    assert not engine.search(SearchRequest(text="austin patriot")).warnings


def test_a_boolean_reading_that_finds_nothing_gives_way_to_the_sentence_with_a_note(engine):
    for text in ('"austin zyxwvut"', "Lloyd Austin AND zyxwvut on allies sending weapons"):
        results = engine.search(SearchRequest(text=text, per_page=100))
        assert results.total >= 5, text
        assert any("some of its words" in w for w in results.warnings), text
    # An explicit AND that finds nothing is an answer, and so is a NOT.
    assert engine.search(SearchRequest(text="stinger AND patriot")).total == 0
    assert engine.search(SearchRequest(text="austin NOT austin")).total == 0
    assert not engine.search(SearchRequest(text="austin")).warnings


def test_export_holds_the_articles_the_search_showed_after_a_fallback(engine):
    text = '"austin zyxwvut"'  # the phrase finds nothing; its words as a sentence do
    shown = {h.id for h in engine.search(SearchRequest(text=text, per_page=100)).hits}
    assert shown
    assert {a.id for a in engine.iter_articles(SearchRequest(text=text))} == shown
    assert list(engine.iter_articles(SearchRequest(text="stinger AND patriot"))) == []
