"""Choosing the backend: the embedded index in a folder, or an index on a cluster.

``--backend`` (or ``$SEARCH_BACKEND``) names it: ``embedded`` (the default; the folder is
``--index`` / ``$SEARCH_INDEX`` / ``./search-index``) or a cluster address such as
``opensearch://127.0.0.1:9200/news`` (see ``search/backends/opensearch/connection.py``).
"""

from __future__ import annotations

import os

from .backends.base import SearchBackend
from .backends.embedded.storage import resolve_index_dir
from .backends.opensearch.connection import is_cluster_address, parse_address
from .errors import InvalidParameterError
from .settings import LIMITS, Limits

EMBEDDED = "embedded"


def backend_spec(backend: str | None) -> str:
    return (backend or os.environ.get("SEARCH_BACKEND") or EMBEDDED).strip()


def open_engine(index_dir: str | None = None, backend: str | None = None,
                limits: Limits = LIMITS) -> SearchBackend:
    """The engine for ``backend`` (None: ``$SEARCH_BACKEND``, else embedded). ``limits``
    bound one search's work (on a cluster: its time budget)."""
    spec = backend_spec(backend)
    if spec == EMBEDDED:
        from .engine import SearchEngine

        return SearchEngine(resolve_index_dir(index_dir), limits=limits)
    if is_cluster_address(spec):
        from .backends.opensearch.engine import OpenSearchEngine

        return OpenSearchEngine(parse_address(spec), limits=limits)
    raise InvalidParameterError(
        f"Unknown backend {spec.split('://')[0]!r}: use 'embedded' or opensearch://HOST:PORT/INDEX.")
