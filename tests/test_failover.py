"""A node of the 2-node cluster dies during a query load: with a replica of every shard,
every query keeps answering (no error reaches the user: a search that met the dying node
is asked again), an index without replicas says that results would be incomplete, and
indexing resumes once the node is back. The node killed is node 1: the first entry node of the address, and the cluster
manager when it was elected first. Runs after the other cluster tests (it restarts node 1)."""

from __future__ import annotations

import subprocess
import threading
import time
import uuid

import pytest

from search.backends.opensearch.connection import BackendError, parse_address
from search.backends.opensearch.engine import OpenSearchEngine
from search.backends.opensearch.loader import index_into_cluster
from search.models import SearchRequest
from tests.conftest import CLUSTER_SCRIPT
from tests.webcorpus import build_corpus, synthetic_articles

pytestmark = pytest.mark.opensearch


def test_queries_survive_a_node_and_indexing_resumes(opensearch_url, tmp_path, request):
    corpus = build_corpus(str(tmp_path / "corpus"))
    spec = f"{opensearch_url.replace('http://', 'opensearch://')}/failover-{uuid.uuid4().hex[:8]}?replicas=1&shards=2"
    address = parse_address(spec)
    # a left-over index would slow every later node restart (its recovery): removed whatever happens
    request.addfinalizer(lambda: OpenSearchEngine(address).client.indices.delete(
        index=address.index, ignore_unavailable=True))
    assert index_into_cluster([corpus], address, workers=1).total == 46
    # the same articles without replicas: while the node is down, some of its shards have no copy
    alone = parse_address(spec.replace("failover-", "alone-").replace("replicas=1&shards=2",
                                                                   "replicas=0&shards=4"))
    request.addfinalizer(lambda: OpenSearchEngine(alone).client.indices.delete(
        index=alone.index, ignore_unavailable=True))
    assert index_into_cluster([corpus], alone, workers=1).total == 46
    engine = OpenSearchEngine(address)
    engine.client.cluster.health(index=address.index, wait_for_status="green", request_timeout=60)
    answers, errors = [], []
    stop = threading.Event()

    def load() -> None:
        reader = OpenSearchEngine(address)
        while not stop.is_set():
            try:
                answers.append(reader.search(SearchRequest(text="himars", systems=("HIMARS",))).total)
            except Exception as exc:  # what a user would see
                errors.append(repr(exc))
        reader.close()

    threads = [threading.Thread(target=load) for _ in range(2)]
    try:
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 60
        while len(answers) < 3 and not errors and time.monotonic() < deadline:
            time.sleep(0.1)
        before = len(answers)
        subprocess.run([str(CLUSTER_SCRIPT), "kill", "1"], check=True, capture_output=True)
        time.sleep(4.0)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        # no copy of a shard reachable: a clear error, not a silently smaller answer
        with pytest.raises(BackendError, match="cannot be reached"):
            OpenSearchEngine(alone).search(SearchRequest(text="himars"))
        assert not errors, errors[:3]
        assert before >= 3 and len(answers) > before + 3, (before, len(answers))
        assert set(answers) == {9}
    finally:
        stop.set()
        restarted = subprocess.run([str(CLUSTER_SCRIPT), "node", "1"], capture_output=True, text=True)
    assert restarted.returncode == 0, restarted.stderr
    more = tmp_path / "more.jsonl"
    more.write_text("\n".join(
        f'{{"id": "late-{a["id"]}", "title": "{a["title"]} (late)", "body": "{a["body"][:80]}", "source": "AP"}}'
        for a in synthetic_articles(5)) + "\n", encoding="utf-8")
    report = index_into_cluster([str(more)], address, workers=1)
    assert (report.added, report.total) == (5, 51)
    engine.close()
