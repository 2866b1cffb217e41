"""Where the cluster is, how to log in, and the client built from it.

A backend address looks like ``opensearch://127.0.0.1:9200/news`` (index name in the path).
A managed cluster: ``opensearchs://search.example.org/news`` (TLS; ``https://`` and
``opensearch+https://`` mean the same), with ``?ca=/path/ca.pem`` for a private CA,
``?verify=false`` to skip certificate checks (a test cluster), ``?shards=3&replicas=1``
for a new index. Credentials come from ``$OPENSEARCH_USERNAME`` / ``$OPENSEARCH_PASSWORD``
(or ``user:password@`` in the address); they are never printed: ``str()`` of an address
hides them, and errors name only host, port and index.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

from ...errors import SearchError
from .template import DEFAULT_REPLICAS, DEFAULT_SHARDS

SCHEMES = {"opensearch": False, "opensearchs": True, "opensearch+http": False,
           "opensearch+https": True, "http": False, "https": True}
DEFAULT_INDEX = "news"


class BackendError(SearchError):
    """The cluster cannot be reached or refused a request; the message says what to check."""


class ShardsUnavailable(BackendError):
    """Some shards of the index did not answer. While a node goes away this passes: the
    searches in flight to it fail, and a moment later its shards answer from their replicas.
    Without a replica it lasts until the node is back."""


def is_cluster_address(text: str | None) -> bool:
    return bool(text) and text.split("://", 1)[0].lower() in SCHEMES and "://" in text


@dataclass(frozen=True)
class ClusterAddress:
    hosts: tuple[tuple[str, int], ...]
    index: str
    tls: bool = False
    verify: bool = True
    ca: str = ""
    shards: int = DEFAULT_SHARDS
    replicas: int = DEFAULT_REPLICAS
    username: str = field(default="", repr=False)
    password: str = field(default="", repr=False)

    def __str__(self) -> str:
        scheme = "opensearchs" if self.tls else "opensearch"
        hosts = ",".join(f"{h}:{p}" for h, p in self.hosts)
        return f"{scheme}://{hosts}/{self.index}"

    def client(self, *, timeout: float = 30.0, retries: int = 3, retry_on_timeout: bool = True):
        """An ``opensearch-py`` client that retries a request on another node on connection
        errors, timeouts (unless ``retry_on_timeout`` is false: a search's budget is spent
        then) and 502/503/504 (a node going away), and sniffs nothing (a managed cluster's
        nodes are often not reachable directly)."""
        from opensearchpy import OpenSearch

        return OpenSearch(
            hosts=[{"host": h, "port": p} for h, p in self.hosts],
            http_auth=(self.username, self.password) if self.username else None,
            use_ssl=self.tls, verify_certs=self.tls and self.verify,
            ssl_show_warn=False, ca_certs=self.ca or None,
            timeout=timeout, max_retries=retries, retry_on_timeout=retry_on_timeout,
            retry_on_status=(502, 503, 504), http_compress=True)


def parse_address(text: str) -> ClusterAddress:
    """``opensearch://host:port[,host:port]/index?options`` -> a ClusterAddress."""
    if not is_cluster_address(text):
        raise BackendError("Not a cluster address: use opensearch://HOST:PORT/INDEX "
                           "(or opensearchs:// for TLS).")
    scheme, rest = text.split("://", 1)
    tls = SCHEMES[scheme.lower()]
    parts = urlsplit("//" + rest)
    netloc = parts.netloc
    username = password = ""
    if "@" in netloc:
        credentials, netloc = netloc.rsplit("@", 1)
        username, _, password = (unquote(x) for x in credentials.partition(":"))
    hosts = []
    for item in filter(None, netloc.split(",")):
        host, _, port = item.rpartition(":") if item.count(":") == 1 else (item, "", "")
        try:
            hosts.append((host or item, int(port) if port else (443 if tls else 9200)))
        except ValueError:
            raise BackendError(f"Bad port in the cluster address: {item!r}.") from None
    if not hosts:
        raise BackendError("The cluster address names no host: opensearch://HOST:PORT/INDEX.")
    index = parts.path.strip("/") or DEFAULT_INDEX
    if index != index.lower() or any(c in index for c in ' "*\\<|,>/?#:') or index.startswith(("_", "-", "+")):
        raise BackendError(f"{index!r} cannot be an index name: lower case letters, digits, '-' and '_'.")
    options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    try:
        shards = int(options.get("shards", DEFAULT_SHARDS))
        replicas = int(options.get("replicas", DEFAULT_REPLICAS))
    except ValueError:
        raise BackendError("shards and replicas in the cluster address are whole numbers.") from None
    return ClusterAddress(
        hosts=tuple(hosts), index=index, tls=tls,
        verify=options.get("verify", "true").lower() not in ("false", "0", "no"),
        ca=options.get("ca", ""), shards=shards, replicas=replicas,
        username=username or os.environ.get("OPENSEARCH_USERNAME", ""),
        password=password or os.environ.get("OPENSEARCH_PASSWORD", ""))
