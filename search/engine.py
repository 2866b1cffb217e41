"""The library API: search, read and describe an index. Returns plain data (models.py).

One ``SearchEngine`` per index folder. It opens a searcher once per index generation and
notices a re-index (a new commit or a rebuilt generation) on the next call, so a server
never needs a restart. Whoosh searchers are not thread-safe (their readers seek and read
shared file handles), so each thread gets its own searcher on the current generation
instead of all calls queueing on one lock; the per-generation facet table and impact
lists are read-only and shared. Queries are matched and scored over the impact lists
(``scorer.py``); Whoosh reads the stored articles, and scores only indexes without them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import heapq
import os
import threading
import time
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any, Callable, Iterator

import numpy as np
from whoosh import query as wq
from whoosh.searching import Searcher

from .backends.embedded import storage
from .backends.base import DayCounts, TermSample
from .analysis import fold_accents, word_terms
from .understanding.expansion import Lexicon, bound_expansions
from .budget import UNLIMITED, Budget
from .backends.embedded.docsets import matching_docs
from .entities import filter_candidates, warm_up as warm_entities
from .entities import user_kb
from .errors import ArticleNotFoundError
from .backends.embedded.facets import FacetTable, Scope
from .backends.embedded.feedback import top_documents
from .backends.embedded.impacts import IMPACT_FIELDS, Impacts
from .backends.embedded.impacts import load as load_impacts
from .understanding.highlight import MatchTerms, best_passages, lead_passage, match_spans
from .understanding.passages import query_match_terms, wanted_terms
from .models import (FACET_FIELDS, UNDATED, Facet, FacetValue, Hit, SearchRequest, SearchResults,
                     StoredArticle)
from .understanding.request_rules import clip, corrected, facet_category, validate
from .understanding.query import TEXT_FIELDS, ParsedQuery, date_bounds, date_range, parse_query
from .backends.embedded.schema import read_card, stored_list
from .understanding.fields import FACET_NAMES, SEP
from .backends.embedded.scorer import Matches, RankingBM25F, Scorer, ScoredWords
from .settings import LIMITS, RANKING, Limits, Ranking
from .understanding import query_entities
from .dedup import Stories
from .understanding import spelling
from .understanding.vocabulary import Vocabulary



@dataclass
class _Generation:
    """One committed state of the index, shared by all threads."""

    generation: str
    toc: int
    index: Any
    facets: FacetTable
    impacts: Impacts | None  # None: an index written before impact files (Whoosh scores)
    _vocabulary: Vocabulary | None = None  # built on first use, see vocabulary()
    _stories: Stories | None | bool = False  # False: not read yet, see stories()
    _lexicons: dict[str, Lexicon] | None = None  # built on first use, see lexicon()
    #: (field, prefix) -> terms: the alias terms of entities named in queries (passages.py
    #: reads them for every hit list; walking Whoosh's term list took ~2 ms a time).
    prefix_terms: dict[tuple[str, str], tuple[bytes, ...]] = dataclasses.field(default_factory=dict)
    #: Fields whose every prefix ending in ``SEP`` is in ``prefix_terms`` (``warm_up`` read
    #: their whole term list): a prefix missing there has no terms.
    complete_prefixes: set[str] = dataclasses.field(default_factory=set)
    #: docnum -> its card (``_card_reader``): a story's other copies are listed under it in
    #: every search that shows it.
    cards: dict[int, Hit] = dataclasses.field(default_factory=dict)
    #: (text, strict) -> the query as ``_parse_bounded`` reads it: a search is often the
    #: same text again (another page, a facet ticked, another user), and reading it
    #: (entities, relaxation, expansions) costs about as much as matching it.
    parsed: dict[tuple[str, bool], ParsedQuery] = dataclasses.field(default_factory=dict)
    wanted: dict[tuple, MatchTerms] = dataclasses.field(default_factory=dict)  # see _wanted
    #: The words queries scored last (``scorer.ScoredWords``): common words recur.
    scored: ScoredWords = dataclasses.field(default_factory=ScoredWords)

    def stories(self) -> Stories | None:
        """Articles of one story (dedup.py), read on first use; None without story keys."""
        if self._stories is False:
            self._stories = Stories.load(self.impacts, self.facets.live_mask) or None
        return self._stories  # type: ignore[return-value]

    def lexicon(self, fieldname: str) -> Lexicon | None:
        """The sorted words of a text field, for expanding prefixes and ranges (None
        without impact lists: Whoosh's reader is used then)."""
        if self.impacts is None or fieldname not in TEXT_FIELDS:
            return None
        if self._lexicons is None:  # (two threads may both build them: the same)
            self._lexicons = {name: Lexicon.from_impacts(self.impacts, name) for name in TEXT_FIELDS}
        return self._lexicons[fieldname]

    def vocabulary(self) -> Vocabulary:
        if self._vocabulary is None:  # (two threads may both build it: the same)
            self._vocabulary = Vocabulary(self.impacts.vocabulary() or {})  # type: ignore[union-attr]
        return self._vocabulary


@dataclass
class _Snapshot:
    """A thread's view of a generation: its own searcher, the shared facet table."""

    generation: str
    searcher: Searcher
    facets: FacetTable
    source: _Generation


def _open_searcher(index: Any, ranking: Ranking = RANKING) -> Searcher:
    return index.searcher(weighting=RankingBM25F(ranking))


class SearchEngine:
    def __init__(self, index_dir: str, ranking: Ranking = RANKING, *, limits: Limits = LIMITS):
        self.index_dir = index_dir
        self.ranking = ranking  # (bench.tune compares settings through the whole engine)
        self.limits = limits  # bounds on one search's work (time budget, expansions)
        user_kb.use_for_index(index_dir)  # the user's own entities kept with this index, if any
        self._lock = threading.Lock()  # guards only the switch to a new generation
        self._current: _Generation | None = None
        self._local = threading.local()

    # -- index generations -------------------------------------------------------------

    def _snapshot(self) -> _Snapshot:
        """This thread's searcher on the live generation (opened again after a re-index)."""
        generation = storage.current_generation(self.index_dir) or ""
        built = None
        with self._lock:  # one thread builds the facet table of a new generation
            current = self._current
            # Opening the index reads its schema: only when the generation changed.
            same = current is not None and current.generation == generation
            ix = current.index if same else storage.open_live(self.index_dir)
            toc = ix.latest_generation()
            if not same or current.toc != toc:
                built = _open_searcher(ix, self.ranking)
                impacts = load_impacts(ix.storage.folder, built.reader())
                current = _Generation(generation, toc, ix, FacetTable(built.reader(), impacts),
                                      impacts)
                if impacts is None or not impacts.has_vocabulary():
                    # An older index: its words are a Whoosh field, read now, while this
                    # thread still owns the reader.
                    current._vocabulary = Vocabulary.from_field(built.reader())
                self._current = current  # older searchers go with the GC: calls may hold them
        mine: _Snapshot | None = getattr(self._local, "snap", None)
        if mine is None or mine.source is not current:
            mine = _Snapshot(generation, built or _open_searcher(current.index, self.ranking), current.facets,
                             current)
            self._local.snap = mine
        return mine

    def warm_up(self) -> None:
        """Build now what the first searches would build while a user waits: the facet
        table, the vocabulary and the impact lists' term dictionaries. ``search serve``
        calls it before it forks its worker processes, which then share it."""
        snap = self._snapshot()
        snap.facets.warm_up()
        snap.source.vocabulary()
        snap.source.stories()
        snap.source.lexicon("body")
        if snap.source.impacts is not None:
            snap.source.impacts.warm_up()
        _warm_words(snap.source.vocabulary(), WARM_WORDS)
        _warm_prefixes(snap.source, snap.searcher.reader(), "alias")
        warm_entities()  # the tables that reading a query's names looks up

    def close(self) -> None:
        """Close this thread's searcher (other threads' searchers go with the GC)."""
        mine = getattr(self._local, "snap", None)
        if mine is not None:
            mine.searcher.close()
            self._local.snap = None
        with self._lock:
            self._current = None

    # -- resolving what users type to canonical facet values ---------------------------

    def resolve(self, field: str, text: str) -> list[str]:
        """Indexed values of facet ``field`` that ``text`` may mean (any alias, any case)."""
        return self._resolve(self._snapshot().facets, field, text)

    @staticmethod
    def _resolve(facets: FacetTable, field: str, text: str) -> list[str]:
        candidates = filter_candidates(field, text)
        text = candidates[0]
        found: list[str] = []
        for candidate in candidates:
            found += facets.lookup(field, candidate)
        if not found and field == "person":
            found = facets.by_last_word(field, text)
        return list(dict.fromkeys(found or candidates[1:]))

    # -- search --------------------------------------------------------------------------

    def parse(self, text: str, *, strict: bool = False) -> ParsedQuery:
        return self._parse(self._snapshot(), text, strict)

    def _parse(self, snap: _Snapshot, text: str, strict: bool = False) -> ParsedQuery:
        """The query with the entities its text names (query_entities.py)."""
        facets = snap.facets
        counts = snap.source.vocabulary().counts
        find = query_entities.finder(facets, lambda w: counts.get(fold_accents(w).lower(), 0),
                                     self.ranking.k1, self.ranking)
        return parse_query(text, lambda f, t: self._resolve(facets, f, t), strict=strict,
                           ranking=self.ranking, entities=find)

    def search(self, request: SearchRequest, *, strict: bool = False) -> SearchResults:
        validate(request)
        started = time.perf_counter()
        snap = self._snapshot()
        budget = Budget(self.limits.time_budget)  # (after opening: a cold start is not the query's)
        parsed = self._parse_bounded(snap, request.text, strict, budget)
        facets = snap.facets
        scorer = self._scorer(snap, self.ranking, budget)
        as_typed = parsed.natural  # (if it becomes a sentence, the words as typed found nothing)
        parsed, base, matches = self._answered(snap, scorer, parsed, request, budget)
        if matches is not None and matches.complete == 0 and matches.mask.any():
            parsed = replace(parsed, warnings=parsed.warnings + (
                "no article has every word of the query; showing articles that match some of them",))
        selected = {name: self._selection(facets, name, values)
                    for name, values in request.filters().items() if values}
        allowed = {name: facets.mask_with(name, values) for name, values in selected.items()}
        matched = _intersect(base, allowed.values(), facets.live_mask)
        stories = snap.source.stories()
        if stories is not None:  # one story once: in hits, the total and facet counts
            everything = base is None and not allowed
            final = stories.collapse_all(facets.live_mask) if everything else stories.collapse(matched)
            if not allowed:  # (then the facets count over ``final`` alone)
                base = final
            else:
                base = stories.collapse_all(facets.live_mask) if base is None else stories.collapse(base)
        else:
            final = matched
        total = int(np.count_nonzero(final))
        facet_list = self._facets(facets, base, allowed, final, selected, request.facet_limit)
        page = self._page(snap, scorer, final, total, request, parsed, matches, self.ranking)
        similar = (_similar(snap, [d for d, _ in page], stories, facets.live_mask)
                   if stories is not None else {})
        hits = self._hits(snap, page, parsed, request, selected, similar, matches)
        suggestion = self._suggestion(snap, parsed.text, budget)
        dates = date_range(request.since, request.until)
        explained = parsed.explain() + (f" AND {dates}" if dates is not None else "")
        for name, values in selected.items():
            explained += f" AND {name}:({' OR '.join(values)})"
        results = SearchResults(
            query=request.text, total=total, page=request.page, per_page=request.per_page,
            hits=tuple(hits), facets=tuple(facet_list),
            took_ms=(time.perf_counter() - started) * 1000, parsed=explained,
            warnings=parsed.warnings, suggestion=suggestion, entities=parsed.entities)
        fell_back = parsed.natural and not as_typed
        if request.correct and suggestion and (total <= spelling.FEW_RESULTS or fell_back):
            return corrected(lambda r: self.search(r, strict=strict), results, request,
                             fell_back) or results
        return results

    def _parse_bounded(self, snap: _Snapshot, text: str, strict: bool,
                       budget: Budget) -> ParsedQuery:
        """The query (its text cut to ``max_query_chars``), with its prefixes, wildcards and
        ranges expanded to a bounded number of words; what was cut is in its warnings.
        Kept per index generation (``_Generation.parsed``): the same for the same text."""
        if len(text) > self.limits.max_query_chars:  # (cut short: not worth keeping)
            return self._read_bounded(snap, text, strict, budget)
        return _kept(snap.source.parsed, (text, strict),
                     lambda: self._read_bounded(snap, text, strict, budget), MAX_PARSED_KEPT)

    def _read_bounded(self, snap: _Snapshot, text: str, strict: bool,
                      budget: Budget) -> ParsedQuery:
        clipped = clip(text, self.limits.max_query_chars)
        parsed = self._parse(snap, clipped, strict)
        warnings = parsed.warnings
        if clipped != text:
            warnings = (f"the query is {len(text):,} characters long: only its first "
                        f"{len(clipped):,} were read",) + warnings
        if parsed.query is None:
            return replace(parsed, warnings=warnings)
        bounded, cut = bound_expansions(parsed.query, snap.searcher.reader(), snap.source.lexicon,
                                        self.limits, budget)
        return replace(parsed, query=bounded, warnings=warnings + cut)

    @staticmethod
    def _matching(snap: _Snapshot, scorer: Scorer | None, parsed: ParsedQuery,
                  request: SearchRequest,
                  budget: Budget = UNLIMITED) -> tuple[np.ndarray | None, Matches | None]:
        """The documents the query text and dates match (None: no restriction), and the
        scorer's matches of the text (None without impact lists or text)."""
        facets = snap.facets
        matches = None
        base = None
        if parsed.query is not None:
            if scorer is not None:
                matches = scorer.match(parsed.query)
                base = matches.mask
            else:
                base = facets.mask_of(matching_docs(parsed.query, snap.searcher, facets.live,
                                                    budget))
        bounds = date_bounds(request.since, request.until)
        if bounds is not None:
            in_range = facets.date_mask(*bounds)
            base = in_range if base is None else base & in_range
        if request.excluded:  # NOT a facet value: every count and hit leaves them out
            names: dict[str, list[str]] = {}
            for name, value in request.excluded:
                names.setdefault(name, []).extend(
                    SearchEngine._resolve(facets, name, value) or [value])
            keep = ~np.logical_or.reduce([facets.mask_with(n, v) for n, v in names.items()])
            base = (facets.live_mask & keep) if base is None else base & keep
        return base, matches

    def _answered(self, snap: _Snapshot, scorer: Scorer | None, parsed: ParsedQuery,
                  request: SearchRequest, budget: Budget = UNLIMITED
                  ) -> tuple[ParsedQuery, np.ndarray | None, Matches | None]:
        """What the query matches as ``search`` answers it: as written, or, when that finds
        nothing, as a sentence (``_sentence_instead``). Export and trends read it so too,
        so that they hold the articles the search showed."""
        base, matches = self._matching(snap, scorer, parsed, request, budget)
        if parsed.fallback is not None and base is not None and not base.any():
            return self._sentence_instead(snap, scorer, parsed, request, base, matches)
        return parsed, base, matches

    def _sentence_instead(self, snap: _Snapshot, scorer: Scorer | None, parsed: ParsedQuery,
                          request: SearchRequest, base: np.ndarray, matches: Matches | None):
        """A query read as boolean (or with every word required) that finds nothing, while
        its words read as a sentence would: say so, and answer the sentence."""
        other = parsed.fallback
        alt_base, alt_matches = self._matching(snap, scorer, other, request)
        if alt_base is None or not alt_base.any():
            return parsed, base, matches
        note = ("no article matches the query as written (every word, or its AND / OR / NOT); "
                "showing articles that match some of its words instead")
        return replace(other, warnings=parsed.warnings + (note,)), alt_base, alt_matches

    def _selection(self, facets: FacetTable, name: str, values: tuple[str, ...]) -> list[str]:
        out: list[str] = []
        for value in values:
            out += self._resolve(facets, name, value) or [value]
        return list(dict.fromkeys(out))

    def _facets(self, facets: FacetTable, base: np.ndarray | None, allowed: dict[str, np.ndarray],
                final: np.ndarray, selected: dict[str, list[str]], limit: int) -> list[Facet]:
        scopes: dict[frozenset[str], Scope | None] = {
            frozenset(allowed): None if base is None and not allowed else Scope(final)}

        def scope(filters: frozenset[str]) -> Scope | None:
            """The documents a facet counts over: the query's, within the other facets'
            selections (facets without a selection of their own share one)."""
            if filters not in scopes:
                scopes[filters] = (None if base is None and not filters else Scope(
                    _intersect(base, [allowed[f] for f in filters], facets.live_mask)))
            return scopes[filters]

        out = []
        for name in FACET_FIELDS:
            chosen = selected.get(name, [])
            ranked = facets.ranked(name, scope(frozenset(allowed) - {name}), limit, also=chosen)
            out.append(Facet(name, tuple(FacetValue(v, count, v in chosen, facet_category(name, v))
                                         for v, count in ranked)))
        for name in ("year", "month"):
            ranked = facets.ranked(name, scope(frozenset(allowed)))
            out.append(Facet(name, tuple(FacetValue(v, c) for v, c in ranked)))
        return out

    @staticmethod
    def _page(snap: _Snapshot, scorer: Scorer | None, final: np.ndarray, total: int,
              request: SearchRequest, parsed: ParsedQuery, matches: Matches | None,
              ranking: Ranking = RANKING) -> list[tuple[int, float]]:
        """The requested page of ``final``'s documents: (docnum, score) in rank order."""
        first = (request.page - 1) * request.per_page
        if first >= total:
            return []
        if request.sort == "date" or parsed.query is None:
            return [(d, 0.0) for d in snap.facets.by_date_mask(final, first, request.per_page)]
        top = top_documents(snap.searcher, parsed.query, parsed, limit=first + request.per_page,
                            allowed=final, scorer=scorer, matches=matches, ranking=ranking)
        return [(docnum, score or 0.0) for score, docnum in top[first:]]

    @staticmethod
    def _hits(snap: _Snapshot, page: list[tuple[int, float]], parsed: ParsedQuery,
              request: SearchRequest, filters: dict[str, list[str]] | None = None,
              similar: dict[int, tuple[Hit, ...]] | None = None,
              matches: Matches | None = None) -> list[Hit]:
        if not page:
            return []
        searcher = snap.searcher
        wanted = _wanted(snap, parsed, filters)
        hits = []
        for docnum, score in page:
            fields = searcher.stored_fields(docnum)
            body = fields.get("body", "")
            passages = best_passages(body, wanted, request.highlights) if wanted else ()
            title = fields.get("title", "")
            hits.append(_hit(fields, score, passages or lead_passage(body),
                             title_matches=tuple(match_spans(title, wanted)) if wanted and title else (),
                             similar=similar.get(docnum, ()) if similar else (),
                             missing=matches.missing(docnum) if matches is not None and matches.words else ()))
        return hits

    @staticmethod
    def _scorer(snap: _Snapshot, ranking: Ranking = RANKING,
                budget: Budget = UNLIMITED) -> Scorer | None:
        impacts = snap.source.impacts
        if impacts is None:
            return None
        facets = snap.facets
        return Scorer(impacts, snap.searcher, ranking,
                      lambda name, value: facets.docs_of(name, value) if name in FACET_NAMES else None,
                      budget=budget, scored=snap.source.scored)

    def _suggestion(self, snap: _Snapshot, text: str, budget: Budget = UNLIMITED) -> str:
        """"Did you mean" (``spelling.suggest``) over this index generation."""
        return spelling.suggest(text, snap.searcher.reader(), snap.source.vocabulary(), snap.facets,
                                self.limits, budget)

    # -- single articles ---------------------------------------------------------------

    def article(self, article_id: str) -> StoredArticle:
        searcher = self._snapshot().searcher
        fields = searcher.document(id=article_id)
        if fields is None:
            raise ArticleNotFoundError(f"No article with id {article_id!r}. "
                                       "Ids are shown by `search query` and `search export`.")
        return _stored(fields)

    def more_like(self, article_id: str, limit: int = 5) -> list[Hit]:
        """Articles whose text is most like this one: Whoosh's more-like-this on the body
        (its 25 key terms, OR'ed, weighted), the query scored over the impact lists when the
        index has them. Whoosh's own search of it took 1.2-1.8 s per article page at Reuters
        x1 on a busy machine (every article page held a server worker that long); the scorer
        2-20 ms, with the same five articles in the same order (Whoosh's scores are these times
        a factor of each article's query)."""
        snap = self._snapshot()
        searcher = snap.searcher
        docnum = searcher.document_number(id=article_id)
        if docnum is None:
            raise ArticleNotFoundError(f"No article with id {article_id!r}.")
        body = searcher.stored_fields(docnum).get("body", "")
        scorer = self._scorer(snap, self.ranking)
        if scorer is None:
            results = searcher.more_like(docnum, "body", text=body, top=limit, numterms=25)
            return [_hit(r.fields(), r.score or 0.0, ()) for r in results]
        key_terms = searcher.key_terms_from_text("body", body, numterms=25, normalize=True)
        if not key_terms:
            return []
        matches = scorer.match(wq.Or([wq.Term("body", word, boost=weight) for word, weight in key_terms]))
        others = matches.mask.copy()
        others[docnum] = False  # (as Whoosh masks the article itself)
        return [_hit(searcher.stored_fields(d), score, ()) for score, d in matches.top(limit, others)]

    def sharing_entities(self, article_id: str, limit: int = 5) -> list[tuple[Hit, list[str]]]:
        """Articles that mention the most of this article's people, systems, orgs, places."""
        snap = self._snapshot()
        docnum = snap.searcher.document_number(id=article_id)
        if docnum is None:
            raise ArticleNotFoundError(f"No article with id {article_id!r}.")
        mine = {(name, v) for name in ("person", "system", "org")
                for v in snap.facets.values_of(name, docnum)}
        shared: Counter[int] = Counter()
        for name, value in mine:
            for other in snap.facets.docs_with(name, [value]):
                if other != docnum:
                    shared[other] += 1
        out = []
        for other, _ in sorted(shared.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]:
            fields = snap.searcher.stored_fields(other)
            common = [v for name, v in sorted(mine) if v in snap.facets.values_of(name, other)]
            out.append((_hit(fields, float(shared[other]), ()), common))
        return out

    def iter_articles(self, request: SearchRequest | None = None) -> Iterator[StoredArticle]:
        """Every matching article, one at a time (``search export``): memory stays flat."""
        request = request or SearchRequest()
        snap = self._snapshot()
        searcher, facets = snap.searcher, snap.facets
        parsed = self._parse_bounded(snap, request.text, False, UNLIMITED)
        _, base, _ = self._answered(snap, self._scorer(snap), parsed, request)
        allowed = [facets.mask_with(name, self._selection(facets, name, values))
                   for name, values in request.filters().items() if values]
        docnums = np.flatnonzero(_intersect(base, allowed, facets.live_mask)).tolist()
        for docnum in docnums:
            fields = searcher.stored_fields(docnum)
            yield _stored(fields)

    # -- describing the index ------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        snap = self._snapshot()
        facets = snap.facets
        generation = snap.generation
        dated = sorted(v for v in facets.totals["month"] if v != UNDATED)
        size = sum(os.path.getsize(os.path.join(generation, f)) for f in os.listdir(generation))
        return {
            "index": self.index_dir,
            "articles": int(facets.live_mask.sum()),
            "size_bytes": size,
            "first_month": dated[0] if dated else None,
            "last_month": dated[-1] if dated else None,
            "facets": {name: {"distinct": len(facets.totals[name]),
                              "top": [{"value": v, "count": c} for v, c in
                                      sorted(facets.totals[name].items(),
                                             key=lambda kv: (-kv[1], kv[0]))[:10]]}
                       for name in FACET_FIELDS},
            "years": [{"value": v, "count": c} for v, c in sorted(facets.totals["year"].items())],
        }

    def article_count(self) -> int:
        """Articles in the live index (``/healthz``: opens the index, searches nothing)."""
        return int(self._snapshot().facets.live_mask.sum())

    def facet_totals(self, name: str) -> Counter[str]:
        return Counter(self._snapshot().facets.totals[name])

    def docs_for(self, name: str, value: str) -> set[int]:
        return self._snapshot().facets.docs_with(name, [value])

    def facet_values_of(self, name: str, docnums: set[int]) -> Counter[str]:
        return self._snapshot().facets.count(name, docnums)

    def newest(self, docnums: set[int], limit: int, first: int = 0) -> list[Hit]:
        """The newest ``limit`` of these documents (from the ``first``), as hits without
        highlights."""
        snap = self._snapshot()
        return [_hit(snap.searcher.stored_fields(d), 0.0, ())
                for d in snap.facets.by_date(docnums, first, limit)]

    def terms(self, field: str) -> list[tuple[str, int]]:
        """Every value of an exact field with its document count (``alias``, ``role``...).
        Read segment by segment in one pass each (a lookup per term across segments took
        seconds at 100k articles), once per index generation: entity pages ask every time."""
        snap = self._snapshot()
        cache = snap.source.__dict__.setdefault("_terms", {})
        found = cache.get(field)
        if found is None:
            counts: Counter[bytes] = Counter()
            for leaf, _ in snap.searcher.reader().leaf_readers():
                if field in leaf.schema:
                    for term, info in leaf.iter_field(field):
                        counts[term] += info.doc_frequency()
            found = cache[field] = [(t.decode("utf-8"), counts[t]) for t in sorted(counts)]
        return list(found)

    def vocabulary(self, prefix: str, limit: int = 10) -> list[tuple[str, int]]:
        """Indexed words starting with ``prefix``, most frequent first (suggestions)."""
        key = fold_accents(prefix).lower()
        if len(key) < 2:
            return []
        vocabulary = self._snapshot().source.vocabulary()
        words = []
        for word in vocabulary.starting_with(key):
            words.append((word, vocabulary.counts[word]))
            if len(words) >= 2000:
                break
        return sorted(words, key=lambda w: (-w[1], w[0]))[:limit]

    def match_mask(self, request: SearchRequest) -> np.ndarray:
        """The documents a request matches (text, dates, filters, exclusions) as a mask over
        docnums: trends and top terms count over it without ranking or fetching anything."""
        snap = self._snapshot()
        facets = snap.facets
        parsed = parse_query(request.text, lambda f, t: self._resolve(facets, f, t))
        _, base, _ = self._answered(snap, self._scorer(snap), parsed, request)
        allowed = [facets.mask_with(name, self._selection(facets, name, values))
                   for name, values in request.filters().items() if values]
        return _intersect(base, allowed, facets.live_mask)

    def day_numbers(self) -> np.ndarray:
        """Each document's date as a proleptic ordinal day (``date.toordinal()``), 0 for
        undated and deleted documents: the unit that trends bin into days, weeks, months."""
        facets = self._snapshot().facets
        days = getattr(facets, "_day_numbers", None)
        if days is None:  # (per generation: the facet table is)
            days = np.where(facets.date_mask(None, None),
                            facets._dates // 86_400_000_000 + 1, 0).astype(np.int64)
            facets._day_numbers = days
        return days

    def term_counts(self, docnums: list[int]) -> tuple[dict[str, float], float, dict[str, float], float]:
        """Body terms (stems) counted in ``docnums`` and in the whole index, with both
        totals: what "top terms" compares. Empty without impact lists."""
        impacts = self._snapshot().source.impacts
        if impacts is None or not docnums:
            return {}, 0.0, {}, 0.0
        counts, total = impacts.top_weights("body", docnums)
        index = impacts.frequencies("body")
        index_total = getattr(impacts, "_body_total", None)
        if index_total is None:
            index_total = impacts._body_total = float(sum(index.values()))
        return counts, total, index, index_total

    def word_counts(self) -> dict[str, int]:
        """Every indexed surface word (folded, unstemmed) with its count: the same dict
        for one index generation."""
        return self._snapshot().source.vocabulary().counts

    def day_counts(self, requests: list[SearchRequest]) -> list[DayCounts]:
        """Matching articles per day of each request (trends, the timeline): one mask and
        one ``bincount`` each."""
        days = self.day_numbers()
        out = []
        for request in requests:
            mask = self.match_mask(request)
            dated = days[mask & (days > 0)]
            undated = int(np.count_nonzero(mask & (days == 0)))
            if not len(dated):
                out.append(DayCounts(undated=undated))
                continue
            low = int(dated.min())
            counts = np.bincount(dated - low)
            found = np.flatnonzero(counts)
            out.append(DayCounts(tuple((found + low).tolist()), tuple(counts[found].tolist()), undated))
        return out

    def term_sample(self, request: SearchRequest, size: int) -> TermSample:
        """Body stems counted in ``size`` matches spread evenly over them, against the index."""
        mask = self.match_mask(request)
        docs = np.flatnonzero(mask)
        matched = len(docs)
        if matched > size:
            docs = docs[np.linspace(0, matched - 1, size).astype(np.int64)]
        counts, total, index, index_total = self.term_counts(docs.tolist())
        return TermSample(matched, len(docs), counts, total, index, index_total,
                          self.word_counts() if counts else {})

    def match_spans(self, query_text: str, text: str) -> list[tuple[int, int]]:
        """[start, end) offsets in ``text`` of the words the (leniently parsed) query matches:
        the article page highlights its full text with them."""
        if not query_text.strip() or not text:
            return []
        snap = self._snapshot()
        parsed = self._parse(snap, query_text)
        wanted = wanted_terms(snap.searcher.reader(), snap.facets.doc_count_all,
                              query_match_terms(parsed.query), parsed.entities)
        return match_spans(text, wanted) if wanted else []


#: The most frequent words of the index whose analysis ``warm_up`` works out beforehand.
WARM_WORDS = 30_000


def _warm_words(vocabulary: Vocabulary, count: int) -> None:
    """The index terms (``analysis.word_terms``: tokens, stem) of the ``count`` most frequent
    words of the index, as written in lower case, capitalised and in capitals. Highlighting
    a hit analyses each distinct word of its text that may match the query: in a fresh
    worker, that was a third of a results page's highlighting CPU until its caches filled.
    Worked out once per index generation's warm-up, before ``search serve`` forks, so the
    workers share them (~1 s and ~30 MB at Reuters x5)."""
    counts = vocabulary.counts
    for word in heapq.nlargest(count, counts, key=counts.__getitem__):
        for form in {word, word.capitalize(), word.upper()}:
            word_terms(form)


def _warm_prefixes(source: _Generation, reader: Any, fieldname: str) -> None:
    """The terms of ``fieldname`` under each prefix ending in ``SEP`` (an entity's alias
    terms: ``passages.entity_names``), read in one pass over its term list (26,000 alias
    terms, 0.2 s at Reuters x5) instead of one walk of Whoosh's term list per entity a
    query names, cold in most searches of a fresh worker."""
    if fieldname not in reader.schema or fieldname in source.complete_prefixes:
        return
    grouped: dict[str, list[bytes]] = {}
    for term in reader.lexicon(fieldname):
        text = term.decode("utf-8")
        at = text.find(SEP)
        while at != -1:
            grouped.setdefault(text[:at + 1], []).append(term)
            at = text.find(SEP, at + 1)
    if len(source.prefix_terms) + len(grouped) > MAX_PREFIXES_KEPT:
        return
    for prefix, terms in grouped.items():
        source.prefix_terms[(fieldname, prefix)] = tuple(terms)
    source.complete_prefixes.add(fieldname)


def _wanted(snap: _Snapshot, parsed: ParsedQuery,
            filters: dict[str, list[str]] | None) -> MatchTerms:
    """What the hits' passages and titles highlight (``passages.wanted_terms``), kept per
    index generation like the query's reading."""
    base = query_match_terms(parsed.query)
    key = (base, parsed.entities, tuple((k, tuple(v)) for k, v in (filters or {}).items()))
    return _kept(snap.source.wanted, key, lambda: wanted_terms(
        _TermCounts(snap.searcher.reader(), snap.source.impacts, snap.source.prefix_terms,
                    snap.source.complete_prefixes),
        snap.facets.doc_count_all, base, parsed.entities, filters), MAX_PARSED_KEPT)


def _kept(store: dict, key: Any, make: Callable[[], Any], limit: int) -> Any:
    """``store[key]``, made by ``make()`` the first time: a cache kept with an index
    generation, emptied when it holds ``limit`` entries."""
    found = store.get(key)
    if found is None:
        if len(store) >= limit:
            store.clear()
        found = store[key] = make()
    return found


def _intersect(base: np.ndarray | None, others, live: np.ndarray) -> np.ndarray:
    result = (live if base is None else base).copy()
    for docs in others:
        result &= docs
    return result


def _date_text(value: Any) -> str | None:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.date().isoformat() if isinstance(value, dt.datetime) else value.isoformat()
    return None


def _similar(snap: _Snapshot, docnums: list[int], stories: Stories,
             live: np.ndarray) -> dict[int, tuple[Hit, ...]]:
    """The other articles of each one's story (its other copies, whether or not they
    match too: a headline-only copy has no text to match), read from their cards."""
    card = _card_reader(snap.searcher, snap.source.impacts, snap.source.cards)
    out = {}
    for docnum in docnums:
        others = stories.similar(docnum, live)
        if others:
            out[docnum] = tuple(card(d) for d in others)
    return out


MAX_PREFIXES_KEPT = 50_000


class _TermCounts:
    """What ``passages.wanted_terms`` reads of the index: document frequencies of the
    scored fields from the impact lists (a dictionary lookup per segment, where Whoosh's
    reader looks each term up in its on-disk hash), anything else from Whoosh."""

    def __init__(self, reader: Any, impacts: Impacts | None,
                 prefix_terms: dict[tuple[str, str], tuple[bytes, ...]],
                 complete: set[str] = frozenset()):
        self._reader, self._impacts, self._prefix_terms = reader, impacts, prefix_terms
        self._complete = complete

    def doc_frequency(self, fieldname: str, term: str) -> int:
        if self._impacts is not None and fieldname in IMPACT_FIELDS:
            return self._impacts.doc_frequency(fieldname, term)
        return self._reader.doc_frequency(fieldname, term)

    def expand_prefix(self, fieldname: str, prefix: str) -> tuple[bytes, ...]:
        """The field's terms starting with ``prefix``, read once per index generation."""
        key = (fieldname, prefix)
        found = self._prefix_terms.get(key)
        if found is None:
            if fieldname in self._complete and prefix.endswith(SEP):
                return ()  # (warm_up kept every such prefix that has terms)
            found = tuple(self._reader.expand_prefix(fieldname, prefix))
            if len(self._prefix_terms) < MAX_PREFIXES_KEPT:
                self._prefix_terms[key] = found
        return found


MAX_CARDS_KEPT = 20_000
MAX_PARSED_KEPT = 5_000


def _card_reader(searcher: Searcher, impacts: Impacts | None,
                 kept: dict[int, Hit]) -> Callable[[int], Hit]:
    """docnum -> a Hit with its id, title, date, source and url only: from its card in the
    impact files (a few bytes), or from its stored fields where it has none (older index);
    each kept in ``kept`` (up to ``MAX_CARDS_KEPT``)."""

    def card(docnum: int) -> Hit:
        return _kept(kept, docnum, lambda: _read_card(docnum), MAX_CARDS_KEPT)

    def _read_card(docnum: int) -> Hit:
        raw = impacts.card(docnum) if impacts is not None else b""
        if not raw:
            return _hit(searcher.stored_fields(docnum), 0.0, ())
        return Hit.brief(*read_card(raw))
    return card


def _hit(fields: dict[str, Any], score: float, passages, **extra: Any) -> Hit:
    return Hit(
        id=fields["id"], title=fields.get("title", ""), date=_date_text(fields.get("date")),
        source=fields.get("source", ""), url=fields.get("url", ""), score=score,
        persons=stored_list(fields.get("person")), systems=stored_list(fields.get("system")),
        orgs=stored_list(fields.get("org")), places=stored_list(fields.get("place")),
        highlights=tuple(passages), **extra)


def _stored(fields: dict[str, Any]) -> StoredArticle:
    return StoredArticle(
        id=fields["id"], title=fields.get("title", ""), body=fields.get("body", ""),
        date=_date_text(fields.get("date")), source=fields.get("source", ""),
        url=fields.get("url", ""), authors=stored_list(fields.get("authors")),
        persons=stored_list(fields.get("person")), systems=stored_list(fields.get("system")),
        orgs=stored_list(fields.get("org")), places=stored_list(fields.get("place")),
        roles={k: tuple(v) for k, v in (fields.get("roles") or {}).items()},
        origin=fields.get("origin", ""), extra=dict(fields.get("extra") or {}),
        collection=fields.get("collection") or "")
