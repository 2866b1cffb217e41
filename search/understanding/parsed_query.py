"""What a parsed query is, apart from how it is parsed (``query.py``): the types the
backends read (the embedded scorer, feedback, the cluster's translation), kept below the
engine so that no backend imports the parser's module for them."""

from __future__ import annotations

from dataclasses import dataclass

from whoosh import query

from ..models import QueryEntity

TEXT_FIELDS = ("title", "body")


@dataclass(frozen=True)
class ParsedQuery:
    query: query.Query | None  # None: no text query (match everything)
    text: str  # the text actually parsed (after repairs)
    warnings: tuple[str, ...]
    natural: bool = False  # read as natural language (any word may match)
    #: The same words read as a sentence, for when this (boolean or all-words) reading
    #: matches nothing: the engine then says so and shows these results instead.
    fallback: "ParsedQuery | None" = None
    entities: tuple[QueryEntity, ...] = ()  # named in the text, searched as words or facet

    def explain(self) -> str:
        return str(self.query) if self.query is not None else "<every article>"


class AllFirst(query.Or):
    """Any of the words may match, but articles matching all of them rank first (graceful
    relaxation of a short keyword query). Each subquery is one word; scored as a coordinated
    OR, with every article that matches all words placed above every one that does not
    (``scorer.py``). Whoosh itself treats it as the OR it is. ``words`` are the words as
    typed, one per subquery, so that a partial match can say which of them it lacks."""

    def __init__(self, subqueries, boost: float = 1.0, minmatch: int = 0, scale=None,
                 words: tuple[str, ...] = ()):
        super().__init__(subqueries, boost=boost, minmatch=minmatch, scale=scale)
        self.words = tuple(words)



class FieldedTerm(query.Or):
    """One word in each text field (a leaf per field), scored by ``scorer.py`` as BM25F: its
    frequencies in the fields, each normalised by its own field's length and multiplied by
    the field's ``weights``, are added and then saturated once, times ``factor`` (how much
    the word's repeats in the query weigh), so a word in the title and the body counts once,
    more strongly, rather than as two words. Whoosh (an index without impact lists) and the
    cluster score it as the OR of its leaves, whose boosts are those of the per-field sum."""

    def __init__(self, subqueries, boost: float = 1.0, weights: dict[str, float] | None = None,
                 factor: float = 1.0):
        super().__init__(subqueries, boost=boost)
        self.weights = dict(weights or {})
        self.factor = factor
