"""Disjunctive facets and the timeline as aggregations, and their answers as our Facets.

A facet's counts are taken within the query and every *other* facet's selection, so that
choosing ``person: Lloyd Austin`` still shows the other people one could add (OR within a
facet, AND between facets): the selections go in ``post_filter`` (hits) and each facet
counts under a ``filter`` aggregation of the other selections. The timeline (years and
months) counts within all selections, as a date histogram, undated articles apart.

On an index with copies of one story (``stories.py``), every count is of stories: a
``cardinality`` of the story label under each bucket (facet values ordered by it), and the
total is that of the timeline's filter, which is exactly the hits' (query and selections).
"""

from __future__ import annotations

from typing import Any, Callable

from ...models import FACET_FIELDS, UNDATED, Facet, FacetValue
from .stories import TOTAL_PRECISION, count_agg

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
    counted = {"aggs": {"stories": count_agg()}} if stories else {}
    order = [{"stories" if stories else "_count": "desc"}, {"_key": "asc"}]
    for name in FACET_FIELDS if facets else ():
        inner: dict[str, Any] = {"top": {"terms": {"field": name, "size": limit, "order": order,
                                                   "shard_size": max(SHARD_SIZE_FLOOR, limit * 5)},
                                         **counted}}
        if selected.get(name):
            inner["chosen"] = {"terms": {"field": name, "include": list(selected[name]),
                                         "size": len(selected[name])}, **counted}
        aggs[f"facet_{name}"] = {"filter": _others(filters, name), "aggs": inner}
    dates = {"field": "date", "min_doc_count": 1}
    aggs["timeline"] = {
        "filter": {"bool": {"filter": list(filters.values())}} if filters else {"match_all": {}},
        "aggs": {"year": {"date_histogram": {**dates, "calendar_interval": "year", "format": "yyyy"}, **counted},
                 "month": {"date_histogram": {**dates, "calendar_interval": "month", "format": "yyyy-MM"},
                           **counted},
                 "undated": {"missing": {"field": "date"}, **counted}}}
    if stories:
        aggs["timeline"]["aggs"]["stories"] = count_agg(TOTAL_PRECISION)
    return aggs


def _others(filters: dict[str, dict[str, Any]], name: str) -> dict[str, Any]:
    """The filter of every selection but facet ``name``'s."""
    others = [f for other, f in filters.items() if other != name]
    return {"bool": {"filter": others}} if others else {"match_all": {}}


def _count(bucket: dict[str, Any]) -> int:
    """A bucket's stories when they were counted, else its articles."""
    return int(bucket["stories"]["value"]) if "stories" in bucket else int(bucket["doc_count"])


def story_total(answer: dict[str, Any]) -> int | None:
    """The number of stories the hits hold (None: stories were not counted)."""
    counted = answer["timeline"].get("stories")
    return None if counted is None else int(counted["value"])


def all_values_aggregations(selected: dict[str, list[str]], after: dict[str, Any], page: int,
                            stories: bool) -> dict[str, Any]:
    """One page of every value of each facet still in ``after`` (name -> the last key
    read, or None for the first page), by key: a composite aggregation pages through any
    number of values where a terms aggregation of them all would exceed the cluster's
    ``search.max_buckets`` (65,535)."""
    filters = selection_filters(selected)
    aggs = {}
    for name, last in after.items():
        composite: dict[str, Any] = {"size": page, "sources": [{"v": {"terms": {"field": name}}}]}
        if last is not None:
            composite["after"] = last
        if stories:
            composite_aggs = {"aggs": {"stories": count_agg()}}
        else:
            composite_aggs = {}
        aggs[f"facet_{name}"] = {"filter": _others(filters, name),
                                 "aggs": {"all": {"composite": composite, **composite_aggs}}}
    return aggs


def all_values_from(answer: dict[str, Any], after: dict[str, Any],
                    counts: dict[str, dict[str, int]]) -> dict[str, Any]:
    """Add one page of values to ``counts``; returns what is left to read (name -> after key)."""
    left = {}
    for name in after:
        agg = answer[f"facet_{name}"]["all"]
        values = counts.setdefault(name, {})
        for bucket in agg["buckets"]:
            values[bucket["key"]["v"]] = _count(bucket)
        if agg["buckets"] and agg.get("after_key") is not None:
            left[name] = agg["after_key"]
    return left


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
        ranked = [(b["key"], _count(b)) for b in agg["top"]["buckets"]]
        shown = {v for v, _ in ranked}
        chosen_counts = {b["key"]: _count(b) for b in agg.get("chosen", {}).get("buckets", [])}
        ranked += [(v, chosen_counts.get(v, 0)) for v in chosen if v not in shown]
        out.append(Facet(name, tuple(FacetValue(v, c, v in chosen, category(name, v)) for v, c in ranked)))
    timeline = answer["timeline"]
    undated = _count(timeline["undated"])
    for name in ("year", "month"):
        values = [(b["key_as_string"], _count(b)) for b in timeline[name]["buckets"] if b["doc_count"]]
        if undated:
            values.append((UNDATED, undated))
        out.append(Facet(name, tuple(FacetValue(v, c) for v, c in values)))
    return out
