"""Facet values as query understanding reads them: the key that matches what a user typed
to an indexed value, and what an index's table of values must answer.

Entity recognition (``query_entities.py``) and spelling (``spelling.py``) run over either
backend: the embedded index gives them its ``FacetTable``
(``backends/embedded/facets.py``), a cluster its ``ClusterFacets``
(``backends/opensearch/understanding.py``). Both key values the same way.
"""

from __future__ import annotations

from collections import Counter
from typing import Protocol

import numpy as np

from ..analysis import fold_accents


def value_key(text: str) -> str:
    """Case-, accent- and spacing-insensitive key for matching user text to facet values."""
    return " ".join(fold_accents(text).casefold().replace(".", " ").split())


class FacetTable(Protocol):
    """The facet values of an index, as entity recognition and spelling read them: the
    embedded index's ``FacetTable`` is one, a cluster's ``ClusterFacets`` another."""

    doc_count_all: int
    #: Per facet, each value's article count.
    totals: dict[str, Counter[str]]
    #: Per facet, the values under each :func:`value_key`.
    by_key: dict[str, dict[str, list[str]]]

    def lookup(self, name: str, text: str) -> list[str]:
        """Indexed values of ``name`` equal to ``text`` up to case, accents, dots and spaces."""

    def docs_of(self, name: str, value: str) -> np.ndarray | None:
        """The (live) documents with this value, or None when it is not indexed."""
