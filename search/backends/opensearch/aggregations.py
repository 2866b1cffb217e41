"""Disjunctive facets and the timeline as aggregations, and their answers as our Facets.

A facet's counts are taken within the query and every *other* facet's selection, so that
choosing ``person: Lloyd Austin`` still shows the other people one could add (OR within a
facet, AND between facets): the selections go in ``post_filter`` (hits) and each facet
counts under a ``filter`` aggregation of the other selections. The timeline (years and
months) counts within all selections, as a date histogram, undated articles apart.

On an index with copies of one story (``stories.py``), counts are of stories: a facet
value or a month counts the *first copy* of each story (the article whose id is the story's
label: ``copy`` false), when it matches; the total is a ``cardinality`` of the story labels
under the timeline's filter, which is exactly the hits' (query and selections), so it counts
a story matched by any copy. (A ``cardinality`` under every facet value would count that
way too, but holds kilobytes per value and shard: hundreds of MB for the person facet of a
Reuters index, past the test cluster's memory breaker.)
"""

from __future__ import annotations

from typing import Any, Callable

from ...models import FACET_FIELDS, UNDATED, Facet, FacetValue
from .stories import FIRST_COPIES, TOTAL_PRECISION, count_agg

#: Enough shard-level candidates for exact counts on ordinary facet sizes.
SHARD_SIZE_FLOOR = 500


def selection_filters(selected: dict[str, list[str]]) -> dict[str, dict[str, Any]]:
    return {name: {"terms": {name: values}} for name, values in selected.items() if values}


def facet_aggregations(selected: dict[str, list[str]], limit: int, *,
                       stories: bool = False, facets: bool = True) -> dict[str, Any]:
    """The facets (unless ``facets`` is false: they are paged apart, ``all_values``) and
    the timeline; ``stories``: count stories, not articles."""
    filters = selection_filters(selected)
    aggs: dict[str, Any] = {}
    order = [{"_count": "desc"}, {"_key": "asc"}]
    for name in FACET_FIELDS if facets else ():
        inner: dict[str, Any] = {"top": {"terms": {"field": name, "size": limit, "order": order,
                                                   "shard_size": max(SHARD_SIZE_FLOOR, limit * 5)}}}
        if selected.get(name):
            inner["chosen"] = {"terms": {"field": name, "include": list(selected[name]),
                                         "size": len(selected[name])}}
        aggs[f"facet_{name}"] = {"filter": _others(filters, name, stories), "aggs": inner}
    dates = {"field": "date", "min_doc_count": 1}
    timeline = {"year": {"date_histogram": {**dates, "calendar_interval": "year", "format": "yyyy"}},
                "month": {"date_histogram": {**dates, "calendar_interval": "month", "format": "yyyy-MM"}},
                "undated": {"missing": {"field": "date"}}}
    if stories:  # months count first copies; the total, stories
        timeline = {"firsts": {"filter": FIRST_COPIES, "aggs": timeline},
                    "stories": count_agg(TOTAL_PRECISION)}
    aggs["timeline"] = {
        "filter": {"bool": {"filter": list(filters.values())}} if filters else {"match_all": {}},
        "aggs": timeline}
    return aggs


def _others(filters: dict[str, dict[str, Any]], name: str, stories: bool) -> dict[str, Any]:
    """The filter of every selection but facet ``name``'s (and of first copies only, on an
    index with stories)."""
    others = [f for other, f in filters.items() if other != name] + ([FIRST_COPIES] if stories else [])
    return {"bool": {"filter": others}} if others else {"match_all": {}}


def story_total(answer: dict[str, Any]) -> int | None:
    """The number of stories the hits hold (None: stories were not counted)."""
    counted = answer["timeline"].get("stories")
    return None if counted is None else int(counted["value"])


def all_values_request(query: dict[str, Any], selected: dict[str, list[str]], name: str,
                       after: dict[str, Any] | None, page: int, stories: bool) -> dict[str, Any]:
    """One page of every value of facet ``name`` after the key ``after`` (None: the first
    page), by key: a composite aggregation pages through any number of values where a
    terms aggregation of them all would exceed the cluster's ``search.max_buckets``
    (65,535). The other facets' selections go in the query, not in a ``filter``
    aggregation around the composite: OpenSearch 2.19 ignores that filter when the query
    matches every article (its composite shortcut over the whole index)."""
    filters = [f for other, f in selection_filters(selected).items() if other != name]
    composite: dict[str, Any] = {"size": page, "sources": [{"v": {"terms": {"field": name}}}]}
    if after is not None:
        composite["after"] = after
    return {"size": 0, "track_total_hits": False,
            "query": {"bool": {"must": [query], "filter": filters + ([FIRST_COPIES] if stories else [])}},
            "aggs": {"all": {"composite": composite}}}


def all_values_page(answer: dict[str, Any], values: dict[str, int]) -> dict[str, Any] | None:
    """Add one page of values to ``values``; returns the key to read on after (None: done)."""
    agg = answer["all"]
    for bucket in agg["buckets"]:
        values[bucket["key"]["v"]] = bucket["doc_count"]
    return agg.get("after_key") if agg["buckets"] else None


def facets_of_values(counts: dict[str, dict[str, int]], selected: dict[str, list[str]],
                     category: Callable[[str, str], str], limit: int) -> list[Facet]:
    """Facets from every value's count (``all_values_from``), ranked as a terms
    aggregation ranks them: most articles (or stories) first, then by value."""
    out = []
    for name in FACET_FIELDS:
        chosen = selected.get(name, [])
        values = counts.get(name, {})
        ranked = sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
        shown = {v for v, _ in ranked}
        ranked += [(v, values.get(v, 0)) for v in chosen if v not in shown]
        out.append(Facet(name, tuple(FacetValue(v, c, v in chosen, category(name, v)) for v, c in ranked)))
    return out


def facets_from(answer: dict[str, Any], selected: dict[str, list[str]],
                category: Callable[[str, str], str]) -> list[Facet]:
    """Our Facets (the same order and shape as the embedded backend's) from the answer
    (without facet aggregations in it: the timeline only, ``all_values`` does the rest)."""
    out = []
    for name in FACET_FIELDS:
        agg = answer.get(f"facet_{name}")
        if agg is None:
            continue
        chosen = selected.get(name, [])
        ranked = [(b["key"], b["doc_count"]) for b in agg["top"]["buckets"]]
        shown = {v for v, _ in ranked}
        chosen_counts = {b["key"]: b["doc_count"] for b in agg.get("chosen", {}).get("buckets", [])}
        ranked += [(v, chosen_counts.get(v, 0)) for v in chosen if v not in shown]
        out.append(Facet(name, tuple(FacetValue(v, c, v in chosen, category(name, v)) for v, c in ranked)))
    timeline = answer["timeline"].get("firsts", answer["timeline"])
    undated = timeline["undated"]["doc_count"]
    for name in ("year", "month"):
        values = [(b["key_as_string"], b["doc_count"]) for b in timeline[name]["buckets"] if b["doc_count"]]
        if undated:
            values.append((UNDATED, undated))
        out.append(Facet(name, tuple(FacetValue(v, c) for v, c in values)))
    return out
