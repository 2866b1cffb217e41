"""Query understanding (issue 16): entities named in the query, duplicate stories,
passages, forgiving matching. A small corpus written here, indexed for real, searched
through the engine, the CLI and the web app."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest

from search.backends.embedded.indexer import index_paths
from search.engine import SearchEngine
from search.models import Hit, SearchRequest
from tests.conftest import write
from web import create_app

_STORY = " ".join(f"Finnish conscript number {i} trains near the border at Lappeenranta, {w}."
                  for i, w in enumerate(["says his officer", "watching the forest", "in the snow",
                                         "before the exercise", "with the tank brigade"] * 6))
BRIEFING = "Your Monday briefing"

ARTICLES = [
    {"id": "dup-a", "title": "Finland's border zone", "body": _STORY, "source": "The Guardian",
     "date": "2022-06-10"},
    {"id": "dup-b", "title": "Finland's border zone", "source": "The Guardian", "date": "2022-06-10",
     "body": _STORY.replace("number 7 trains", "number 7 drills") + " Photographs by Jane Doe."},
    {"id": "dup-c", "title": "Finland’s border zone", "body": "", "source": "The Guardian",
     "date": "2022-06-10"},
    {"id": "brief-1", "title": BRIEFING, "source": "The New York Times",
     "body": "Good morning. Lappeenranta residents weigh the Nato question. " * 3},
    {"id": "brief-2", "title": BRIEFING, "source": "The New York Times",
     "body": "Good morning. Grain ships wait outside Odesa while Lappeenranta votes. " * 3},
    {"id": "pat-sys", "title": "Air defence for Poland", "date": "2022-03-13", "source": "The Guardian",
     "body": "The United States moved two Patriot missile batteries to Rzeszow in Poland. "
             "The Patriot air defence system can intercept ballistic missiles. "
             "Deliveries of long-range weapons to Ukraine are being discussed."},
    {"id": "pat-youth", "title": "A patriotic youth movement", "date": "2022-07-16",
     "source": "The New York Times",
     "body": "Children will be encouraged to join a patriotic youth movement. Patriotism "
             "lessons start in September. The patriotic education is discussed in Ukraine."},
    {"id": "pat-play", "title": "Patriots, a play about patriots", "date": "2022-07-21",
     "source": "The New York Times",
     "body": "Patriots, a new drama about patriots and patriotism, opens in London. The "
             "patriots of the title are Russian oligarchs."},
    {"id": "pat-ukr", "title": "Kyiv in spring", "date": "2022-04-02", "source": "AFP",
     "body": "Ukraine, Ukraine and Ukraine again: Ukraine dominates this story from Kyiv. "
             "Much later, one Patriot air defence battery arrived near the border."},
    {"id": "antitank", "title": "NLAW deliveries", "date": "2022-03-02", "source": "BBC",
     "body": "Britain sent anti-tank weapons. Later it sent more antitank launchers."},
    {"id": "antiair", "title": "Shield for the sky", "date": "2022-03-03", "source": "BBC",
     "body": "The anti-air guns arrived with a tank escort."},
    {"id": "himars", "title": "Rocket launchers arrive", "date": "2022-06-24", "source": "AFP",
     "body": "The first M142 HIMARS launchers reached Ukraine, defence minister Oleksii "
             "Reznikov said. Sergei Shoigu claimed the HIMARS were destroyed."},
]


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("understanding")
    lines = "\n".join(json.dumps(a) for a in ARTICLES) + "\n"
    source = write(folder / "articles.jsonl", lines)
    path = str(folder / "index")
    report = index_paths([str(source)], path, workers=1)
    assert report.clean
    return path


@pytest.fixture(scope="module")
def engine(index_dir) -> SearchEngine:
    return SearchEngine(index_dir)


def ranked(engine, text: str, **kwargs) -> list[str]:
    return [h.id for h in engine.search(SearchRequest(text=text, **kwargs)).hits]


# -- entities in the query ---------------------------------------------------------------

def test_patriot_ranks_the_system_above_words_that_only_share_its_stem(engine):
    results = engine.search(SearchRequest(text="patriot"))
    ids = [h.id for h in results.hits]
    assert set(ids[:2]) == {"pat-sys", "pat-ukr"}  # tagged with the system
    assert set(ids[2:]) == {"pat-youth", "pat-play"}  # the words still match, below
    [entity] = results.entities
    assert (entity.text, entity.kind, entity.values, entity.count) == ("patriot", "system", ("Patriot",), 2)


def test_a_facet_clause_weighs_what_a_word_as_rare_as_the_entity_weighs(engine):
    """In a sentence, a tagged article scores one mention of a word as rare as the entity,
    with the idf its words are scored with (a place in most articles adds little)."""
    from search.backends.embedded.scorer import RankingBM25F

    parsed = engine.parse("which countries moved Patriot missile batteries to Poland this year")
    [patriot] = [e for e in parsed.entities if e.kind == "system"]
    boosts = {f"{t.fieldname}:{t.text}": t.boost for t in parsed.query.leaves()}
    docs = engine._snapshot().searcher.doc_count_all()
    assert boosts["system:Patriot"] == pytest.approx(
        RankingBM25F(engine.ranking).idf(engine._snapshot().searcher, "system", "Patriot"), abs=1e-4)
    assert boosts["system:Patriot"] == pytest.approx(engine.ranking.term_idf(docs, patriot.count), abs=1e-4)


def test_an_alias_the_articles_never_write_finds_the_tagged_article(engine):
    assert set(ranked(engine, "MIM-104")) == {"pat-sys", "pat-ukr"}
    assert ranked(engine, "m142") == ["himars"]


def test_surnames_and_designators_in_longer_queries(engine):
    results = engine.search(SearchRequest(text="shoigu HIMARS launchers"))
    assert [(e.kind, e.values) for e in results.entities] == [
        ("person", ("Sergei Shoigu",)), ("system", ("HIMARS",))]
    assert [h.id for h in results.hits][0] == "himars"


def _kinds_cover_every_look_up(facets, names) -> int:
    """Asserts that ``kinds_ending_in`` keeps each kind that ``_lookup`` finds for a name,
    in the spellings a user types; returns how many (name, kind) were found."""
    from search.understanding import query_entities

    index = query_entities._Index(facets)
    texts = {variant for name in names
             for variant in (name, name.lower(), name.upper(), name + "s", name + "'s", name + "\u2019s",
                             "President " + name, name + " Jr", "Mr. " + name.split()[-1],
                             name.replace("sky", "skiy"), name.lower().replace("sky", "skyi"))}
    found_count = 0
    for text in sorted(texts):
        for kind in query_entities.KINDS:
            found, people, _ = index._lookup(kind, text)
            if found or people:
                found_count += 1
                assert kind in index.kinds_ending_in(text.split()[-1]), (kind, text)
    return found_count


def test_a_run_of_words_is_looked_up_only_as_the_kinds_its_last_word_may_end(engine):
    """``_Index.kinds_ending_in`` leaves out a kind only where the look-up would find nothing:
    every indexed value and knowledge-base alias, in the spellings a user types (a plural,
    a title, another transliteration of the surname), is still found as its kind."""
    from collections import Counter

    from search.backends.opensearch.understanding import ClusterFacets
    from search.entities import kb
    from search.understanding.query_entities import KINDS

    facets = engine._snapshot().facets
    indexed = [v for kind in KINDS for vs in facets.by_key[kind].values() for v in vs]
    known = [form for kind in KINDS for e in kb.entries(kind) for form in e.surface_forms]
    assert _kinds_cover_every_look_up(facets, indexed + known) >= len(indexed)
    # (people no knowledge base knows, whose typed spellings only canonical_person joins)
    values = {"person": Counter({"Ivan Petrovsky": 2, "Maria Kovalenko": 1, "O'Neill": 1}),
              "org": Counter({"Acme Holdings": 1}), "place": Counter({"Lower Saxony": 1}),
              "system": Counter({"Patriot": 3})}
    cluster = ClusterFacets(values, 10)
    assert _kinds_cover_every_look_up(cluster, [v for c in values.values() for v in c]) >= 10


def test_quoted_words_fields_and_negated_words_are_left_alone(engine):
    assert engine.search(SearchRequest(text='"patriot"')).entities == ()
    assert engine.search(SearchRequest(text="title:patriot")).entities == ()
    assert engine.search(SearchRequest(text="youth -patriot")).entities == ()
    assert engine.search(SearchRequest(text="the")).entities == ()


def test_not_an_entity_excludes_its_facet_as_well_as_its_words(engine):
    assert ranked(engine, "missiles NOT MIM-104") == []


def test_cli_explain_and_json_show_the_entities(index_dir, runner):
    from search.cli import main

    out = runner.invoke(main, ["query", "MIM-104", "--explain", "--index", index_dir]).output
    assert "system:Patriot^" in out
    assert "Entity: 'MIM-104' is system Patriot (2 articles)" in out
    data = json.loads(runner.invoke(main, ["query", "patriot", "--json", "--index", index_dir]).output)
    assert data["entities"] == [{"text": "patriot", "type": "system", "values": ["Patriot"], "count": 2}]


def test_web_chip_turns_the_entity_into_a_filter_or_removes_it(index_dir):
    client = create_app({"SEARCH_INDEX": index_dir, "TESTING": True}).test_client()
    html = client.get("/?q=patriot+missiles").get_data(as_text=True)
    chip = re.search(r'<div class="chips-bar query-entities".*?</div>', html, re.S).group()
    assert "Weapon system" in chip and "Patriot" in chip
    filter_url = re.search(r'class="chip-filter" href="([^"]+)"', chip).group(1)
    remove_url = re.search(r'class="chip-remove" href="([^"]+)"', chip).group(1)
    assert filter_url == "/search?q=missiles&amp;system=Patriot"
    assert remove_url == "/search?q=missiles"
    filtered = client.get(filter_url.replace("&amp;", "&")).get_data(as_text=True)
    assert re.findall(r'class="hit-title"><a href="/article/([^"?]+)', filtered) == ["pat-sys"]
    data = client.get("/api/search?q=MIM-104").get_json()
    assert data["entities"][0]["values"] == ["Patriot"]


# -- one story once ------------------------------------------------------------------------

def test_near_duplicates_and_a_headline_only_copy_collapse_into_one_hit(engine):
    results = engine.search(SearchRequest(text='"Finnish conscript"'))
    assert results.total == 1
    [hit] = results.hits
    assert hit.id in ("dup-a", "dup-b")  # an article with text stands for the story
    assert sorted(o.id for o in hit.similar) == sorted({"dup-a", "dup-b", "dup-c"} - {hit.id})
    assert results.facet("source").values[0].count == 1  # facets count the story once


def test_a_storys_other_copies_are_hits_like_any_other(engine):
    """``Hit.brief`` (the copies read from their cards) makes what ``Hit(...)`` would."""
    [hit] = engine.search(SearchRequest(text='"Finnish conscript"')).hits
    for other in hit.similar:
        assert other == Hit(id=other.id, title=other.title, date=other.date, source=other.source,
                            url=other.url, score=0.0, persons=(), systems=(), orgs=(), places=())
        assert other.title and other.to_dict()["similar"] == [] and hash(other)
        with pytest.raises(dataclasses.FrozenInstanceError):
            other.title = "changed"


def test_stories_hold_across_merged_segments_and_deletions(tmp_path):
    """Story keys live in each segment's impact file: Whoosh's merges of small segments
    must carry them, renumbered, without the deleted articles."""
    from search.backends.embedded import storage

    folder, index = tmp_path / "in", str(tmp_path / "ix")
    for article in ARTICLES[:7]:  # one run, one segment each: Whoosh merges them
        write(folder / f"{article['id']}.jsonl", json.dumps(article) + "\n")
        assert index_paths([str(folder)], index, workers=1).clean
    with storage.open_live(index).reader() as reader:
        assert len(reader.leaf_readers()) < 7
    [hit] = SearchEngine(index).search(SearchRequest(text='"Finnish conscript"')).hits
    assert sorted([hit.id] + [o.id for o in hit.similar]) == ["dup-a", "dup-b", "dup-c"]
    (folder / "dup-a.jsonl").unlink()  # deleted: its keys must not join the others any more
    write(folder / "zz.jsonl", json.dumps(ARTICLES[8]) + "\n")
    assert index_paths([str(folder)], index, workers=1).clean
    results = SearchEngine(index).search(SearchRequest(text='"Finnish conscript"'))
    assert [h.id for h in results.hits] == ["dup-b"] and [o.id for o in results.hits[0].similar] == ["dup-c"]
    assert [o.title for o in results.hits[0].similar] == ["Finland’s border zone"]
    impacts = SearchEngine(index)._snapshot().source.impacts  # every card came along
    assert all(json.loads(impacts.card(d))[0] for d in range(impacts.doc_count_all) if impacts.live[d])


def test_same_title_different_text_stays_two_stories(engine):
    results = engine.search(SearchRequest(text="Lappeenranta"))
    ids = [h.id for h in results.hits]
    assert {"brief-1", "brief-2"} <= set(ids) and results.total == 3
    assert all(not h.similar for h in results.hits if h.id.startswith("brief"))


def test_similar_articles_in_json_cli_and_the_web_page(index_dir, runner):
    from search.cli import main

    data = json.loads(runner.invoke(main, ["query", '"Finnish conscript"', "--json", "--index", index_dir]).output)
    assert len(data["hits"][0]["similar"]) == 2 and {"id", "title", "source"} <= set(data["hits"][0]["similar"][0])
    out = runner.invoke(main, ["query", '"Finnish conscript"', "--index", index_dir]).output
    assert "+2 similar:" in out
    client = create_app({"SEARCH_INDEX": index_dir, "TESTING": True}).test_client()
    html = client.get('/?q="Finnish+conscript"').get_data(as_text=True)
    assert re.search(r'<details class="hit-similar">\s*<summary>\+2 similar</summary>', html)
    assert html.count('href="/article/dup-') == 3


# -- passages ------------------------------------------------------------------------------

def _passages(engine, **kwargs) -> dict[str, list[str]]:
    results = engine.search(SearchRequest(per_page=20, **kwargs))
    return {h.id: [p.text for p in h.highlights] for h in results.hits}


def _marked(engine, hit_id: str, **kwargs) -> list[str]:
    [hit] = [h for h in engine.search(SearchRequest(per_page=20, **kwargs)).hits if h.id == hit_id]
    return [p.text[a:b] for p in hit.highlights for a, b in p.matches]


def test_the_passage_with_the_rarest_match_wins_over_the_commonest_word_repeated(engine):
    [passage] = _passages(engine, text="patriot ukraine", highlights=1)["pat-ukr"]
    assert "Patriot air defence battery" in passage


def test_filter_only_searches_show_the_passage_naming_the_filtered_entity(engine):
    [passage] = _passages(engine, systems=("MIM-104",), highlights=1)["pat-ukr"]
    assert "Patriot" in passage
    assert "Patriot" in _marked(engine, "pat-ukr", systems=("Patriot",))


def test_an_alias_in_the_query_highlights_the_name_the_article_uses(engine):
    assert set(_marked(engine, "pat-sys", text="MIM-104")) == {"Patriot"}


def test_titles_are_highlighted(engine, index_dir):
    [hit] = [h for h in engine.search(SearchRequest(text="youth")).hits]
    assert [hit.title[a:b] for a, b in hit.title_matches] == ["youth"]
    client = create_app({"SEARCH_INDEX": index_dir, "TESTING": True}).test_client()
    html = client.get("/?q=youth").get_data(as_text=True)
    assert "A patriotic <mark>youth</mark> movement</a></h2>" in html


# -- forgiving matching --------------------------------------------------------------------

def test_a_hyphenated_compound_matches_as_one_word_with_or_without_its_hyphen(engine):
    assert ranked(engine, "anti-tank") == ["antitank"] == ranked(engine, "antitank")
    assert _marked(engine, "antitank", text="anti-tank") == ["anti-tank", "antitank"]
    # two words: each anywhere (both words first, then either: rank's relaxation)
    assert set(ranked(engine, "anti tank")[:2]) == {"antiair", "antitank"}


def test_a_misspelt_query_that_finds_nothing_shows_its_correction_and_the_way_back(engine, index_dir, runner):
    results = engine.search(SearchRequest(text="patriott"))  # one edit from patriot, two from patriotic
    assert (results.query, results.corrected_from, results.suggestion) == ("Patriot", "patriott", "")
    assert results.hits[0].id in ("pat-sys", "pat-ukr")
    swapped = engine.search(SearchRequest(text="shiogu launchers"))  # two letters swapped, a name
    assert swapped.query == "Shoigu launchers" and [h.id for h in swapped.hits][0] == "himars"
    verbatim = engine.search(SearchRequest(text="patriott", correct=False))
    assert verbatim.total == 0 and verbatim.suggestion == "Patriot" and not verbatim.corrected_from
    from search.cli import main

    out = runner.invoke(main, ["query", "patriott", "--index", index_dir]).output
    assert out.startswith("Showing results for: Patriot (search instead for 'patriott'")
    assert "0 articles" in runner.invoke(main, ["query", "patriott", "--no-correct", "--index", index_dir]).output
    client = create_app({"SEARCH_INDEX": index_dir, "TESTING": True}).test_client()
    html = client.get("/?q=patriott").get_data(as_text=True)
    link = re.search(r'Showing results for <strong>Patriot</strong>\s*— search instead for '
                     r'<a class="verbatim-link" href="([^"]+)">patriott</a>', html).group(1)
    back = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert "No articles" in back and "Did you mean" in back
    assert client.get("/api/search?q=patriott").get_json()["corrected_from"] == "patriott"
