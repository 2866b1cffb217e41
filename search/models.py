"""Plain data passed between the library and its edges (CLI, web, JSON)."""

from __future__ import annotations

import datetime as dt
from dataclasses import MISSING, asdict, dataclass, field, fields
from typing import Any

UNKNOWN_SOURCE = "unknown"
UNDATED = "undated"

#: Facet names in display order, and the request attribute that filters each.
FACET_FIELDS = ("person", "system", "source", "org", "place", "collection")


@dataclass(frozen=True)
class Article:
    """One news article as read from an input file, before analysis."""

    title: str
    body: str
    date: dt.date | None = None
    source: str = UNKNOWN_SOURCE
    url: str = ""
    authors: tuple[str, ...] = ()
    extra: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    origin: str = ""  # "path:line" it came from, for messages
    key: str = ""  # an id the input file gave, if any
    collection: str = ""  # the folder it was found in (or --collection), a facet

    @property
    def id(self) -> str:
        from .ingest.ids import article_id  # local: ids imports nothing of ours, models stays leaf

        return article_id(self)


@dataclass(frozen=True)
class Entities:
    """Canonical entity names found in one article."""

    persons: tuple[str, ...] = ()
    systems: tuple[str, ...] = ()
    orgs: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    roles: dict[str, tuple[str, ...]] = field(default_factory=dict, hash=False, compare=False)
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict, hash=False, compare=False)
    unknown_systems: tuple[str, ...] = ()


@dataclass(frozen=True)
class Highlight:
    """A passage of plain (unescaped) text and the [start, end) offsets of the matches in it."""

    text: str
    matches: tuple[tuple[int, int], ...]

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "matches": [list(m) for m in self.matches]}

    def segments(self) -> list[tuple[str, bool]]:
        """``[(text, is_match), ...]`` covering the whole passage, for renderers."""
        out, cursor = [], 0
        for start, end in self.matches:
            if start > cursor:
                out.append((self.text[cursor:start], False))
            out.append((self.text[start:end], True))
            cursor = end
        if cursor < len(self.text):
            out.append((self.text[cursor:], False))
        return out


@dataclass(frozen=True)
class Hit:
    id: str
    title: str
    date: str | None  # ISO date, None when undated
    source: str
    url: str
    score: float
    persons: tuple[str, ...]
    systems: tuple[str, ...]
    orgs: tuple[str, ...]
    places: tuple[str, ...]
    highlights: tuple[Highlight, ...] = ()
    similar: tuple["Hit", ...] = ()  # the same story from other files (collapsed)
    title_matches: tuple[tuple[int, int], ...] = ()  # [start, end) of matches in the title
    #: Words of a relaxed short query this hit lacks: a partial match, ranked below every
    #: article with all the words ("all words first, then the best partial matches").
    missing: tuple[str, ...] = ()

    def title_segments(self) -> list[tuple[str, bool]]:
        """The title as ``[(text, is_match), ...]``, for renderers."""
        return Highlight(self.title, self.title_matches).segments()

    @classmethod
    def brief(cls, id: str, title: str, date: str | None, source: str, url: str) -> "Hit":
        """A hit with only an id, title, date, source and url, and no score: one of a story's
        other copies (``similar``). Made without the generated ``__init__``, which sets each
        of the 14 fields of a frozen dataclass through ``object.__setattr__`` (2 us a hit,
        and a results page shows some 40 copies); equal to ``Hit(...)`` with those fields."""
        hit = object.__new__(cls)
        hit.__dict__.update(_BRIEF, id=id, title=title, date=date, source=source, url=url)
        return hit

    def to_dict(self) -> dict[str, Any]:
        # Spelled out rather than asdict(), which deep-copies every field: this runs for
        # every hit of every API answer.
        return {"id": self.id, "title": self.title, "date": self.date, "source": self.source,
                "url": self.url, "score": round(self.score, 4), "persons": list(self.persons),
                "systems": list(self.systems), "orgs": list(self.orgs), "places": list(self.places),
                "highlights": [h.to_dict() for h in self.highlights],
                "similar": [{"id": h.id, "title": h.title, "date": h.date, "source": h.source,
                             "url": h.url} for h in self.similar],
                "title_matches": [list(m) for m in self.title_matches],
                "missing": list(self.missing)}


#: What a brief hit (``Hit.brief``) holds besides its id, title, date, source and url.
_BRIEF = {"score": 0.0, "persons": (), "systems": (), "orgs": (), "places": (),
          **{f.name: f.default for f in fields(Hit) if f.default is not MISSING}}


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int
    selected: bool = False
    category: str = ""  # systems: "air defence", "tank", ...

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"value": self.value, "count": self.count}
        if self.selected:
            d["selected"] = True
        if self.category:
            d["category"] = self.category
        return d


@dataclass(frozen=True)
class Facet:
    name: str
    values: tuple[FacetValue, ...]


@dataclass(frozen=True)
class QueryEntity:
    """A knowledge-base entity named in the query text, searched as its words or its facet."""

    text: str  # as typed
    start: int  # [start, end) in the query text
    end: int
    kind: str  # "person" | "system" | "org" | "place"
    values: tuple[str, ...]  # the indexed facet values it stands for
    count: int = 0  # articles tagged with any of them

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "type": self.kind, "values": list(self.values),
                "count": self.count}


@dataclass(frozen=True)
class SearchRequest:
    """Everything that selects and orders results; built by the CLI, the web app or code."""

    text: str = ""
    persons: tuple[str, ...] = ()
    systems: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    orgs: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    collections: tuple[str, ...] = ()
    since: dt.date | None = None
    until: dt.date | None = None
    sort: str = "relevance"  # or "date"
    page: int = 1
    per_page: int = 10
    facet_limit: int = 10
    highlights: int = 3  # passages per hit
    excluded: tuple[tuple[str, str], ...] = ()  # (facet, value) pairs no result may have (NOT)
    correct: bool = True  # a misspelt query finding (almost) nothing searches its correction

    def filters(self) -> dict[str, tuple[str, ...]]:
        """Facet selections keyed by facet name."""
        return {"person": self.persons, "system": self.systems, "source": self.sources,
                "org": self.orgs, "place": self.places, "collection": self.collections}


@dataclass(frozen=True)
class SearchResults:
    query: str
    total: int
    page: int
    per_page: int
    hits: tuple[Hit, ...]
    facets: tuple[Facet, ...]
    took_ms: float = 0.0
    parsed: str = ""
    warnings: tuple[str, ...] = ()
    suggestion: str = ""  # "did you mean"
    entities: tuple[QueryEntity, ...] = ()  # named in the query text
    corrected_from: str = ""  # the text as typed, when these are its correction's results

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def facet(self, name: str) -> Facet | None:
        return next((f for f in self.facets if f.name == name), None)

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON shape of ``search query --json`` and ``/api/search``."""
        return {
            "query": self.query,
            "total": self.total,
            "page": self.page,
            "hits": [h.to_dict() for h in self.hits],
            "facets": {f.name: [v.to_dict() for v in f.values] for f in self.facets},
            "took_ms": round(self.took_ms, 2),
            "suggestion": self.suggestion or None,
            "warnings": list(self.warnings),
            "entities": [e.to_dict() for e in self.entities],
            "corrected_from": self.corrected_from or None,
        }


@dataclass(frozen=True)
class StoredArticle:
    """An article as it comes back from the index (``search show``, the article page)."""

    id: str
    title: str
    body: str
    date: str | None
    source: str
    url: str
    authors: tuple[str, ...]
    persons: tuple[str, ...]
    systems: tuple[str, ...]
    orgs: tuple[str, ...]
    places: tuple[str, ...]
    roles: dict[str, tuple[str, ...]]
    origin: str
    extra: dict[str, str]
    collection: str = ""

    def to_dict(self, with_body: bool = True) -> dict[str, Any]:
        d = asdict(self)
        for key in ("authors", "persons", "systems", "orgs", "places"):
            d[key] = list(d[key])
        d["roles"] = {k: list(v) for k, v in self.roles.items()}
        if not with_body:
            d.pop("body")
        return d
