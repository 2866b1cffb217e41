"""Cluster addresses as users write them (no cluster needed): hosts, TLS, options, and
credentials that never show."""

from __future__ import annotations

import pytest

from search.backend_choice import open_engine
from search.backends.opensearch.connection import BackendError, parse_address
from search.engine import SearchEngine
from search.errors import InvalidParameterError


def test_a_local_cluster():
    address = parse_address("opensearch://127.0.0.1:9200/news")
    assert address.hosts == (("127.0.0.1", 9200),) and address.index == "news"
    assert not address.tls and (address.shards, address.replicas) == (2, 1)


def test_a_managed_cluster_with_tls_several_hosts_and_options(monkeypatch):
    monkeypatch.setenv("OPENSEARCH_USERNAME", "analyst")
    monkeypatch.setenv("OPENSEARCH_PASSWORD", "pw-from-env")
    address = parse_address("opensearchs://a.example.org,b.example.org:9243/archive?ca=/etc/ca.pem"
                            "&verify=false&shards=6&replicas=2")
    assert address.hosts == (("a.example.org", 443), ("b.example.org", 9243))
    assert address.tls and not address.verify and address.ca == "/etc/ca.pem"
    assert (address.shards, address.replicas) == (6, 2)
    assert (address.username, address.password) == ("analyst", "pw-from-env")
    assert "pw-from-env" not in str(address) + repr(address)


def test_credentials_in_the_address_never_show():
    address = parse_address("https://user:s%40cret@host:9200/news")
    assert address.password == "s@cret" and address.tls
    assert str(address) == "opensearchs://host:9200/news"
    assert "cret" not in repr(address)


@pytest.mark.parametrize("text, message", [
    ("opensearch://host:port/news", "Bad port"),
    ("opensearch:///news", "names no host"),
    ("opensearch://host/News", "cannot be an index name"),
    ("opensearch://host/news?shards=two", "whole numbers"),
])
def test_mistakes_are_explained(text, message):
    with pytest.raises(BackendError, match=message):
        parse_address(text)


def test_the_default_backend_is_the_embedded_index(tmp_path, monkeypatch):
    monkeypatch.delenv("SEARCH_BACKEND", raising=False)
    assert isinstance(open_engine(str(tmp_path)), SearchEngine)
    with pytest.raises(InvalidParameterError, match="Unknown backend 'solr'"):
        open_engine(str(tmp_path), "solr://host/news")


def test_an_answer_missing_shards_is_an_error_not_fewer_results():
    from search.backends.opensearch.engine import complete

    address = parse_address("opensearch://127.0.0.1:9200/news")
    whole = {"_shards": {"total": 2, "successful": 2, "skipped": 0, "failed": 0}, "hits": {}}
    assert complete(whole, address) is whole
    for shards in ({"total": 2, "successful": 1, "skipped": 0, "failed": 1},
                   {"total": 2, "successful": 1, "skipped": 0, "failed": 0}):  # (a shard with no copy)
        with pytest.raises(BackendError, match="1 of 2 shards of the index at opensearch://127.0.0.1:9200/news"):
            complete({"_shards": shards}, address)


def test_shards_that_fail_while_a_node_leaves_are_asked_again_but_a_bad_query_is_not():
    """A node that dies drops the searches in flight to it: the cluster answers 500 "all shards
    failed" (a passing state: the replicas answer a moment later). A query the cluster cannot
    run is the same exception with a 400, and asking again would not help."""
    from opensearchpy.exceptions import RequestError, TransportError

    from search.backends.opensearch.connection import ShardsUnavailable
    from search.backends.opensearch.loader import cluster_error

    address = parse_address("opensearch://127.0.0.1:9200/news")
    body = {"error": {"type": "search_phase_execution_exception", "reason": "all shards failed"}}
    dropped = cluster_error(TransportError(500, "search_phase_execution_exception", body), address)
    assert isinstance(dropped, ShardsUnavailable)
    assert "all shards failed. Try again shortly" in str(dropped)
    bad = cluster_error(RequestError(400, "search_phase_execution_exception", body), address)
    assert isinstance(bad, BackendError) and not isinstance(bad, ShardsUnavailable)
