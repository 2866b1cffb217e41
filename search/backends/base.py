"""The backend interface: what the CLI, the web app, the JSON API and export call.

Two implementations: ``search.engine.SearchEngine`` (the embedded Whoosh index in a local
folder, the default) and ``search.backends.opensearch.engine.OpenSearchEngine`` (an index
on an OpenSearch cluster). Both return the same dataclasses (``search/models.py``), so the
edges never know which one they hold; :func:`search.backend_choice.open_engine` picks one
from ``--backend`` / ``$SEARCH_BACKEND``. Document keys (``docs_for``) are opaque: they go
back only into ``facet_values_of`` and ``newest``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Collection, Hashable, Iterator, Protocol, runtime_checkable

from ..models import Hit, SearchRequest, SearchResults, StoredArticle


@dataclass(frozen=True)
class DayCounts:
    """How many articles a request matches on each day: what trends and the timeline bin
    into days, weeks or months (each backend counts in its own way: a mask or a histogram)."""

    days: tuple[int, ...] = ()  # proleptic ordinal days (``date.toordinal()``), ascending
    counts: tuple[int, ...] = ()  # matching articles on each of those days
    undated: int = 0  # matching articles without a date


@dataclass(frozen=True)
class TermSample:
    """Body term statistics of a sample of a request's matches against the whole index:
    what "top terms" scores (``search/terms.py``). The embedded index counts occurrences,
    the cluster counts documents (``significant_text``); both are compared the same way."""

    matched: int  # articles the request matches
    sampled: int  # of which were counted
    counts: dict[str, float] = field(default_factory=dict)  # stem -> count in the sample
    total: float = 0.0  # all counts in the sample
    index: dict[str, float] = field(default_factory=dict)  # stem -> count in the whole index
    index_total: float = 0.0
    words: dict[str, int] = field(default_factory=dict)  # surface word -> count, to show stems


@runtime_checkable
class SearchBackend(Protocol):
    index_dir: str  # where the index is, for messages (a folder or a cluster address)

    def search(self, request: SearchRequest, *, strict: bool = False) -> SearchResults: ...
    def parse(self, text: str, *, strict: bool = False) -> Any: ...
    def resolve(self, field: str, text: str) -> list[str]: ...
    def article(self, article_id: str) -> StoredArticle: ...
    def more_like(self, article_id: str, limit: int = 5) -> list[Hit]: ...
    def sharing_entities(self, article_id: str, limit: int = 5) -> list[tuple[Hit, list[str]]]: ...
    def iter_articles(self, request: SearchRequest | None = None) -> Iterator[StoredArticle]: ...
    def stats(self) -> dict[str, Any]: ...
    def facet_totals(self, name: str) -> Counter[str]: ...
    def docs_for(self, name: str, value: str) -> Collection[Hashable]: ...
    def facet_values_of(self, name: str, docnums: Any) -> Counter[str]: ...
    def newest(self, docnums: Any, limit: int, first: int = 0) -> list[Hit]: ...
    def terms(self, field: str) -> list[tuple[str, int]]: ...
    def vocabulary(self, prefix: str, limit: int = 10) -> list[tuple[str, int]]: ...
    def match_spans(self, query_text: str, text: str) -> list[tuple[int, int]]: ...
    def day_counts(self, requests: list[SearchRequest]) -> list[DayCounts]: ...
    def term_sample(self, request: SearchRequest, size: int) -> TermSample: ...
    def warm_up(self) -> None: ...
    def close(self) -> None: ...
