"""The numpy scorer (impact lists) must rank exactly as Whoosh's own matchers do.

Real indexes on disk, written by the real indexer, compared query by query with Whoosh's
``Searcher.search`` on the same searcher: same documents, same scores.
"""

from __future__ import annotations

import dataclasses
import json
import random
from collections import Counter

import numpy as np
import pytest
from whoosh import query
from whoosh.collectors import TopCollector

from search.backends.embedded import storage
from search.engine import SearchEngine
from search.entities import extract_entities
from search.backends.embedded.facets import FacetTable
from search.backends.embedded.feedback import _scores, _vector_scores, expansion_terms, feedback_terms
from search.backends.embedded.indexer import index_paths
from search.models import UNDATED, Article, SearchRequest
from search.understanding.query import AllFirst, FieldedTerm, parse_query
from search.settings import RANKING
from search.backends.embedded.schema import to_document
from search.understanding.fields import FACET_NAMES

# Keyword queries read as Whoosh reads them (every word required), and sentences with a
# coordination bonus, so that both of Whoosh's query shapes are compared; each word scored
# per field, as Whoosh scores a multi-field query (BM25F words have a test of their own).
ALL_WORDS = dataclasses.replace(RANKING, relax_min_words=0, or_coordination=0.9, bm25f_title=0.0)

WORDS = [f"w{i}" for i in range(60)]
PLACES = ["Kyiv", "Odesa", "Kharkiv"]


def _article(rng: random.Random, n: int) -> dict:
    # Zipf-like: low-numbered words are common, so queries meet long and short postings.
    def words(count: int) -> str:
        return " ".join(rng.choice(WORDS[: rng.choice((5, 20, 60))]) for _ in range(count))
    return {"id": f"a{n}", "title": words(rng.randint(2, 8)),
            "body": f"{words(rng.randint(5, 80))}. In {rng.choice(PLACES)} today. {words(10)}",
            "date": f"2023-{rng.randint(1, 12):02d}-01", "source": rng.choice(["AP", "BBC"])}


def _write(path, articles) -> None:
    path.write_text("".join(json.dumps(a) + "\n" for a in articles), encoding="utf-8")


def _queries(rng: random.Random) -> list[str]:
    out = []
    for _ in range(6):
        a, b, c = rng.sample(WORDS[:30], 3)
        out += [a, f"{a} {b}", f"{a} OR {b}", f"{a} NOT {b}", f"{a} -{b}", f"title:{a} {b}",
                f'"{a} {b}"', f"{a[:2]}* {b}", f"{a} ANDMAYBE {b}", f"({a} OR {b}) AND {c}",
                f"NOT {a}", f"{a} place:kyiv", f"{a} {b}^2 OR {c}"]
    return out


def _natural_queries(rng: random.Random) -> list[str]:
    return [" ".join(rng.sample(WORDS[:40], rng.randint(5, 9))) for _ in range(15)]


def _unswapped(searcher, q, limit: int) -> list[tuple[float, int]]:
    """Whoosh's search scoring every match with the matcher tree it started with."""
    collector = TopCollector(limit, usequality=False, replace=0)
    searcher.search_with_collector(q, collector)
    return collector.results().top_n


def _whoosh_top(searcher, q, limit: int, ours: list[tuple[float, int]]):
    """Whoosh's ranking, each candidate scored alone (``filter={docnum}``).

    Whoosh's whole-index search is not a reference: it swaps in simpler matchers
    mid-search and the swap drops a boosted group's boost (``a b^2 OR c``); without the
    swap, ``a -b`` and ``docs_for_query`` can return a document containing ``b``, and
    ``NOT a`` returns deleted documents. Scored one at a time, its documents and scores
    are right. Candidates: our results and both of Whoosh's.
    """
    reader = searcher.reader()
    candidates = {d for _, d in ours} | {d for _, d in _unswapped(searcher, q, limit * 2)}
    candidates |= {d for _, d in searcher.search(q, limit=limit, terms=False).top_n}
    scored = []
    for docnum in candidates:
        alone = searcher.search(q, filter={docnum}, limit=1, terms=False).top_n
        if alone and not reader.is_deleted(docnum):
            scored.append(alone[0])
    return sorted(scored, key=lambda sd: (-sd[0], sd[1]))[:limit]


def _compare(engine: SearchEngine, texts: list[str], limit: int = 10, reference=None) -> int:
    """Checks each query; returns how many matched anything."""
    snap = engine._snapshot()
    scorer = engine._scorer(snap)
    assert scorer is not None, "a fresh index has impact lists"
    nonempty = 0
    for text in texts:
        # (Keyword queries as Whoosh reads them, every word required: AllFirst has a test of its own.)
        q = parse_query(text, lambda f, t: engine._resolve(snap.facets, f, t), ranking=ALL_WORDS).query
        got = scorer.match(q).top(limit)
        expected = (reference or _whoosh_top)(snap.searcher, q, limit, got)
        assert len(got) == len(expected), text
        # Equal scores may differ in the last bits (another order of summation): compare
        # scores in order, and documents as sets of each score.
        assert [s for s, _ in got] == pytest.approx([s for s, _ in expected], rel=1e-9), text
        by_score = lambda ranked: sorted((round(s, 7), d) for s, d in ranked)
        cut = round(expected[-1][0], 7) if expected else 0
        assert [x for x in by_score(got) if x[0] > cut] == [x for x in by_score(expected) if x[0] > cut], text
        nonempty += bool(expected)
    return nonempty



def _engine_over(tmp_path, seed: int, count: int) -> SearchEngine:
    """An engine over ``count`` random articles (``_article``), indexed by one worker."""
    rng = random.Random(seed)
    _write(tmp_path / "a.jsonl", [_article(rng, n) for n in range(count)])
    index_paths([str(tmp_path / "a.jsonl")], str(tmp_path / "index"), workers=1)
    return SearchEngine(str(tmp_path / "index"))


def test_scores_equal_whooshs_across_segments_and_deletions(tmp_path):
    rng = random.Random(7)
    _write(tmp_path / "a.jsonl", [_article(rng, n) for n in range(150)])
    index = str(tmp_path / "index")
    index_paths([str(tmp_path / "a.jsonl")], index, workers=2)
    _write(tmp_path / "b.jsonl", [_article(rng, n) for n in range(150, 260)])
    index_paths([str(tmp_path)], index, workers=1)
    changed = [_article(rng, n) for n in range(150)][:100]  # a.jsonl shrinks and changes
    _write(tmp_path / "a.jsonl", changed)
    report = index_paths([str(tmp_path)], index, workers=1)
    assert report.removed > 0
    engine = SearchEngine(index)
    reader = engine._snapshot().searcher.reader()
    assert len(list(reader.leaf_readers())) >= 2 and reader.has_deletions()
    assert _compare(engine, _queries(random.Random(3))) > 60


def test_natural_language_queries_score_as_whoosh_coordinates_them(tmp_path):
    # One segment: Whoosh counts a coordinated OR's terms per segment, we count them in
    # the whole index, and the two agree when there is one segment. The reference scores
    # with the matcher tree it started with: a swapped-in tree counts fewer terms.
    engine = _engine_over(tmp_path, seed=11, count=200)
    texts = _natural_queries(random.Random(5))
    assert all(parse_query(t).natural and parse_query(t, ranking=ALL_WORDS).query.scale for t in texts)
    assert _compare(engine, texts, reference=lambda s, q, limit, _: _unswapped(s, q, limit)) == len(texts)


def test_a_segment_without_impact_lists_means_whoosh_scores(tmp_path):
    # As in an index written before impact lists existed: one segment by Whoosh's writer.
    rng = random.Random(2)
    _write(tmp_path / "a.jsonl", [_article(rng, n) for n in range(80)])
    index = str(tmp_path / "index")
    index_paths([str(tmp_path / "a.jsonl")], index, workers=1)
    # (A plain AND: Whoosh's own search mis-scores some shapes, see _whoosh_top.)
    request = SearchRequest(text="w1 w2", per_page=20)
    fast = SearchEngine(index, ALL_WORDS)
    assert fast._scorer(fast._snapshot()) is not None
    before = fast.search(request)
    ix = storage.open_live(index)
    writer = ix.writer()  # Whoosh's own codec: no impact file
    doc = to_document(Article(title="w40 w41", body="w42 w43"), extract_entities("", ""))
    for name in ("words", "story", "card"):  # not Whoosh fields: our writer puts them in the impact file
        doc.pop(name)
    writer.add_document(**doc)
    writer.commit(merge=False)
    ix.close()
    slow = SearchEngine(index, ALL_WORDS)
    assert slow._scorer(slow._snapshot()) is None
    after = slow.search(request)
    assert before.total == after.total > 0
    assert [h.id for h in before.hits[:1]] == [h.id for h in after.hits[:1]]
    # The idf changes with one more document: compare the order of scores, not values.
    assert [h.score for h in after.hits] == sorted((h.score for h in after.hits), reverse=True)
    for engine in (fast, slow):
        engine.close()


def test_expansion_terms_from_the_forward_index_equal_whooshs_key_terms(tmp_path):
    rng = random.Random(4)
    _write(tmp_path / "a.jsonl", [_article(rng, n) for n in range(120)])
    index = str(tmp_path / "index")
    index_paths([str(tmp_path / "a.jsonl")], index, workers=2)  # two segments
    engine = SearchEngine(index)
    snap = engine._snapshot()
    impacts = snap.source.impacts
    for docnums in ([0], [3, 70, 119], list(range(0, 120, 12)), [5, 64, 65, 90, 91, 100]):
        ours = expansion_terms(impacts, docnums)
        theirs = feedback_terms(snap.searcher, docnums)
        assert [t.text for t in ours] == [t.text for t in theirs]
        assert [t.boost for t in ours] == pytest.approx([t.boost for t in theirs], rel=1e-9)
        # Each document weighted (by its first-pass score): the same on both paths.
        weights = [1.0 + 0.37 * i for i in range(len(docnums))][::-1]
        ours = expansion_terms(impacts, docnums, doc_weights=weights)
        theirs = feedback_terms(snap.searcher, docnums, doc_weights=weights)
        assert [t.text for t in ours] == [t.text for t in theirs]
        assert [t.boost for t in ours] == pytest.approx([t.boost for t in theirs], rel=1e-9)
        # Numbered across the segments, each term's weight is added up as by word, to the bit.
        for each in (None, weights):
            numbers, sums = impacts.top_weight_numbers("body", docnums, each)
            by_word = impacts.top_weights("body", docnums, each)[0]
            words = impacts.numbered("body").words
            assert {words[n]: w for n, w in zip(numbers.tolist(), sums.tolist())} == by_word
    engine.close()


def test_feedback_terms_follow_the_documents_weights(tmp_path):
    # A word of one document only: with that document weighed above the others, it ranks
    # higher among the feedback terms than when every document counts once.
    articles = [{"id": f"a{n}", "title": f"report {n}",
                 "body": "convoy artillery shelling river " * 3 + ("ceasefire talks " * 4 if n == 0 else
                                                                      f"harvest grain field{n} " * 4)}
                for n in range(8)]
    articles += [{"id": f"z{n}", "title": "other", "body": f"weather forecast rain {n}"} for n in range(40)]
    _write(tmp_path / "a.jsonl", articles)
    index = str(tmp_path / "index")
    index_paths([str(tmp_path / "a.jsonl")], index, workers=1)
    engine = SearchEngine(index)
    snap = engine._snapshot()
    docnums = sorted(snap.searcher.document_number(id=f"a{n}") for n in range(8))
    first = snap.searcher.document_number(id="a0")
    even = {t.text: t.boost for t in expansion_terms(snap.source.impacts, docnums)}
    weights = [5.0 if d == first else 1.0 for d in docnums]
    weighted = {t.text: t.boost for t in expansion_terms(snap.source.impacts, docnums, doc_weights=weights)}
    assert weighted.get("ceasefir", 0.0) > even.get("ceasefir", 0.0)
    assert weighted.get("harvest", 0.0) < even.get("harvest", 0.0)
    engine.close()


def test_rescoring_a_window_from_the_impact_lists_equals_whoosh(tmp_path):
    # The feedback terms' scores at a window of documents: searched in the impact lists,
    # or read by skipping Whoosh's matchers to each document. Two segments, deletions.
    rng = random.Random(6)
    articles = [_article(rng, n) for n in range(140)]
    _write(tmp_path / "a.jsonl", articles)
    index = str(tmp_path / "index")
    index_paths([str(tmp_path / "a.jsonl")], index, workers=2)
    _write(tmp_path / "a.jsonl", articles[:100])
    index_paths([str(tmp_path / "a.jsonl")], index, workers=1)
    engine = SearchEngine(index)
    snap = engine._snapshot()
    scorer = engine._scorer(snap)
    assert len(snap.source.impacts.segments) >= 2 and snap.searcher.reader().has_deletions()
    terms = [query.Term("body", word, boost=1 + n / 7) for n, word in enumerate(WORDS[::4])]
    terms.append(query.Term("body", "absent"))
    live = np.flatnonzero(snap.facets.live_mask).tolist()  # (windows come from matches)
    for window in (live[:1], live[3::60], live[::9], live[5:7] + live[90:92] + live[-2:]):
        ours = _vector_scores(scorer, terms, window)
        theirs = _scores(snap.searcher, terms, window)
        assert list(ours) == list(theirs) == window
        assert list(ours.values()) == pytest.approx(list(theirs.values()), rel=1e-12)
        assert any(ours.values())
    engine.close()


def test_the_facet_table_reads_the_same_from_impact_files_as_from_whoosh(tmp_path):
    rng = random.Random(9)
    articles = [_article(rng, n) for n in range(90)]
    for n, article in enumerate(articles):
        if n % 7 == 0:
            article["date"] = ""  # some undated
        article["body"] += f" Lloyd Austin said in {PLACES[n % 3]}." if n % 2 else ""
    _write(tmp_path / "a.jsonl", articles)
    index = str(tmp_path / "index")
    index_paths([str(tmp_path / "a.jsonl")], index, workers=2)
    _write(tmp_path / "a.jsonl", articles[:70])  # deletions
    index_paths([str(tmp_path / "a.jsonl")], index, workers=1)
    engine = SearchEngine(index)
    snap = engine._snapshot()
    fast = snap.facets
    slow = FacetTable(snap.searcher.reader(), None)
    assert snap.source.impacts is not None and fast.totals == slow.totals
    everything = fast.doc_count_all
    newest = fast.by_date_mask(fast.live_mask, 0, everything)
    assert newest == slow.by_date_mask(slow.live_mask, 0, everything) and len(newest) == 70
    for step in (3, 11):  # a broad and a narrow result: counted by two different paths
        mask = np.zeros(fast.doc_count_all, dtype=bool)
        mask[::step] = True
        for name in FACET_NAMES:
            by_hand = Counter(v for d in np.flatnonzero(mask & fast.live_mask)
                              for v in slow.values_of(name, int(d)))
            assert fast.count_mask(name, mask) == slow.count_mask(name, mask) == by_hand, name
    for name in FACET_NAMES:
        assert all(fast.values_of(name, d) == slow.values_of(name, d) for d in newest)
    assert fast.totals["person"]["Lloyd Austin"] > 0 and fast.totals["year"][UNDATED] > 0
    engine.close()


def test_segments_merged_by_later_runs_keep_their_impact_lists(tmp_path):
    # Each incremental run adds a small segment; Whoosh merges small segments at commit,
    # rewriting them through our codec: the merged ones must have impact files too.
    for run in range(12):
        _write(tmp_path / f"f{run}.jsonl",
               [{"title": f"Report {run} {n}", "body": f"shells artillery w{n % 7}"} for n in range(20)])
        index_paths([str(tmp_path)], str(tmp_path / "index"), workers=1)
    engine = SearchEngine(str(tmp_path / "index"))
    snap = engine._snapshot()
    assert len(list(snap.searcher.reader().leaf_readers())) < 12  # some were merged
    assert snap.source.impacts is not None
    assert engine.search(SearchRequest(text="artillery AND w3")).total == 12 * 3
    # Merged segments bring their vocabularies along.
    assert snap.source.vocabulary().counts == {"report": 240, "shells": 240, "artillery": 240}
    engine.close()


def test_all_first_ranks_every_word_above_some_words_and_otherwise_scores_as_an_or(tmp_path):
    engine = _engine_over(tmp_path, seed=8, count=150)
    scorer = engine._scorer(engine._snapshot())
    for text in ("w1 w7 w20", "w3 w11", "w2 w5 w9 absentword"):
        relaxed = parse_query(text).query
        assert type(relaxed) is AllFirst
        plain = scorer.match(query.Or(relaxed.subqueries, scale=relaxed.scale))
        found = scorer.match(relaxed)
        assert (found.mask == plain.mask).all()
        every = np.logical_and.reduce([scorer.match(sub).mask for sub in relaxed.subqueries
                                       if scorer.match(sub).mask.any()])
        some = found.mask & ~every
        assert every.any() and some.any(), text
        assert found.scores[every].min() > found.scores[some].max()
        assert found.scores[some] == pytest.approx(plain.scores[some], rel=1e-12)
        lift = found.scores[every] - plain.scores[every]
        assert lift == pytest.approx(np.full(len(lift), plain.scores[some].max()), rel=1e-9)
    engine.close()


def test_a_word_scores_once_as_bm25f_over_its_title_and_body(tmp_path):
    # The word's frequency in each field, normalised by that field's length (Whoosh's own
    # stored lengths and averages) and weighted, added, then saturated once; the idf of the
    # articles with the word in either field. So a word in a title and a body weighs more
    # than in one of them, but never more than one word can: idf (k1 + 1).
    engine = _engine_over(tmp_path, seed=7, count=120)
    snap = engine._snapshot()
    scorer, searcher = engine._scorer(snap), snap.searcher
    reader = searcher.reader()
    k1, b = RANKING.k1, RANKING.b
    sentence = parse_query("w3 w17 w25 w40 w52 w58").query
    assert RANKING.bm25f_title > 1 and all(isinstance(w, FieldedTerm) for w in sentence.subqueries)
    both = 0
    for word in sentence.subqueries:
        text = word.subqueries[0].text
        freqs = {}
        for field in ("title", "body"):
            postings = reader.postings(field, text) if (field, text) in reader else None
            while postings is not None and postings.is_active():
                freqs.setdefault(postings.id(), {})[field] = postings.weight()
                postings.next()
        found = scorer.match(word)
        assert set(np.flatnonzero(found.mask).tolist()) == set(freqs)
        idf = RANKING.term_idf(reader.doc_count_all(), len(freqs))
        for docnum, by_field in freqs.items():
            tf = sum(freq * (RANKING.bm25f_title if field == "title" else 1.0)
                     / ((1 - b) + b * reader.doc_field_length(docnum, field)
                        / searcher.avg_field_length(field))
                     for field, freq in by_field.items())
            assert found.scores[docnum] == pytest.approx(idf * tf * (k1 + 1) / (tf + k1), rel=1e-9)
            assert found.scores[docnum] < idf * (k1 + 1)
            both += len(by_field) == 2
    assert both > 10
    # Repeated in the query, a word weighs as its per-field leaves do (query-term saturation).
    twice = parse_query("w3 w3 w17 w25 w40 w52").query.subqueries[0]
    once = sentence.subqueries[0]
    assert twice.factor == twice.subqueries[1].boost > 1
    assert scorer.match(twice).scores == pytest.approx(scorer.match(once).scores * twice.factor, rel=1e-12)
    engine.close()


def test_scored_words_kept_with_the_generation_score_as_a_fresh_scorer_does(tmp_path):
    # The generation keeps the words queries scored (scorer.ScoredWords): a query asked
    # again, or sharing words with an earlier one, is scored from them, to the bit as
    # a scorer without them scores it; the oldest are dropped past the limit.
    engine = _engine_over(tmp_path, seed=9, count=150)
    snap = engine._snapshot()
    kept = engine._scorer(snap)
    assert kept.scored is snap.source.scored
    texts = _natural_queries(random.Random(4)) + _queries(random.Random(5))
    queries = [parse_query(text, lambda f, t: engine._resolve(snap.facets, f, t)).query
               for text in texts]
    for boost in (1.0, 2.0, 1.0):  # (the same words, boosted or not)
        queries.append(query.Or([query.Term("body", "w3", boost=boost), query.Term("title", "w1")]))
        word = parse_query("w2 w3 w5 w7 w9 w11").query.subqueries[0]
        word.factor, word.boost = boost, 3 - boost
        queries.append(query.Or([word]))
    for _ in range(2):
        for text, q in zip(texts + [str(q) for q in queries[len(texts):]], queries):
            alone = type(kept)(kept.impacts, kept.searcher, kept.ranking, kept.facet_docs)
            got, expected = kept.match(q), alone.match(q)
            assert (got.mask == expected.mask).all(), text
            assert got.scores.tobytes() == expected.scores.tobytes(), text
    held = snap.source.scored
    assert held._entries and held._held <= held.limit
    some = next(iter(held._entries.values()))
    with pytest.raises(ValueError):  # every query reads them: none may write
        some.scores[:1] = 0
    small = type(held)(limit=200)
    for q in queries:
        type(kept)(kept.impacts, kept.searcher, kept.ranking, kept.facet_docs,
                   scored=small).match(q)
    assert 0 < small._held <= 200
    engine.close()
