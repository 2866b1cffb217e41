"""Disjunctive facets and the timeline as aggregations, and their answers as our Facets.

A facet's counts are taken within the query and every *other* facet's selection, so that
choosing ``person: Lloyd Austin`` still shows the other people one could add (OR within a
facet, AND between facets): the selections go in ``post_filter`` (hits) and each facet
counts under a ``filter`` aggregation of the other selections. The timeline (years and
months) counts within all selections, as a date histogram, undated articles apart.
"""

from __future__ import annotations

from typing import Any, Callable

from ...models import FACET_FIELDS, UNDATED, Facet, FacetValue

#: Enough shard-level candidates for exact counts on ordinary facet sizes.
SHARD_SIZE_FLOOR = 500


def selection_filters(selected: dict[str, list[str]]) -> dict[str, dict[str, Any]]:
    return {name: {"terms": {name: values}} for name, values in selected.items() if values}


def facet_aggregations(selected: dict[str, list[str]], limit: int) -> dict[str, Any]:
    filters = selection_filters(selected)
    aggs: dict[str, Any] = {}
    order = [{"_count": "desc"}, {"_key": "asc"}]
    for name in FACET_FIELDS:
        others = [f for other, f in filters.items() if other != name]
        inner: dict[str, Any] = {"top": {"terms": {"field": name, "size": limit, "order": order,
                                                   "shard_size": max(SHARD_SIZE_FLOOR, limit * 5)}}}
        if selected.get(name):
            inner["chosen"] = {"terms": {"field": name, "include": list(selected[name]),
                                         "size": len(selected[name])}}
        aggs[f"facet_{name}"] = {"filter": {"bool": {"filter": others}} if others else {"match_all": {}},
                                 "aggs": inner}
    dates = {"field": "date", "min_doc_count": 1}
    aggs["timeline"] = {
        "filter": {"bool": {"filter": list(filters.values())}} if filters else {"match_all": {}},
        "aggs": {"year": {"date_histogram": {**dates, "calendar_interval": "year", "format": "yyyy"}},
                 "month": {"date_histogram": {**dates, "calendar_interval": "month", "format": "yyyy-MM"}},
                 "undated": {"missing": {"field": "date"}}}}
    return aggs


def facets_from(answer: dict[str, Any], selected: dict[str, list[str]],
                category: Callable[[str, str], str]) -> list[Facet]:
    """Our Facets (the same order and shape as the embedded backend's) from the answer."""
    out = []
    for name in FACET_FIELDS:
        agg = answer[f"facet_{name}"]
        chosen = selected.get(name, [])
        ranked = [(b["key"], b["doc_count"]) for b in agg["top"]["buckets"]]
        shown = {v for v, _ in ranked}
        chosen_counts = {b["key"]: b["doc_count"] for b in agg.get("chosen", {}).get("buckets", [])}
        ranked += [(v, chosen_counts.get(v, 0)) for v in chosen if v not in shown]
        out.append(Facet(name, tuple(FacetValue(v, c, v in chosen, category(name, v)) for v, c in ranked)))
    timeline = answer["timeline"]
    undated = timeline["undated"]["doc_count"]
    for name in ("year", "month"):
        values = [(b["key_as_string"], b["doc_count"]) for b in timeline[name]["buckets"] if b["doc_count"]]
        if undated:
            values.append((UNDATED, undated))
        out.append(Facet(name, tuple(FacetValue(v, c) for v, c in values)))
    return out
