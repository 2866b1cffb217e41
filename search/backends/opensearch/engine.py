"""``OpenSearchEngine``: the library API of ``search.engine.SearchEngine`` over a cluster.

Parsing, repairs, entity resolution rules, validation and the result dataclasses are the
embedded engine's own, so the CLI, the web app, the JSON API and export behave the same on
either backend; only matching, counting, ranking and highlighting run in the cluster.
Ranking is the cluster's BM25 per field with our title weight: the same documents, in a
compatible (not identical) order; pseudo-relevance feedback is not applied here.

One story once (``stories.py``): on an index holding copies of a story, hits are collapsed
on the story label, totals and facet counts count stories, and each hit lists its copies.

A search has the embedded engine's time budget (``Limits.time_budget``): every request it
makes to the cluster carries what is left of it, as the search's ``timeout`` (the cluster
answers what it found by then, with ``timed_out``: shown as a partial result with a
warning) and as the client's wait (plus ``CLIENT_GRACE``; past it, or with nothing left
before a request, a :class:`QueryTimeoutError`).
"""

from __future__ import annotations

import re
import threading
import time
from contextlib import contextmanager
from collections import Counter
from dataclasses import replace
from typing import Any, Iterator

from ...analysis import fold_accents
from ...entities import filter_candidates
from ...budget import Budget
from ...errors import ArticleNotFoundError, QueryTimeoutError
from ...models import (FACET_FIELDS, UNDATED, Highlight, Hit, SearchRequest, SearchResults,
                       StoredArticle)
from ...understanding.request_rules import clip, corrected, facet_category, validate
from ...understanding.query import TEXT_FIELDS, AllFirst, ParsedQuery, date_range, parse_query
from ...settings import LIMITS, RANKING, Limits
from ...understanding import spelling
from ...understanding.facet_values import value_key
from ..base import DayCounts, TermSample
from . import workbench
from .aggregations import (all_values_page, all_values_request, facet_aggregations, facets_from,
                           facets_of_values, selection_filters, story_total)
from .connection import BackendError, ClusterAddress, ShardsUnavailable, parse_address
from .loader import SEP, cluster_error
from .stories import FIELD as STORY, similar_query
from .translate import MATCH_ALL, date_filter, to_dsl
from .understanding import ClusterView, ViewCache, finder, read_view
from . import understanding

#: Highlight markers: private-use characters, taken out of nothing (article text has none
#: in practice; one that does only loses that highlight's offsets).
PRE, POST = "\ue000", "\ue001"
PASSAGE_CHARS = 240
HIT_FIELDS = ["id", "title", "date", "source", "url", "person", "system", "org", "place"]
MAX_TERMS = 65_000  # buckets for whole-index value lists (entities, aliases)
#: Facet values read per request when a search asks for more than this many (the "All
#: values" page): paged by key, under the cluster's 65,535 buckets a request.
FACET_PAGE = 10_000
#: Seconds the client waits for an answer beyond the search's remaining budget (the
#: cluster stops searching at the budget; this covers its queue and the transfer).
CLIENT_GRACE = 2.0
#: Copies of the page's stories read at most for the hits' "similar" lists.
SIMILAR_MAX = 1_000


class OpenSearchEngine:
    def __init__(self, address: ClusterAddress | str, *, limits: Limits = LIMITS,
                 facet_page: int = FACET_PAGE, client_grace: float = CLIENT_GRACE):
        self.address = parse_address(address) if isinstance(address, str) else address
        self.index = self.address.index
        self.index_dir = str(self.address)  # what `stats` and messages show
        self.limits = limits  # the time budget of a search (the other limits are the parser's)
        self.facet_page = facet_page
        self.client_grace = client_grace
        self._client = None
        self._views = ViewCache()  # what query understanding reads, per index state
        self._local = threading.local()  # the budget of the search this thread runs

    @property
    def client(self):
        if self._client is None:
            # a timeout is not retried: the budget is spent (connection errors and 502-504,
            # a node going away, still move to another node)
            self._client = self.address.client(retry_on_timeout=False)
        return self._client

    def _call(self, method: str, **kwargs) -> Any:
        """One client call; every client error becomes a BackendError a user can act on.
        Within a search, the call waits at most what is left of its time budget."""
        from opensearchpy import ConnectionTimeout

        budget: Budget | None = getattr(self._local, "budget", None)
        if budget is not None and budget.seconds <= 0:
            budget = None  # no limit
        if budget is not None:
            budget.check()  # nothing left: the embedded engine's error
            kwargs.setdefault("request_timeout", _left(budget) + self.client_grace)
        target = self.client
        for part in method.split("."):
            target = getattr(target, part)
        try:
            return target(**kwargs)
        except ConnectionTimeout:
            if budget is None:
                raise cluster_error(ConnectionTimeout(), self.address) from None
            raise QueryTimeoutError(
                f"The cluster at {self.address} did not answer within {budget.seconds:g} s, "
                "the time a search may take. Make the query narrower (longer prefixes, fewer "
                "wildcards or words), or try again when the cluster is less busy.") from None
        except Exception as exc:
            raise cluster_error(exc, self.address) from None

    def _search(self, body: dict[str, Any], **params) -> dict[str, Any]:
        """A search every shard answered. A shard whose copy was on a node that just went
        down fails the searches already in flight to it (as a missing shard, or as a 500
        "all shards failed" when every shard asked failed), though its replica is alive:
        asked again a moment later, the cluster answers from the replica. So the search is
        asked again, after pauses that grow (``SHARD_PAUSES_S``, while the time budget
        allows), before the user is told that results would be incomplete."""
        budget: Budget | None = getattr(self._local, "budget", None)
        limited = budget is not None and budget.seconds > 0
        pauses = list(SHARD_PAUSES_S)
        while True:
            timed = body
            if limited:  # the cluster stops searching in time
                timed = {**body, "timeout": f"{max(1, int(_left(budget) * 1000))}ms"}
            try:
                return complete(self._call("search", index=self.index, body=timed, **params),
                                self.address)
            except ShardsUnavailable:
                if not pauses or (limited and _left(budget) < 2 * pauses[0]):
                    raise
                time.sleep(pauses.pop(0))

    def warm_up(self) -> None:
        """Check the index answers; then drop the client, so that each forked server
        process opens connections of its own instead of sharing these sockets."""
        self._call("cluster.health", index=self.index, wait_for_status="yellow")
        self.close()

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    # -- resolving what users type --------------------------------------------------------

    def resolve(self, field: str, text: str) -> list[str]:
        candidates = filter_candidates(field, text)
        keys = list(dict.fromkeys(value_key(c) for c in candidates if c))
        found = self._values_by_key(field, keys)
        if not found and field == "person" and keys and " " not in keys[0]:
            found = self._values_by_key("person-last", keys[:1])
        return list(dict.fromkeys(found or candidates[1:]))

    def _values_by_key(self, kind: str, keys: list[str]) -> list[str]:
        if not keys:
            return []
        prefixes = [f"{kind}{SEP}{k}{SEP}" for k in keys]
        answer = self._search({"size": 0, "query": {"bool": {"should": [
            {"prefix": {"facet_keys": p}} for p in prefixes]}},
            "aggs": {"v": {"terms": {"field": "facet_keys", "include": _lucene_regex(prefixes),
                                     "size": 100}}}})
        out = []
        for bucket in answer["aggregations"]["v"]["buckets"]:
            out.append(bucket["key"].split(SEP, 2)[2])
        return out

    # -- search --------------------------------------------------------------------------

    def parse(self, text: str, *, strict: bool = False) -> ParsedQuery:
        return self._parse(self._view(), text, strict)

    def _view(self) -> ClusterView:
        """The facet values, vocabulary and aliases of the index, read again when its
        article count (or its number of story copies) changes (understanding.py)."""
        def read(state: tuple[int, int]) -> ClusterView:
            with self._unbudgeted():  # (a cold start is not the query's)
                return read_view(self._search, self._terms, state)

        return self._views.get(self._state, read)

    @contextmanager
    def _unbudgeted(self) -> Iterator[None]:
        """Calls made here wait as long as the client does (30 s), whatever the search's
        budget: reading the view after a load, and every value of the facets."""
        budget = getattr(self._local, "budget", None)
        self._local.budget = None
        try:
            yield
        finally:
            self._local.budget = budget

    def _state(self) -> tuple[int, int]:
        """(articles, articles that are copies of a story's first): one request."""
        answer = self._search({"size": 0, "track_total_hits": True, "query": MATCH_ALL,
                               "aggs": {"copies": {"filter": {"term": {"copy": True}}}}})
        return answer["hits"]["total"]["value"], answer["aggregations"]["copies"]["doc_count"]

    def _count_docs(self, kind: str, values: list[str]) -> int:
        return self._call("count", index=self.index, body={"query": {"terms": {kind: values}}})["count"]

    def _count(self, query: dict[str, Any]) -> int:
        return self._call("count", index=self.index, body={"query": query})["count"]

    def _parse(self, view: ClusterView, text: str, strict: bool = False) -> ParsedQuery:
        """The query with the entities its text names, as the embedded engine parses it."""
        return parse_query(text, self.resolve, strict=strict, ranking=RANKING,
                           entities=finder(view, RANKING.k1, self._count_docs))

    def _parse_bounded(self, view: ClusterView, text: str, strict: bool) -> ParsedQuery:
        """As ``SearchEngine._parse_bounded``: the text cut to ``max_query_chars``, its
        prefixes, wildcards and ranges over title and body expanded to a bounded number of
        words (patterns over other fields are left to the cluster)."""
        from ...understanding.expansion import _patterns, bound_expansions

        clipped = clip(text, LIMITS.max_query_chars)
        parsed = self._parse(view, clipped, strict)
        warnings = parsed.warnings
        if clipped != text:
            warnings = (f"the query is {len(text):,} characters long: only its first "
                        f"{len(clipped):,} were read",) + warnings
        if parsed.query is None or not all(getattr(p, "fieldname", None) in TEXT_FIELDS
                                           for p in _patterns(parsed.query)):
            return replace(parsed, warnings=warnings)
        bounded, cut = bound_expansions(parsed.query, None, view.lexicon, LIMITS)
        return replace(parsed, query=bounded, warnings=warnings + cut)

    def _selected(self, request: SearchRequest) -> dict[str, list[str]]:
        out = {}
        for name, values in request.filters().items():
            if values:
                chosen: list[str] = []
                for value in values:
                    chosen += self.resolve(name, value) or [value]
                out[name] = list(dict.fromkeys(chosen))
        return out

    def _base_query(self, parsed: ParsedQuery, request: SearchRequest) -> dict[str, Any]:
        query = to_dsl(parsed.query)
        not_these = workbench.exclusions(self, request)  # not_<facet>= values
        if not_these:
            query = {"bool": {"must": [query], "must_not": not_these}}
        dates = date_filter(request.since, request.until)
        excluded: dict[str, list[str]] = {}
        for name, value in request.excluded:  # NOT a facet value: out of every count and hit
            excluded.setdefault(name, []).extend(self.resolve(name, value) or [value])
        if dates is None and not excluded:
            return query
        body: dict[str, Any] = {"must": [query]}
        if dates is not None:
            body["filter"] = [dates]
        if excluded:
            body["must_not"] = [{"terms": {name: values}} for name, values in excluded.items()]
        return {"bool": body}

    def _understood(self, parsed: ParsedQuery, request: SearchRequest) -> ParsedQuery:
        """The warnings and sentence fallback of ``SearchEngine.search``: a boolean or
        all-words reading that finds nothing answers as a sentence when that finds
        something, and a relaxed query none of whose articles has every word says so."""
        if parsed.query is None:
            return parsed
        if parsed.fallback is not None and self._count(self._base_query(parsed, request)) == 0:
            other = parsed.fallback
            if self._count(self._base_query(other, request)) > 0:
                note = ("no article matches the query as written (every word, or its AND / OR / NOT); "
                        "showing articles that match some of its words instead")
                return replace(other, warnings=parsed.warnings + (note,))
        if isinstance(parsed.query, AllFirst):
            every = {"bool": {"must": [to_dsl(c) for c in parsed.query.subqueries]}}
            if self._count(every) == 0 and self._count(to_dsl(parsed.query)) > 0:
                return replace(parsed, warnings=parsed.warnings + (
                    "no article has every word of the query; showing articles that match some of them",))
        return parsed

    def search(self, request: SearchRequest, *, strict: bool = False) -> SearchResults:

        validate(request)
        started = time.perf_counter()
        outer = getattr(self._local, "budget", None)  # (a spelling correction searches again)
        self._local.budget = Budget(self.limits.time_budget)
        try:
            return self._budgeted_search(request, strict, self._view(), started)
        finally:
            self._local.budget = outer

    def _budgeted_search(self, request: SearchRequest, strict: bool, view: ClusterView,
                         started: float) -> SearchResults:

        parsed = self._parse_bounded(view, request.text, strict)
        as_typed = parsed.natural  # (if it becomes a sentence, the words as typed found nothing)
        parsed = self._understood(parsed, request)
        selected = self._selected(request)
        filters = list(selection_filters(selected).values())
        stories = view.copies > 0  # one story once (stories.py); else as before, at no cost
        every_value = request.facet_limit > self.facet_page  # paged apart (the "All values" page)
        body: dict[str, Any] = {
            "query": self._base_query(parsed, request),
            "from": (request.page - 1) * request.per_page, "size": request.per_page,
            "track_total_hits": True, "_source": HIT_FIELDS + [STORY],
            "aggs": facet_aggregations(selected, request.facet_limit, stories=stories,
                                       facets=not every_value),
            "highlight": {"fields": {"body": {
                "type": "unified", "number_of_fragments": max(1, request.highlights) if parsed.query else 1,
                "fragment_size": PASSAGE_CHARS, "no_match_size": PASSAGE_CHARS,
                "pre_tags": [PRE], "post_tags": [POST]}}},
        }
        if filters:
            body["post_filter"] = {"bool": {"filter": filters}}
        by_date = request.sort == "date" or parsed.query is None
        if by_date:
            body["sort"] = [{"date": {"order": "desc", "missing": "_last"}}, {"id": "asc"}]
        if stories:  # one hit per story: its best (or newest) copy, one with text first
            body["collapse"] = {"field": STORY}
            body["sort"] = (body["sort"][:1] if by_date else ["_score"]) + [
                {"headline_only": "asc"}, {"id": "asc"}]
        # Global term statistics (one more round trip): with per-shard statistics a small
        # index ranks by which shard a document landed on.
        answer = self._search(body, search_type="dfs_query_then_fetch")
        hits = [_hit(h, with_highlights=True) for h in answer["hits"]["hits"]]
        if stories:
            hits = self._with_similar(hits, answer["hits"]["hits"])
        hits = _with_title_matches(hits, view, parsed, selected)
        dates = date_range(request.since, request.until)
        explained = parsed.explain() + (f" AND {dates}" if dates is not None else "")
        for name, values in selected.items():
            explained += f" AND {name}:({' OR '.join(values)})"
        total = story_total(answer["aggregations"]) if stories else answer["hits"]["total"]["value"]
        facets = facets_from(answer["aggregations"], selected, facet_category)
        if every_value:
            facets = self._every_value(body["query"], selected, stories, request.facet_limit) + facets
        warnings = parsed.warnings + partial(answer, self.limits.time_budget)
        suggestion = understanding.suggestion(view, parsed.text, LIMITS)
        results = SearchResults(
            query=request.text, total=total, page=request.page,
            per_page=request.per_page, hits=hits, facets=tuple(facets),
            took_ms=(time.perf_counter() - started) * 1000, parsed=explained,
            warnings=warnings, suggestion=suggestion, entities=parsed.entities)
        fell_back = parsed.natural and not as_typed
        if request.correct and suggestion and (total <= spelling.FEW_RESULTS or fell_back):
            # the embedded engine's rule: its correction's results when they find more
            return corrected(lambda r: self.search(r, strict=strict), results, request,
                             fell_back) or results
        return results

    def _with_similar(self, hits: list[Hit], found: list[dict[str, Any]]) -> tuple[Hit, ...]:
        """Each hit with the other articles of its story (whether they match or not, as on
        the embedded index: a headline-only copy has no text to match)."""
        labels = {h["_id"]: h["_source"].get(STORY) for h in found}
        wanted = sorted({label for label in labels.values() if label})
        if not wanted:
            return tuple(hits)
        answer = self._search({**similar_query(wanted, SIMILAR_MAX), "_source": HIT_FIELDS + [STORY]})
        copies: dict[str, list[dict[str, Any]]] = {}
        for h in answer["hits"]["hits"]:
            copies.setdefault(h["_source"].get(STORY), []).append(h)
        out = []
        for hit in hits:
            others = [c for c in copies.get(labels.get(hit.id), []) if c["_id"] != hit.id]
            out.append(replace(hit, similar=tuple(_hit(c, score=0.0) for c in others)) if others else hit)
        return tuple(out)

    def _every_value(self, query: dict[str, Any], selected: dict[str, list[str]], stories: bool,
                     limit: int) -> list:
        """Every value of each facet with its count, paged by key (``FACET_PAGE`` a request),
        ranked as the facets of a search are."""

        counts: dict[str, dict[str, int]] = {}
        for name in FACET_FIELDS:
            values = counts[name] = {}
            after = None
            while True:
                with self._unbudgeted():  # (as many pages as there are values)
                    answer = self._search(all_values_request(query, selected, name, after,
                                                             self.facet_page, stories))
                after = all_values_page(answer["aggregations"], values)
                if after is None:
                    break
        return facets_of_values(counts, selected, facet_category, limit)

    # -- single articles ---------------------------------------------------------------

    def _document(self, article_id: str) -> dict[str, Any]:
        from opensearchpy import NotFoundError

        try:
            return self.client.get(index=self.index, id=article_id)["_source"]
        except NotFoundError as exc:
            if getattr(exc, "info", {}).get("found") is False:
                raise ArticleNotFoundError(
                    f"No article with id {article_id!r}. Ids are shown by `search query` and "
                    "`search export`.") from None
            raise cluster_error(exc, self.address) from None
        except Exception as exc:
            raise cluster_error(exc, self.address) from None

    def article(self, article_id: str) -> StoredArticle:
        return _stored(self._document(article_id))

    def more_like(self, article_id: str, limit: int = 5) -> list[Hit]:
        self._document(article_id)
        answer = self._search({"size": limit, "_source": HIT_FIELDS, "query": {"more_like_this": {
            "fields": ["body"], "like": [{"_index": self.index, "_id": article_id}],
            "max_query_terms": 25, "min_term_freq": 1, "min_doc_freq": 1}}})
        return [_hit(h) for h in answer["hits"]["hits"]]

    def sharing_entities(self, article_id: str, limit: int = 5) -> list[tuple[Hit, list[str]]]:
        doc = self._document(article_id)
        mine = sorted({(name, v) for name in ("person", "system", "org") for v in doc.get(name) or []})
        if not mine:
            return []
        should = [{"constant_score": {"filter": {"term": {name: v}}, "boost": 1.0}} for name, v in mine]
        answer = self._search({"size": limit, "_source": HIT_FIELDS, "query": {"bool": {
            "should": should, "minimum_should_match": 1, "must_not": [{"ids": {"values": [article_id]}}]}},
            "sort": [{"_score": "desc"}, {"id": "asc"}], "track_scores": True})
        out = []
        for h in answer["hits"]["hits"]:
            src = h["_source"]
            common = [v for name, v in mine if v in (src.get(name) or [])]
            out.append((_hit(h, score=float(len(common))), common))
        return out

    def iter_articles(self, request: SearchRequest | None = None) -> Iterator[StoredArticle]:
        """Every matching article, streamed with a point-in-time-free scroll (memory flat)."""
        from opensearchpy import helpers

        request = request or SearchRequest()
        parsed = self._parse_bounded(self._view(), request.text, False)
        filters = list(selection_filters(self._selected(request)).values())
        query = {"bool": {"must": [self._base_query(parsed, request)], "filter": filters}}
        try:
            for h in helpers.scan(self.client, index=self.index, query={"query": query},
                                  size=500, scroll="2m", preserve_order=False):
                yield _stored(h["_source"])
        except Exception as exc:
            raise cluster_error(exc, self.address) from None

    # -- describing the index ------------------------------------------------------------

    def _terms(self, field: str, query: dict[str, Any] | None = None,
               size: int = MAX_TERMS) -> Counter[str]:
        answer = self._search({"size": 0, "query": query or MATCH_ALL, "aggs": {"v": {"terms": {
            "field": field, "size": size, "order": [{"_count": "desc"}, {"_key": "asc"}]}}}})
        return Counter({b["key"]: b["doc_count"] for b in answer["aggregations"]["v"]["buckets"]})

    def stats(self) -> dict[str, Any]:
        count = self._call("count", index=self.index)["count"]
        store = self._call("indices.stats", index=self.index, metric="store")
        size = store["_all"]["primaries"]["store"]["size_in_bytes"]
        months = sorted(v for v in self._terms("month") if v != UNDATED)
        facets = {}
        for name in FACET_FIELDS:
            totals = self._terms(name)
            facets[name] = {"distinct": len(totals), "top": [
                {"value": v, "count": c} for v, c in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:10]]}
        return {"index": self.index_dir, "articles": count, "size_bytes": size,
                "first_month": months[0] if months else None, "last_month": months[-1] if months else None,
                "facets": facets,
                "years": [{"value": v, "count": c} for v, c in sorted(self._terms("year").items())]}

    def facet_totals(self, name: str) -> Counter[str]:
        return self._terms(name)

    def docs_for(self, name: str, value: str) -> workbench.FacetDocs:
        """The articles with this value, as a query and its count (the embedded engine's
        are docnums: both only go back into :meth:`facet_values_of` and :meth:`newest`)."""
        return workbench.docs_for(self, name, value)

    def facet_values_of(self, name: str, docnums: Any) -> Counter[str]:
        return workbench.facet_values_of(self, name, docnums)

    def newest(self, docnums: Any, limit: int, first: int = 0) -> list[Hit]:
        return workbench.newest(self, docnums, limit, first)

    def day_counts(self, requests: list[SearchRequest]) -> list[DayCounts]:
        return workbench.day_counts(self, requests)

    def term_sample(self, request: SearchRequest, size: int) -> TermSample:
        return workbench.term_sample(self, request, size)

    def terms(self, field: str) -> list[tuple[str, int]]:
        return sorted(self._terms(field).items())

    def vocabulary(self, prefix: str, limit: int = 10) -> list[tuple[str, int]]:
        key = fold_accents(prefix).lower()
        if len(key) < 2 or not key.isalpha():
            return []
        answer = self._search({"size": 0, "query": {"prefix": {"words": key}}, "aggs": {"v": {"terms": {
            "field": "words.kw", "include": key + ".*", "size": limit,
            "order": [{"_count": "desc"}, {"_key": "asc"}]}}}})
        return [(b["key"], b["doc_count"]) for b in answer["aggregations"]["v"]["buckets"]]

    def match_spans(self, query_text: str, text: str) -> list[tuple[int, int]]:
        from ...understanding.highlight import match_spans

        if not query_text.strip() or not text:
            return []
        from ...understanding.passages import query_match_terms, wanted_terms

        view = self._view()
        parsed = self._parse(view, query_text)
        wanted = wanted_terms(view.reader, view.facets.doc_count_all, query_match_terms(parsed.query),
                              parsed.entities)
        return match_spans(text, wanted) if wanted else []


def partial(answer: dict[str, Any], seconds: float) -> tuple[str, ...]:
    """The warning of an answer the cluster cut at the search's time budget (``timed_out``:
    each shard answered what it had found by then)."""
    if not answer.get("timed_out"):
        return ()
    return (f"the search took longer than {seconds:g} s, the time a search may take: the cluster "
            "answered with what it had found by then, so counts and hits may be incomplete; "
            "a narrower query answers in full",)


SHARD_PAUSES_S = (0.25, 0.5, 1.0)  # a node's departure is seen within about a second


def _left(budget: Budget) -> float:
    """Seconds left of a budget (never below a millisecond)."""
    return max(0.001, budget.deadline - time.perf_counter())


def complete(answer: dict[str, Any], address: ClusterAddress) -> dict[str, Any]:
    """The answer, if every shard answered. A shard with no reachable copy (a node down and
    no replica) would silently drop its articles from totals and facets: say so instead."""
    shards = answer.get("_shards") or {}
    # a shard with no live copy is neither successful nor failed: only missing from the count
    missing = shards.get("total", 0) - shards.get("successful", 0) - shards.get("skipped", 0)
    if missing > 0:
        raise ShardsUnavailable(
            f"{missing} of {shards['total']} shards of the index at {address} cannot be reached, "
            "so results would be incomplete. Try again when the cluster is back "
            "(scripts/opensearch-cluster.sh status).")
    return answer


def _lucene_regex(prefixes: list[str]) -> str:
    """A Lucene regular expression matching any of these literal prefixes."""
    def literal(text: str) -> str:
        return "".join(c if c.isalnum() or c in " \x1f" else "\\" + c for c in text)
    return "|".join(f"({literal(p)}.*)" for p in prefixes)


def _passage(fragment: str) -> Highlight:
    text, matches, start = [], [], None
    length = 0
    for part in re.split(f"([{PRE}{POST}])", fragment):
        if part == PRE:
            start = length
        elif part == POST:
            if start is not None and length > start:
                matches.append((start, length))
            start = None
        elif part:
            text.append(part)
            length += len(part)
    return Highlight("".join(text).strip() if not matches else "".join(text), tuple(matches))


def _hit(h: dict[str, Any], *, with_highlights: bool = False, score: float | None = None) -> Hit:
    src = h.get("_source", {})
    passages: tuple[Highlight, ...] = ()
    if with_highlights:
        passages = tuple(_passage(f) for f in h.get("highlight", {}).get("body", []))
    return Hit(id=src.get("id", h["_id"]), title=src.get("title", ""), date=src.get("date"),
               source=src.get("source", ""), url=src.get("url", ""),
               score=float(score if score is not None else (h.get("_score") or 0.0)),
               persons=tuple(src.get("person") or ()), systems=tuple(src.get("system") or ()),
               orgs=tuple(src.get("org") or ()), places=tuple(src.get("place") or ()),
               highlights=passages)


def _stored(src: dict[str, Any]) -> StoredArticle:
    return StoredArticle(
        id=src["id"], title=src.get("title", ""), body=src.get("body", ""), date=src.get("date"),
        source=src.get("source", ""), url=src.get("url", ""), authors=tuple(src.get("authors") or ()),
        persons=tuple(src.get("person") or ()), systems=tuple(src.get("system") or ()),
        orgs=tuple(src.get("org") or ()), places=tuple(src.get("place") or ()),
        roles={k: tuple(v) for k, v in (src.get("roles") or {}).items()},
        origin=src.get("origin", ""), extra=dict(src.get("extra") or {}),
        collection=src.get("collection") or "")


def _with_title_matches(hits: list[Hit], view: ClusterView, parsed: ParsedQuery,
                        selected: dict[str, list[str]]) -> tuple[Hit, ...]:
    """Each hit with the [start, end) of the words its title matches: the embedded
    engine's rule (the query's words, its entities' names, or the filtered entities' names
    when there is no text), so a title is marked the same on either backend."""
    from ...understanding.highlight import match_spans
    from ...understanding.passages import query_match_terms, wanted_terms

    wanted = wanted_terms(view.reader, view.facets.doc_count_all, query_match_terms(parsed.query),
                          parsed.entities, selected)
    if not wanted:
        return tuple(hits)
    return tuple(replace(hit, title_matches=tuple(match_spans(hit.title, wanted))) if hit.title else hit
                 for hit in hits)
