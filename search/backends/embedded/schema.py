"""The index schema, declared once, next to the one function that turns an article into
a Whoosh document.

Documents arrive at the writer already analysed (a ``{term: [positions]}`` mapping made in
a worker process), so the single writer process does no text analysis of its own: that is
what lets indexing use both cores.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache
from typing import Any

from whoosh import fields, query
from whoosh.analysis import IDAnalyzer

from ...analysis import analyse, news_analyzer, surface_words, tokenizer_matches
from ...dedup import story_codes
from ...models import UNDATED, Article, Entities

class AnalyzedText(fields.TEXT):
    """A TEXT field that also accepts a pre-analysed ``{term: [positions]}`` mapping."""

    def index(self, value, **kwargs):
        if not isinstance(value, dict):
            yield from super().index(value, **kwargs)
            return
        boost = self.format.field_boost
        encode = self.format.encode
        for term, positions in value.items():
            encoded = _one_position(encode, positions[0]) if len(positions) == 1 else encode(positions)
            yield term.encode("utf-8"), len(positions), len(positions) * boost, encoded


@lru_cache(maxsize=100_000)
def _one_position(encode, position: int) -> bytes:
    """Most terms occur once in an article: their encoded position list, cached."""
    return encode([position])


class FacetField(fields.FieldType):
    """A multi-valued exact field (canonical names): indexed whole, stored as a list.

    It parses its own query text, so ``person:"Lloyd Austin"`` is one term; the query
    builder then maps whatever the user wrote to canonical names.
    """

    def __init__(self, stored: bool = True):
        super().__init__(fields.formats.Existence(), IDAnalyzer(), stored=stored)

    def index(self, value, **kwargs):
        values = [value] if isinstance(value, str) else value
        for v in dict.fromkeys(values):
            if v:
                yield v.encode("utf-8"), 1, 1.0, b""

    def self_parsing(self) -> bool:
        return True

    def parse_query(self, fieldname, qstring, boost=1.0):
        return query.Term(fieldname, qstring, boost=boost)

    def parse_range(self, fieldname, start, end, startexcl, endexcl, boost=1.0):
        return query.TermRange(fieldname, start, end, startexcl, endexcl, boost=boost)


SEP = "\x1f"  # joins the parts of alias and role terms
FACET_NAMES = ("person", "system", "source", "org", "place", "year", "month", "collection")


def build_schema() -> fields.Schema:
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=AnalyzedText(analyzer=news_analyzer(), stored=True),
        body=AnalyzedText(analyzer=news_analyzer(), stored=True),
        date=fields.DATETIME(stored=True, sortable=True),
        year=FacetField(),
        month=FacetField(),
        source=FacetField(),
        person=FacetField(),
        system=FacetField(),
        org=FacetField(),
        place=FacetField(),
        collection=FacetField(),  # the folder an article came from, or --collection
        # Not stored, counted from the term list: what `search entities` reports.
        alias=FacetField(stored=False),  # "canonical\x1fsurface form seen"
        role=FacetField(stored=False),  # "person\x1frole seen"
        unknown_system=FacetField(stored=False),  # designators not in the knowledge base
        url=fields.STORED(),
        authors=fields.STORED(),
        roles=fields.STORED(),
        origin=fields.STORED(),
        extra=fields.STORED(),
    )


def _date_facets(date: dt.date | None) -> dict[str, Any]:
    if date is None:
        return {"year": UNDATED, "month": UNDATED}
    return {"date": dt.datetime(date.year, date.month, date.day),
            "year": f"{date.year:04d}", "month": f"{date.year:04d}-{date.month:02d}"}


def to_document(article: Article, entities: Entities) -> dict[str, Any]:
    """The keyword arguments of ``writer.add_document`` for one article (picklable)."""
    title, body = tokenizer_matches(article.title), tokenizer_matches(article.body)
    doc = {
        "id": article.id,
        "title": analyse(title), "_stored_title": article.title,
        "body": analyse(body), "_stored_body": article.body,
        # Unstemmed vocabulary, for "did you mean": counted into the impact file, not indexed.
        "words": sorted(surface_words(title + body)),
        "source": article.source,
        "person": list(entities.persons), "system": list(entities.systems),
        "org": list(entities.orgs), "place": list(entities.places),
        "alias": [f"{name}{SEP}{surface}" for name, forms in entities.aliases.items()
                  for surface in forms],
        "role": [f"{name}{SEP}{role}" for name, roles in entities.roles.items() for role in roles],
        "unknown_system": list(entities.unknown_systems),
        "story": story_codes(article.title, article.body),  # (to the impact file: parallel.py)
        "card": card_of(article),
        "collection": article.collection,
        "url": article.url, "authors": list(article.authors),
        "roles": {k: list(v) for k, v in entities.roles.items()},
        "origin": article.origin, "extra": dict(article.extra),
    }
    doc.update(_date_facets(article.date))
    return doc


CARD_FIELDS = ("id", "title", "date", "source", "url")


def card_of(article: Article) -> bytes:
    """The article's id, title, date (ISO), source and url, as JSON: what a list of a
    story's other copies shows of each, read without unpickling its whole stored text.
    (Cards and story keys are written to the impact files, not as fields: impacts.py.)"""
    date = article.date
    date = f"{date.year:04d}-{date.month:02d}-{date.day:02d}" if date is not None else None
    return json.dumps([article.id, article.title, date, article.source, article.url],
                      ensure_ascii=False).encode("utf-8")


def read_card(raw: bytes) -> dict[str, Any]:
    return dict(zip(CARD_FIELDS, json.loads(raw)))


def stored_list(value: Any) -> tuple[str, ...]:
    if not value:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)

