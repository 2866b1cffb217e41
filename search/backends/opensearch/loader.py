"""Ingest into the cluster: our formats, ids and entity extraction, bulk-loaded.

The parent reads the files (our formats, ids, problems listed as for the embedded index)
and hands batches to worker processes; each worker extracts entities, builds the
documents and bulk-loads them with its own client. Every article is sent as a ``create``
under its id, so a re-run, or a second machine indexing overlapping files, adds nothing
twice (the cluster answers 409 for an id it has: counted as already indexed). The client's
bulk helper retries what the cluster pushes back (429) with exponential back-off, and the
client retries a request on another node on 502/503/504 and lost connections, so indexing
rides over a node restart.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import time
from typing import Any, Callable, Iterable, Iterator

from ...analysis import surface_words
from ...dedup import story_keys
from ...entities import extract_entities
from ...ingest.formats import Problem, ReadOptions, input_files, read_path
from ...models import Article, Entities
from ...ingest.report import PARALLEL_MIN_BYTES, IndexReport, Progress
from ...understanding.facet_values import value_key
from .connection import BackendError, ClusterAddress, ShardsUnavailable
from . import stories
from .template import KEYWORD_FIELDS, index_template, mappings

SEP = "\x1f"
#: Documents per bulk request (a few MB of news text) and the helper's retries of 429s.
BULK_DOCS = 500
BULK_RETRIES = 8
#: Articles a worker extracts, loads and links to their stories at once (each batch costs
#: a refresh and a look-up of its articles' copies: stories.py).
CLUSTER_BATCH = 500


def to_source(article: Article, entities: Entities, story: list[str] | None = None,
              label: str | None = None) -> dict[str, Any]:
    """The document the cluster stores for one article (its ``_id`` is the article id);
    ``story``: its story keys, if already computed; ``label``: its story's (stories.py)."""
    date = article.date
    values = {"source": [article.source], "person": list(entities.persons),
              "system": list(entities.systems), "org": list(entities.orgs),
              "place": list(entities.places), "collection": [article.collection] if article.collection else []}
    keys = [f"{name}{SEP}{value_key(v)}{SEP}{v}" for name in KEYWORD_FIELDS for v in values[name]]
    keys += [f"person-last{SEP}{value_key(v).rsplit(' ', 1)[-1]}{SEP}{v}" for v in entities.persons]
    return {
        "id": article.id, "title": article.title, "body": article.body,
        "date": date.isoformat() if date else None,
        "year": f"{date.year:04d}" if date else "undated",
        "month": f"{date.year:04d}-{date.month:02d}" if date else "undated",
        "source": article.source, "person": values["person"], "system": values["system"],
        "org": values["org"], "place": values["place"], "collection": article.collection,
        "facet_keys": keys,
        "alias": [f"{name}{SEP}{surface}" for name, forms in entities.aliases.items() for surface in forms],
        "role": [f"{name}{SEP}{role}" for name, roles in entities.roles.items() for role in roles],
        "unknown_system": list(entities.unknown_systems),
        "words": sorted(surface_words(article.title + "\n" + article.body)),
        "url": article.url, "authors": list(article.authors),
        "roles": {k: list(v) for k, v in entities.roles.items()},
        "origin": article.origin, "extra": dict(article.extra),
        **stories.source_fields(article.id, story if story is not None else story_keys(article.title, article.body),
                                label),
    }


def ensure_index(client, address: ClusterAddress, *, rebuild: bool = False) -> None:
    """Create (or, with ``rebuild``, recreate) the index from the product's template."""
    client.indices.put_index_template(
        name=f"news-search-{address.index}",
        body=index_template(address.index, address.shards, address.replicas))
    if rebuild:
        client.indices.delete(index=address.index, ignore_unavailable=True)
    if not client.indices.exists(index=address.index):
        from opensearchpy import RequestError

        try:
            client.indices.create(index=address.index)
            return
        except RequestError as exc:  # another machine created it first: the same index
            if exc.error != "resource_already_exists_exception":
                raise
    # an index made by an earlier version gains the fields added since (stories)
    client.indices.put_mapping(index=address.index, body={"properties": mappings()["properties"]})


def load_batch(client, index: str, articles: list[Article]) -> tuple[int, int]:
    """Extract, build and bulk-load one batch: (added, already in the cluster). An id the
    cluster has (409) is an article indexed before, by an earlier run or a concurrent one:
    the report says "already indexed", as the embedded indexer does for an id it has (our
    ids are content hashes); "appeared more than once" is only for a second copy in this
    run's input (``_batches``)."""
    from opensearchpy import helpers

    keys = {article.id: story_keys(article.title, article.body) for article in articles}
    labels = stories.first_labels(client, index, keys)  # (copies seen before: loaded linked)

    def actions() -> Iterator[dict[str, Any]]:
        for article in articles:
            entities = extract_entities(article.title, article.body)
            yield {"_op_type": "create", "_index": index, "_id": article.id,
                   "_source": to_source(article, entities, keys[article.id], labels[article.id])}

    added = already = 0
    failures = []
    for ok, item in helpers.streaming_bulk(client, actions(), chunk_size=BULK_DOCS,
                                           max_chunk_bytes=20 * 1024 * 1024, max_retries=BULK_RETRIES,
                                           initial_backoff=1, max_backoff=30,
                                           raise_on_error=False, raise_on_exception=True):
        result = item.get("create", {})
        if ok:
            added += 1
        elif result.get("status") == 409:
            already += 1
        else:
            failures.append(result)
    if failures:
        first = failures[0]
        raise BackendError(f"The cluster refused {len(failures)} articles (first: id "
                           f"{first.get('_id')}, status {first.get('status')}: "
                           f"{(first.get('error') or {}).get('reason', '')}). Run the command again.")
    # every article of the batch, new or not: a re-run repairs a run stopped before this
    stories.link(client, index, keys)
    return added, already


# -- worker processes -------------------------------------------------------------------------

_worker_client = None
_worker_index = ""


def _init_worker(address: ClusterAddress) -> None:
    global _worker_client, _worker_index
    _worker_client = address.client(timeout=120, retries=5)
    _worker_index = address.index


def _work(batch: list[Article]) -> tuple[int, int]:
    return load_batch(_worker_client, _worker_index, batch)


def _batches(paths: list[str], report: IndexReport, progress: Progress,
             options: ReadOptions, size: int = CLUSTER_BATCH) -> Iterator[list[Article]]:
    """Articles from the files in batches, each id once per run (problems go to the report)."""
    seen: set[str] = set()
    batch: list[Article] = []
    for item in input_files(paths):
        if isinstance(item, Problem):
            report.problems.append(item)
            continue
        if not os.path.isfile(item):  # a FIFO or device would block the run: never opened
            report.problems.append(Problem(item, None, "not a regular file: skipped"))
            continue
        for record in read_path(item, options):
            if isinstance(record, Problem):
                report.problems.append(record)
                continue
            if record.id in seen:
                report.duplicates += 1
                continue
            seen.add(record.id)
            batch.append(record)
            if len(batch) >= size:
                yield batch
                batch = []
        try:
            progress.bytes_done += os.path.getsize(item)
        except OSError:
            pass
        report.files_read += 1
    if batch:
        yield batch


def index_into_cluster(paths: list[str], address: ClusterAddress, *, rebuild: bool = False,
                       workers: int | None = None,
                       on_progress: Callable[[Progress], None] | None = None,
                       options: ReadOptions | None = None, batch: int = CLUSTER_BATCH) -> IndexReport:
    """Index the articles in ``paths`` into the cluster index; the same report as the embedded
    index's (``removed`` stays 0: a cluster index keeps articles whose files are gone).
    ``options`` are the limits, date order and collection given to every input format;
    ``batch``: articles per worker task (each linked to its stories at once)."""
    started = time.monotonic()
    client = address.client(timeout=120)
    report = IndexReport(index_dir=str(address))
    try:
        ensure_index(client, address, rebuild=rebuild)
    except Exception as exc:  # connection errors, refused settings
        raise cluster_error(exc, address) from None
    files = [p for p in input_files(paths) if not isinstance(p, Problem)]
    size = sum(os.path.getsize(p) for p in files if os.path.exists(p))
    progress = Progress(bytes_total=size)
    if workers is None:
        workers = (os.cpu_count() or 1) if size >= PARALLEL_MIN_BYTES else 1
    options = dataclasses.replace(options or ReadOptions(), roots=tuple(paths))
    batches = _batches(paths, report, progress, options, batch)
    try:
        if workers > 1:
            with multiprocessing.get_context("fork").Pool(workers, _init_worker, (address,)) as pool:
                results: Iterable[tuple[int, int]] = pool.imap_unordered(_work, batches)
                _count(results, report, progress, on_progress)
        else:
            _count((load_batch(client, address.index, b) for b in batches), report, progress, on_progress)
        client.indices.refresh(index=address.index)
        report.total = client.count(index=address.index)["count"]
    except BackendError:
        raise
    except Exception as exc:
        raise cluster_error(exc, address) from None
    report.seconds = time.monotonic() - started
    return report


def _count(results: Iterable[tuple[int, int]], report: IndexReport, progress: Progress,
           on_progress: Callable[[Progress], None] | None) -> None:
    for added, already in results:
        report.added += added
        report.unchanged += already
        progress.articles += added + already
        if on_progress:
            on_progress(progress)


def cluster_error(exc: Exception, address: ClusterAddress) -> BackendError:
    """A client exception as a message a user can act on (no credentials, no traceback)."""
    from opensearchpy import exceptions as ose

    if isinstance(exc, ose.AuthenticationException):
        return BackendError(f"The cluster at {address} refused the credentials: set "
                            "OPENSEARCH_USERNAME and OPENSEARCH_PASSWORD.")
    if isinstance(exc, ose.AuthorizationException):
        return BackendError(f"The cluster at {address} does not allow this user to do that.")
    if isinstance(exc, ose.NotFoundError):
        return BackendError(f"There is no index {address.index!r} on the cluster at {address}: "
                            f"run `search index FILES --backend {address}` first.")
    if isinstance(exc, (ose.ConnectionError, ose.ConnectionTimeout)):
        return BackendError(f"Cannot reach the cluster at {address}: is it running "
                            "(scripts/opensearch-cluster.sh status)?")
    if (isinstance(exc, ose.TransportError) and exc.error == "search_phase_execution_exception"
            and isinstance(exc.status_code, int) and exc.status_code >= 500):
        # every shard asked failed (a node dropped the searches in flight): a passing state;
        # a bad query is the same exception with a 400
        return ShardsUnavailable(f"The cluster at {address} answered {exc.status_code}: "
                                 f"{_reason(exc)}. Try again shortly.")
    if isinstance(exc, ose.TransportError):
        return BackendError(f"The cluster at {address} answered {exc.status_code}: "
                            f"{_reason(exc)}. Try again shortly.")
    return BackendError(f"The cluster at {address} failed: {type(exc).__name__}.")


def _reason(exc) -> str:
    info = getattr(exc, "info", None)
    if isinstance(info, dict):
        err = info.get("error")
        if isinstance(err, dict):
            return str(err.get("reason") or err.get("type"))
    return str(getattr(exc, "error", "") or "error")
