"""The index's fields, declared once: their names, their types and the analyser of each.

The query parser reads them to know how each field's query text becomes terms (the same
analyser as the article's text); the embedded index is created with them
(``backends/embedded/schema.py`` turns an article into a document of these fields). They
sit below both so that parsing a query does not import a backend.
"""

from __future__ import annotations

from functools import lru_cache

from whoosh import fields, query
from whoosh.analysis import IDAnalyzer

from ..analysis import news_analyzer


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
