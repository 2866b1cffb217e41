"""What a search request may ask, and the steps both backends take around a search:
checking the request, cutting an overlong query, the category shown beside a weapon-system
facet value, and searching a spelling correction instead when it finds more.

Shared by the embedded engine (``engine.py``) and the cluster's (``backends/opensearch``),
so neither imports the other.
"""

from __future__ import annotations

import dataclasses
from typing import Callable

from ..entities import system_info
from ..errors import InvalidParameterError
from ..models import SearchRequest, SearchResults

MAX_PER_PAGE = 100
MAX_RESULT_WINDOW = 100_000  # page * per_page


def validate(request: SearchRequest) -> None:
    """Raise ``InvalidParameterError`` (saying what to change) for a request no backend
    answers: an unknown sort, a page or page size out of range."""
    if request.sort not in ("relevance", "date"):
        raise InvalidParameterError(f"sort must be 'relevance' or 'date', not {request.sort!r}.")
    if request.page < 1:
        raise InvalidParameterError("page must be 1 or more.")
    if not 1 <= request.per_page <= MAX_PER_PAGE:
        raise InvalidParameterError(f"limit must be between 1 and {MAX_PER_PAGE}.")
    if request.page * request.per_page > MAX_RESULT_WINDOW:
        raise InvalidParameterError(
            f"page × limit may not exceed {MAX_RESULT_WINDOW:,}: narrow the query instead.")


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, at a space when there is one near the end."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ", limit - 100)
    return cut[:space] if space > 0 else cut


def facet_category(name: str, value: str) -> str:
    """The knowledge base's category of a weapon system ("" for any other facet value)."""
    if name != "system":
        return ""
    info = system_info(value)
    return info["category"] if info else ""


def corrected(search: Callable[[SearchRequest], SearchResults], results: SearchResults,
              request: SearchRequest, fell_back: bool = False) -> SearchResults | None:
    """The results of the query's spelling correction (``results.suggestion``), when it
    finds as many or more, or finds anything where the words as typed matched only as a
    sentence ("Showing results for Stoltenberg, search instead for stoltenbreg"); else None."""
    fixed = search(dataclasses.replace(request, text=results.suggestion, correct=False))
    if fixed.total == 0 or (fixed.total < results.total and not fell_back):
        return None  # (a reading that had to drop words loses to one that needs none)
    return dataclasses.replace(fixed, corrected_from=request.text, suggestion="",
                               took_ms=fixed.took_ms + results.took_ms)
