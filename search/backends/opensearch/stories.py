"""One story once on a cluster: the embedded index's story keys (``search/dedup.py``), and a
story label linked at load time, so that searches collapse a story's copies.

Every article is stored with its story keys (``story_keys``: the 16 MinHash bands, the
exact ``x:``/``e:`` keys, its ``t:`` title key) and a label ``story``. A new article starts
with its own id as its label (after every text's if it has no text: ``own_label``). Right after a batch is loaded (and made visible), each of
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

Searches then collapse on ``story`` (one hit per story), count stories (a ``cardinality``
aggregation for the total; facet values and months count each story's first copy) and
list a hit's other copies by its label. ``copy`` marks an article whose label is not its own id: an index without any
is searched as before, at no extra cost.

Limits, on the cluster only: stories are linked as articles
arrive, so a story that two articles only join through a third is one story once the third
is loaded (as on the embedded index), but a headline stays with the first text of its
title that it met; the total is exact up to 40,000 stories (``precision_threshold``) and
approximate (within about 1 %) beyond; a facet value counts a story when its first copy
matches and has the value (the embedded index counts the values of the matching copy it
shows): the same for exact copies, but a story matched only by another copy (a
near-duplicate whose changed words are the query's) is in the total and the hits, not in
the facet counts.
"""

from __future__ import annotations

from typing import Any

from ...dedup import MAX_SHARED, MIN_BANDS, story_keys

FIELD = "story"
#: Keys per terms query when reading the articles that hold a batch's keys.
TERMS_PER_QUERY = 10_000
#: Rounds of look-up-and-relabel before a loader gives up on one batch (each round is
#: needed only when another loader relabelled the same stories at the same moment).
MAX_ROUNDS = 8

MAPPINGS = {
    "story_keys": {"type": "keyword", "doc_values": False},
    FIELD: {"type": "keyword"},
    "copy": {"type": "boolean"},
    "headline_only": {"type": "boolean"},
}


def own_label(article_id: str, headline_only: bool) -> str:
    """An article's label before it is linked: its id, after a text's copies (a story's
    smallest label, its first copy, is a copy with text when it has one, as the embedded
    index shows a copy with text for a story)."""
    return ("1" if headline_only else "0") + article_id


def _headline_only(keys: list[str]) -> bool:
    return any(k.startswith("e:") for k in keys)


def source_fields(article_id: str, keys: list[str], label: str | None = None) -> dict[str, Any]:
    """The story fields of a new article with these story keys (``dedup.story_keys``) and
    its story's label (``first_labels``; None: its own)."""
    headline = _headline_only(keys)
    own = own_label(article_id, headline)
    return {"story_keys": keys, FIELD: label or own, "copy": (label or own) != own,
            "headline_only": headline}


def _candidates(client, index: str, wanted: set[str]) -> dict[str, tuple[str, list[str]]]:
    """Every article holding any of these keys: id -> (its label, its story keys)."""
    from opensearchpy import helpers

    out: dict[str, tuple[str, list[str]]] = {}
    terms = sorted(wanted)
    for start in range(0, len(terms), TERMS_PER_QUERY):
        for h in helpers.scan(client, index=index, size=2_000, query={
                "query": {"terms": {"story_keys": terms[start:start + TERMS_PER_QUERY]}},
                "_source": [FIELD, "story_keys"]}):
            doc_keys = h["_source"].get("story_keys") or []
            out[h["_id"]] = (h["_source"].get(FIELD) or own_label(h["_id"], _headline_only(doc_keys)),
                             doc_keys)
    return out


def _copies(article_id: str, keys: list[str], holders: dict[str, list[str]],
            labels: dict[str, str]) -> list[dict[str, Any]]:
    """The articles that may be copies of this one, each with the rules it met (as
    ``_labels`` reads them): the embedded index's rules, over the keys' holders."""
    rules: dict[str, set[str]] = {}
    shared: dict[str, int] = {}
    for key in keys:
        docs = holders.get(key, [])
        if key[0] == "b" and 2 <= len(docs) <= MAX_SHARED:
            for d in docs:
                shared[d] = shared.get(d, 0) + 1
        elif key[0] in "xe" and 2 <= len(docs) <= MAX_SHARED:
            for d in docs:
                rules.setdefault(d, set()).add("exact")
        if key[:2] in ("t:", "e:"):
            for d in holders.get("t:" + key[2:], []):
                rules.setdefault(d, set()).add("titled")
            if key.startswith("t:"):
                for d in holders.get("e:" + key[2:], []):
                    rules.setdefault(d, set()).add("headline")
    for d, n in shared.items():
        if n >= MIN_BANDS:
            rules.setdefault(d, set()).add("near")
    return [{"_id": d, "_source": {FIELD: labels.get(d, d)}, "matched_queries": sorted(named)}
            for d, named in rules.items() if d != article_id]


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


def _neighbourhood(client, index: str, keys: dict[str, list[str]]) -> tuple[
        dict[str, str], dict[str, list[dict[str, Any]]]]:
    """The labels of the batch's articles and of every article holding one of their keys
    (a text's title key only when a headline of that title exists): one scroll, or two;
    and each batch article's possible copies by the embedded rules (``_copies``). Batch
    articles not in the index yet count with their own labels."""
    wanted: set[str] = set()
    for article_keys in keys.values():
        for key in article_keys:
            if key[0] in "bxe":
                wanted.add(key)
            if key.startswith("e:"):
                wanted.add("t:" + key[2:])
            elif key.startswith("t:"):
                wanted.add("e:" + key[2:])
    found = _candidates(client, index, wanted)
    for article_id, article_keys in keys.items():
        found.setdefault(article_id, (own_label(article_id, _headline_only(article_keys)), article_keys))
    titles = {"t:" + k[2:] for k in wanted if k.startswith("e:") and any(
        k in found_keys for _, found_keys in found.values())}
    found.update({d: v for d, v in _candidates(client, index, titles - wanted).items() if d not in keys})
    holders: dict[str, list[str]] = {}
    for doc_id, (_, doc_keys) in found.items():
        for key in doc_keys:
            holders.setdefault(key, []).append(doc_id)
    labels = {doc_id: label for doc_id, (label, _) in found.items()}
    return labels, {i: _copies(i, keys[i], holders, labels) for i in keys}


def first_labels(client, index: str, keys: dict[str, list[str]]) -> dict[str, str]:
    """The labels to load a batch's articles with: the smallest of their copies' already
    in the index (as far as it is refreshed) and in the batch. Most copies are then
    loaded linked, and ``link`` finds nothing to change: relabelling an article makes the
    cluster index all of it again."""
    labels, copies = _neighbourhood(client, index, keys)
    for _ in range(len(keys) + 1):  # (copies within the batch: until nothing changes)
        changed = False
        for article_id, found in copies.items():
            if not found:
                continue
            hits = [{**h, "_source": {FIELD: labels[h["_id"]]}} for h in found]
            target = min(_labels(article_id, labels[article_id], keys[article_id], hits))
            if target < labels[article_id]:
                labels[article_id] = target
                changed = True
        if not changed:
            break
    return {article_id: labels[article_id] for article_id in keys}


def link(client, index: str, keys: dict[str, list[str]]) -> int:
    """Link the stories of the articles just loaded into ``index`` (id -> story keys);
    returns how many articles were relabelled.

    One refresh makes this batch visible, with whatever other loaders wrote before it: of
    two copies loaded at once, the one written last sees the other. One scroll then reads
    every article holding one of the batch's keys, and the rules are applied here. After
    relabelling, the articles and their copies are read again by id (real time, no
    refresh) until each article agrees with its copies."""
    client.indices.refresh(index=index)
    _, copies = _neighbourhood(client, index, keys)
    pending = [i for i in keys if copies[i]]  # (an article alone has nothing to agree with)
    moved = 0
    for _ in range(MAX_ROUNDS):
        if not pending:
            break
        current = _current_labels(client, index, sorted(set(pending) | {
            h["_id"] for i in pending for h in copies[i]}))
        merges: dict[str, str] = {}  # label -> the smaller label it becomes
        unsettled = []
        for article_id in pending:
            hits = [{**h, "_source": {FIELD: current.get(h["_id"], h["_source"][FIELD])}}
                    for h in copies[article_id]]
            mine = current.get(article_id) or own_label(article_id, _headline_only(keys[article_id]))
            shared = _labels(article_id, mine, keys[article_id], hits)
            if len(shared) > 1:
                target = min(shared)
                for other in shared - {target}:
                    merges[other] = min(target, merges.get(other, target))
                unsettled.append(article_id)
        if not merges:
            break
        moved += relabel(client, index, _flatten(merges))
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
    if not ids:
        return {}
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
        if round_:  # (labels another loader just gave must be visible to the scan)
            client.indices.refresh(index=index)
        actions, target_of = [], {}
        for h in helpers.scan(client, index=index, size=1000, seq_no_primary_term=True,
                              query={"query": {"terms": {FIELD: sorted(pending)}},
                                     "_source": [FIELD, "headline_only"]}):
            label = h["_source"].get(FIELD)
            target = pending.get(label)
            if target is None or target >= label:
                continue
            target_of[h["_id"]] = target
            actions.append({"_op_type": "update", "_index": index, "_id": h["_id"],
                            "if_seq_no": h["_seq_no"], "if_primary_term": h["_primary_term"],
                            "doc": {FIELD: target, "copy": target != own_label(
                                h["_id"], bool(h["_source"].get("headline_only")))}})
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

#: Distinct stories below which a ``cardinality`` count is exact (the most OpenSearch allows).
TOTAL_PRECISION = 40_000
#: The first copy of each story (the article whose id is its label): what facet values
#: and months count on an index with stories (aggregations.py).
FIRST_COPIES = {"term": {"copy": False}}


def count_agg(precision: int = TOTAL_PRECISION) -> dict[str, Any]:
    return {"cardinality": {"field": FIELD, "precision_threshold": precision}}


def similar_query(labels: list[str], size: int) -> dict[str, Any]:
    """Every article of these stories (the page's hits among them), by label then id."""
    return {"size": size, "query": {"terms": {FIELD: labels}},
            "sort": [{FIELD: "asc"}, {"id": "asc"}]}
