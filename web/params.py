"""Query-string parameters <-> SearchRequest, and URLs that change one thing in the state.

The whole search state lives in the URL: ``q``, the repeatable facet parameters
(``person``, ``system``, ``source``, ``org``, ``place``), ``since``, ``until``, ``sort``,
``page``, ``limit`` and ``more`` (facets whose "show more" is open). Both the HTML pages
and the JSON API read it here, so they accept exactly the same parameters.
"""

from __future__ import annotations

from typing import Iterable
from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict

from search.ingest.dates import parse_date_param
from search.errors import InvalidParameterError
from search.models import FACET_FIELDS, SearchRequest

DEFAULT_LIMIT = 10
MAX_LIMIT = 100
FACET_SHOWN = 8  # values per facet before "show more"
FACET_EXPANDED = 50  # values per facet after "show more"
MAX_QUERY_CHARS = 1000
MAX_FILTER_VALUES = 20
STATE_KEYS = ("q", *FACET_FIELDS, "since", "until", "sort", "page", "limit", "more", "verbatim")
REQUEST_ATTR = {"person": "persons", "system": "systems", "source": "sources",
                "org": "orgs", "place": "places"}


def _int(args: MultiDict, name: str, default: int, low: int, high: int) -> int:
    raw = (args.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidParameterError(f"{name} must be a whole number, not {raw[:40]!r}.") from None
    if not low <= value <= high:
        raise InvalidParameterError(f"{name} must be between {low:,} and {high:,}, not {value:,}.")
    return value


def _values(args: MultiDict, name: str) -> tuple[str, ...]:
    values = [v.strip() for v in args.getlist(name) if v and v.strip()]
    if len(values) > MAX_FILTER_VALUES:
        raise InvalidParameterError(f"{name}: at most {MAX_FILTER_VALUES} values may be selected.")
    if any(len(v) > 200 for v in values):
        raise InvalidParameterError(f"{name}: a value may be at most 200 characters long.")
    return tuple(dict.fromkeys(values))


def expanded_facets(args: MultiDict) -> tuple[str, ...]:
    more = _values(args, "more")
    unknown = [m for m in more if m not in FACET_FIELDS]
    if unknown:
        raise InvalidParameterError(
            f"more: {unknown[0][:40]!r} is not a facet; use one of {', '.join(FACET_FIELDS)}.")
    return more


def request_from_args(args: MultiDict, *, highlights: int = 3) -> SearchRequest:
    """A validated SearchRequest; every problem is an InvalidParameterError saying what to fix."""
    text = (args.get("q") or "").strip()
    if len(text) > MAX_QUERY_CHARS:
        raise InvalidParameterError(f"q may be at most {MAX_QUERY_CHARS} characters long.")
    sort = (args.get("sort") or "relevance").strip()
    if sort not in ("relevance", "date"):
        raise InvalidParameterError(f"sort must be 'relevance' or 'date', not {sort[:40]!r}.")
    since_text = (args.get("since") or "").strip()
    until_text = (args.get("until") or "").strip()
    since = parse_date_param(since_text, "since") if since_text else None
    until = parse_date_param(until_text, "until", end=True) if until_text else None
    if since and until and since > until:
        raise InvalidParameterError(
            f"since ({since}) is after until ({until}): swap them or widen the range.")
    limit = _int(args, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    page = _int(args, "page", 1, 1, 10**6)
    more = expanded_facets(args)
    return SearchRequest(
        text=text, since=since, until=until, sort=sort, page=page, per_page=limit,
        facet_limit=(FACET_EXPANDED if more else FACET_SHOWN) + 1, highlights=highlights,
        correct=not args.get("verbatim"),  # "search instead for" the words as typed
        **{REQUEST_ATTR[name]: _values(args, name) for name in FACET_FIELDS})


class UrlState:
    """The current URL state, able to produce the URL of a changed state (links that work
    without JavaScript: add or remove a filter, change sort or page, open "show more")."""

    def __init__(self, args: MultiDict, path: str):
        self.path = path
        self.pairs: list[tuple[str, str]] = [
            (k, v) for k in STATE_KEYS for v in args.getlist(k) if v is not None and v != ""]

    def _url(self, pairs: Iterable[tuple[str, str]]) -> str:
        query = urlencode(list(pairs))
        return f"{self.path}?{query}" if query else self.path

    def get(self, key: str) -> str:
        return next((v for k, v in self.pairs if k == key), "")

    def getlist(self, key: str) -> list[str]:
        return [v for k, v in self.pairs if k == key]

    def has(self, key: str, value: str) -> bool:
        return (key, value) in self.pairs

    def with_(self, *, drop: Iterable[str] = (), keep_page: bool = False, **changes: str) -> str:
        """URL with ``changes`` set (single-valued keys) and ``drop`` removed; page resets."""
        gone = set(drop) | set(changes) | (set() if keep_page else {"page"})
        pairs = [(k, v) for k, v in self.pairs if k not in gone]
        pairs += [(k, v) for k, v in changes.items() if v not in (None, "")]
        return self._url(pairs)

    def toggle(self, key: str, value: str) -> str:
        """URL with ``key=value`` added, or removed when already there; page resets."""
        pairs = [(k, v) for k, v in self.pairs if k != "page"]
        if (key, value) in pairs:
            pairs.remove((key, value))
        else:
            pairs.append((key, value))
        return self._url(pairs)

    def add(self, key: str, value: str) -> str:
        pairs = [(k, v) for k, v in self.pairs if k != "page"]
        if (key, value) not in pairs:
            pairs.append((key, value))
        return self._url(pairs)

    def page(self, number: int) -> str:
        return self.with_(page=str(number) if number > 1 else "", keep_page=False)

    def query_string(self) -> str:
        """``?q=...&source=...`` (or ""): article links carry the search along."""
        query = urlencode(self.pairs)
        return f"?{query}" if query else ""

    def hidden_fields(self, exclude: Iterable[str] = ("q", "page")) -> list[tuple[str, str]]:
        """The state to carry through the search form as hidden inputs."""
        skip = set(exclude)
        return [(k, v) for k, v in self.pairs if k not in skip]
