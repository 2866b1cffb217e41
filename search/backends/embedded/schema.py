"""The one function that turns an article into a Whoosh document of the index's fields
(declared once in ``search/understanding/fields.py``), and the cards read back from it.

Documents arrive at the writer already analysed (a ``{term: [positions]}`` mapping made in
a worker process), so the single writer process does no text analysis of its own: that is
what lets indexing use both cores.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from ...analysis import analyse, surface_words, tokenizer_matches
from ...dedup import story_codes
from ...models import UNDATED, Article, Entities
# The field types are declared below the backends (the query parser reads them too); an
# index pickles its schema, so their names stay importable here for indexes written when
# they were declared in this module.
from ...understanding.fields import (FACET_NAMES, SEP, AnalyzedText, FacetField,  # noqa: F401
                                     build_schema)


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
        # Unstemmed vocabulary, for "did you mean": counted into the impact file, not indexed
        # (in no order: the segment's counts are sorted once, when its impact file is written).
        "words": list(surface_words(title + body)),
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


def read_card(raw: bytes) -> list:
    """A card's values, in the order of ``CARD_FIELDS``."""
    # (json.loads handed text, not bytes: bytes are sniffed for their encoding each time, a
    # third of reading a card; a card is UTF-8, as json.loads would find)
    return json.loads(raw.decode("utf-8", "surrogatepass"))


def stored_list(value: Any) -> tuple[str, ...]:
    if not value:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)

