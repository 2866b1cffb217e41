"""One story once on a cluster: the embedded index's story keys (``search/dedup.py``), and a
story label linked at load time, so that searches collapse a story's copies.

Every article is stored with its story keys (``story_keys``: the 16 MinHash bands, the
exact ``x:``/``e:`` keys, its ``t:`` title key) and a label ``story``. A new article starts
with its own id as its label. Right after a batch is loaded (and made visible), each of
its articles looks up the articles it is a copy of, by the embedded rules:

* near-duplicates: at least ``MIN_BANDS`` of its bands in common;
* exact copies: the same ``x:`` (short text) or ``e:`` (headline only) key;
* a headline alone joins a text with its title (the one of smallest label when several
  stories share the title: "Your Monday briefing"); a text takes in the headlines of its
  title when no other story has a text with that title.

All the labels found become the smallest of them (**merge to the smallest label**): every
article whose label is one of the larger ones is relabelled, each update conditional on
the version read (``if_seq_no``), so two loaders relabelling at once never move a label
up. A loader then looks again (after a refresh) and repeats until each of its articles
agrees with its copies. Labels only ever decrease, so loaders on several machines, or a
re-run (its articles are looked up again: an interrupted run is repaired), converge on
the same labels whatever the order.

Searches then collapse on ``story`` (one hit per story), count stories with a
``cardinality`` aggregation (totals and facet counts), and list a hit's other copies by
its label. ``copy`` marks an article whose label is not its own id: an index without any
is searched as before, at no extra cost.

Limits, on the cluster only: a band value shared by more than ``MAX_SHARED`` articles is
not ignored (the embedded index treats it as boilerplate); stories are linked as articles
arrive, so a story that two articles only join through a third is one story once the third
is loaded (as on the embedded index), but a headline stays with the first text of its
title that it met; the ``cardinality`` counts are exact up to ``precision_threshold``
distinct stories and approximate (within about 1 %) beyond.
"""

from __future__ import annotations

from typing import Any

from ...dedup import MIN_BANDS, story_keys

FIELD = "story"
#: Articles a lookup returns at most (a story's copies; the embedded index ignores keys
#: shared by more than 50 articles).
LOOKUP_SIZE = 100
#: Rounds of look-up-and-relabel before a loader gives up on one batch (each round is
#: needed only when another loader relabelled the same stories at the same moment).
MAX_ROUNDS = 8

MAPPINGS = {
    "story_keys": {"type": "keyword", "doc_values": False},
    FIELD: {"type": "keyword"},
    "copy": {"type": "boolean"},
    "headline_only": {"type": "boolean"},
}


def source_fields(article_id: str, keys: list[str]) -> dict[str, Any]:
    """The story fields of a new article with these story keys (``dedup.story_keys``): its
    label is its own id until it is linked."""
    return {"story_keys": keys, FIELD: article_id, "copy": False,
            "headline_only": any(k.startswith("e:") for k in keys)}


def _lookup(keys: list[str]) -> dict[str, Any]:
    """The articles that may be copies of an article with ``keys`` (clauses named, so the
    answer says which rule each one met)."""
    bands = [k for k in keys if k.startswith("b")]
    exact = [k for k in keys if k[0] in "xe"]
    should: list[dict[str, Any]] = []
    if len(bands) >= MIN_BANDS:
        should.append({"bool": {"should": [{"term": {"story_keys": b}} for b in bands],
                                "minimum_should_match": MIN_BANDS, "_name": "near"}})
    if exact:
        should.append({"terms": {"story_keys": exact, "_name": "exact"}})
    for key in keys:
        if key[:2] in ("t:", "e:"):
            title = key[2:]
            should.append({"term": {"story_keys": {"value": "t:" + title, "_name": "titled"}}})
            if key.startswith("t:"):
                should.append({"term": {"story_keys": {"value": "e:" + title, "_name": "headline"}}})
    return {"size": LOOKUP_SIZE, "_source": [FIELD], "query": {"bool": {"should": should or [
        {"match_none": {}}], "minimum_should_match": 1}}}


def _labels(article_id: str, label: str, keys: list[str], hits: list[dict[str, Any]]) -> set[str]:
    """The labels this article must share: its own and those of its copies."""
    near: set[str] = {label}
    titled: dict[str, str] = {}  # other texts with its title: id -> label
    headlines: set[str] = set()
    for hit in hits:
        other = hit["_source"].get(FIELD) or hit["_id"]
        named = set(hit.get("matched_queries") or ())
        if named & {"near", "exact"}:
            near.add(other)
        elif "titled" in named and hit["_id"] != article_id:
            titled[hit["_id"]] = other
        elif "headline" in named:
            headlines.add(other)
    if any(k.startswith("e:") for k in keys):  # a headline alone: the first text of its title
        texts = set(titled.values())
        if texts and label not in texts:  # (it stays with the text it joined first)
            near.add(min(texts))
    elif headlines and not set(titled.values()) - near:
        near |= headlines  # no other story has a text with this title
    return near


def link(client, index: str, keys: dict[str, list[str]]) -> int:
    """Link the stories of the articles just loaded into ``index`` (id -> story keys);
    returns how many articles were relabelled."""
    from .connection import BackendError  # (connection imports the template, which imports us)

    client.indices.refresh(index=index)
    pending = list(keys)
    moved = 0
    for _ in range(MAX_ROUNDS):
        labels = _current_labels(client, index, pending)
        body: list[dict[str, Any]] = []
        for article_id in pending:
            body += [{"index": index}, _lookup(keys[article_id])]
        answers = client.msearch(body=body)["responses"] if body else []
        merges: dict[str, str] = {}  # label -> the smaller label it becomes
        unsettled = []
        for article_id, answer in zip(pending, answers):
            if "error" in answer:
                raise BackendError(f"Looking up the copies of {article_id} failed: "
                                   f"{(answer['error'] or {}).get('reason', answer['error'])}")
            label = labels.get(article_id, article_id)
            found = _labels(article_id, label, keys[article_id], answer["hits"]["hits"])
            if len(found) > 1:
                target = min(found)
                for other in found - {target}:
                    merges[other] = min(target, merges.get(other, target))
                unsettled.append(article_id)
        if not merges:
            return moved
        moved += relabel(client, index, _flatten(merges))
        client.indices.refresh(index=index)
        pending = unsettled
    return moved


def _flatten(merges: dict[str, str]) -> dict[str, str]:
    """Each label to its final target (a -> b and b -> c: a -> c)."""
    out = {}
    for label, target in merges.items():
        while target in merges and merges[target] < target:
            target = merges[target]
        out[label] = target
    return out


def _current_labels(client, index: str, ids: list[str]) -> dict[str, str]:
    docs = client.mget(index=index, body={"ids": ids}, _source=[FIELD], realtime=True)["docs"]
    return {d["_id"]: d["_source"].get(FIELD, d["_id"]) for d in docs if d.get("found")}


def relabel(client, index: str, merges: dict[str, str]) -> int:
    """Give every article labelled with a key of ``merges`` its value, never raising a
    label: each update is conditional on the version read; on a conflict (another loader
    relabelled it meanwhile) the article is read again, and a label it got that is still
    larger than ours is merged in turn."""
    from opensearchpy import helpers

    from .connection import BackendError

    moved = 0
    pending = dict(merges)
    for round_ in range(MAX_ROUNDS):
        if not pending:
            break
        if round_:
            client.indices.refresh(index=index)
        actions, target_of = [], {}
        for h in helpers.scan(client, index=index, size=1000, seq_no_primary_term=True,
                              query={"query": {"terms": {FIELD: sorted(pending)}}, "_source": [FIELD]}):
            label = h["_source"].get(FIELD)
            target = pending.get(label)
            if target is None or target >= label:
                continue
            target_of[h["_id"]] = target
            actions.append({"_op_type": "update", "_index": index, "_id": h["_id"],
                            "if_seq_no": h["_seq_no"], "if_primary_term": h["_primary_term"],
                            "doc": {FIELD: target, "copy": target != h["_id"]}})
        conflicts = []
        for ok, item in helpers.streaming_bulk(client, actions, raise_on_error=False,
                                               max_retries=3, initial_backoff=1):
            result = item.get("update", {})
            if ok:
                moved += 1
            elif result.get("status") == 409:
                conflicts.append(result["_id"])
            else:
                raise BackendError(f"Relabelling the story of {result.get('_id')} failed: "
                                   f"{(result.get('error') or {}).get('reason', '')}")
        pending = {}
        if conflicts:
            docs = client.mget(index=index, body={"ids": conflicts}, _source=[FIELD], realtime=True)["docs"]
            for d in docs:
                label, target = d.get("_source", {}).get(FIELD), target_of[d["_id"]]
                if d.get("found") and label is not None and label > target:
                    pending[label] = min(target, pending.get(label, target))
    return moved


# -- the search side ------------------------------------------------------------------------

#: Distinct stories below which a ``cardinality`` count is exact (the most OpenSearch
#: allows for totals; less for each facet value, to bound the memory of many buckets).
TOTAL_PRECISION = 40_000
VALUE_PRECISION = 3_000


def count_agg(precision: int = VALUE_PRECISION) -> dict[str, Any]:
    return {"cardinality": {"field": FIELD, "precision_threshold": precision}}


def similar_query(labels: list[str], size: int) -> dict[str, Any]:
    """Every article of these stories (the page's hits among them), by label then id."""
    return {"size": size, "query": {"terms": {FIELD: labels}},
            "sort": [{FIELD: "asc"}, {"id": "asc"}]}
