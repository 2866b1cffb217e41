"""Query-string parameters <-> SearchRequest, and URLs that change one thing in the state.

The whole search state lives in the URL: ``q``, the repeatable facet parameters
(``person``, ``system``, ``source``, ``org``, ``place``), ``since``, ``until``, ``sort``,
``page``, ``limit``, ``more`` (facets whose "show more" is open), ``not_person`` ...
(values excluded, NOT) and ``cmp`` (queries already in an attention comparison). Both the HTML pages
and the JSON API read it here, so they accept exactly the same parameters.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Iterable
from urllib.parse import quote_plus, urlencode

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
EXCLUDE_KEYS = tuple(f"not_{name}" for name in FACET_FIELDS)  # NOT a facet value
STATE_KEYS = ("q", *FACET_FIELDS, *EXCLUDE_KEYS, "since", "until", "sort", "page", "limit",
              "more", "cmp", "verbatim")
REQUEST_ATTR = {"person": "persons", "system": "systems", "source": "sources",
                "org": "orgs", "place": "places", "collection": "collections"}


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
    excluded = tuple((name, value) for name in FACET_FIELDS for value in _values(args, f"not_{name}"))
    return SearchRequest(excluded=excluded,
        text=text, since=since, until=until, sort=sort, page=page, per_page=limit,
        facet_limit=(FACET_EXPANDED if more else FACET_SHOWN) + 1, highlights=highlights,
        correct=not args.get("verbatim"),  # "search instead for" the words as typed
        **{REQUEST_ATTR[name]: _values(args, name) for name in FACET_FIELDS})


@lru_cache(maxsize=100_000)
def _quoted(text: str) -> str:
    """``quote_plus`` as ``urlencode`` applies it, remembered: facet values and entity names
    recur on every results page."""
    return quote_plus(text)


class UrlState:
    """The current URL state, able to produce the URL of a changed state (links that work
    without JavaScript: add or remove a filter, change sort or page, open "show more")."""

    def __init__(self, args: MultiDict, path: str):
        self.path = path
        self.pairs: list[tuple[str, str]] = [
            (k, v) for k in STATE_KEYS for v in args.getlist(k) if v is not None and v != ""]
        self._unpaged: str | None = None  # the pairs but page, encoded once (see _append)

    @classmethod
    def _of(cls, path: str, pairs: list[tuple[str, str]]) -> "UrlState":
        other = cls.__new__(cls)
        other.path, other.pairs, other._unpaged = path, pairs, None
        return other

    def _append(self, key: str, value: str) -> str:
        """URL of the state without its page plus ``key=value``: most links on a results
        page (a facet value, its exclusion, a chip) are this, so the state is encoded once
        and each link only encodes its own pair."""
        if self._unpaged is None:
            self._unpaged = urlencode([(k, v) for k, v in self.pairs if k != "page"])
        extra = f"{_quoted(key)}={_quoted(value)}"
        return f"{self.path}?{self._unpaged}&{extra}" if self._unpaged else f"{self.path}?{extra}"

    def _url(self, pairs: Iterable[tuple[str, str]]) -> str:
        query = urlencode(list(pairs))
        return f"{self.path}?{query}" if query else self.path

    def get(self, key: str) -> str:
        return next((v for k, v in self.pairs if k == key), "")

    def getlist(self, key: str) -> list[str]:
        return [v for k, v in self.pairs if k == key]

    def without(self, *keys: str) -> "UrlState":
        """The same state without some keys (``cmp`` on an export link)."""
        return UrlState._of(self.path, [(k, v) for k, v in self.pairs if k not in keys])

    def on(self, path: str) -> "UrlState":
        """The same state on another page (a facet's "all values")."""
        return UrlState._of(path, list(self.pairs))

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
        if (key, value) not in self.pairs:
            return self._append(key, value)
        pairs = [(k, v) for k, v in self.pairs if k != "page"]
        pairs.remove((key, value))
        return self._url(pairs)

    def add(self, key: str, value: str) -> str:
        if (key, value) not in self.pairs:
            return self._append(key, value)
        return self._url([(k, v) for k, v in self.pairs if k != "page"])

    def exclude(self, key: str, value: str) -> str:
        """URL with ``value`` excluded (``not_<key>``) instead of selected; page resets."""
        if (key, value) not in self.pairs:
            return self.add(f"not_{key}", value)
        pairs = [(k, v) for k, v in self.pairs if k != "page" and (k, v) != (key, value)]
        if (f"not_{key}", value) not in pairs:
            pairs.append((f"not_{key}", value))
        return self._url(pairs)

    def page(self, number: int) -> str:
        return self.with_(page=str(number) if number > 1 else "", keep_page=False)

    def query_string(self) -> str:
        """``?q=...&source=...`` (or ""): article links carry the search along."""
        found = self.__dict__.get("_query_string")
        if found is None:  # (every hit's link asks)
            query = urlencode(self.pairs)
            found = self._query_string = f"?{query}" if query else ""
        return found

    def hidden_fields(self, exclude: Iterable[str] = ("q", "page")) -> list[tuple[str, str]]:
        """The state to carry through the search form as hidden inputs."""
        skip = set(exclude)
        return [(k, v) for k, v in self.pairs if k not in skip]
