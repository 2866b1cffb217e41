"""Knowledge-base entities in what the user typed: ``patriot``, ``MIM-104``, ``M142``,
``Lloyd Austin``, ``shoigu``, ``Nato``.

Filters already understand every alias; the search box did not: ``MIM-104`` found nothing
although four articles are tagged with the Patriot system, and ``patriot`` ranked a
review of the play "Patriots" and a "patriotic youth movement" first, because Snowball
stems "patriotic" to "patriot". Here the plain words of a query are matched (longest
run first, any case, any alias) against the entities the index holds, and each one
found is searched as *its words or its facet value*:

    MIM-104  ->  (MIM-104 OR system:"Patriot")

The facet clause scores like one mention of a term as rare as the entity (its idf: see
:func:`entity_boost`), so articles the extractor tagged with the
entity rank above articles that only share a stem with its name, and an alias the
articles never spell out (``MIM-104``) still finds them. The words stay: an article
that names the entity in a way the extractor missed is still found, just lower.

Recognition uses only what the index holds: a name whose facet value no article has is
left as words. A bare surname that the knowledge base does not know (``griner``) is taken
for a person only when the person's articles are a good share of the articles using the
word, so ``plant`` does not become a Mr Plant.
"""

from __future__ import annotations

import copy
import re
import weakref
from dataclasses import dataclass
from typing import Sequence

import numpy as np
from whoosh import query as wq

from ..analysis import fold_accents, stop_words
from .facet_values import FacetTable, value_key
from ..entities import may_end_a_known_name, resolve as resolve_entity
from ..entities.names import surname_shown
from ..models import QueryEntity
from ..settings import RANKING, Ranking

KINDS = ("system", "person", "org", "place")
MAX_WORDS = 4  # the longest name tried: "Sergei Shoigu", "European Union", "Nord Stream 2"
#: A bare surname found only in the index's people (not in the knowledge base) must
#: cover this share of the articles using the word: "griner" yes, "plant" no.
SURNAME_SHARE = 0.3
#: The facet clause weighs this many times one mention of a term as rare as the entity:
#: a tagged article that also says the name outranks one that only shares its stem.
ENTITY_WEIGHT = 1.0
_OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"})
# A plain word: not after a field name, sign, quote or wildcard, not before ':' or '*'.
_WORD_RE = re.compile(r"(?<![\w:\"*+\-^])\w+(?:[-\u2010\u2011/.]\w+)*(?![\w:*^\"])")


@dataclass(frozen=True)
class _Word:
    text: str
    start: int
    end: int


class _Index:
    """What recognition needs from one index generation, built once per facet table."""

    def __init__(self, facets: FacetTable):
        self.facets = facets
        self.surnames: dict[str, list[str]] = {}
        for key, values in facets.by_key["person"].items():
            self.surnames.setdefault(key.rsplit(" ", 1)[-1], []).extend(values)
        # What a span names and how many articles an entity has: the same words come back
        # in query after query (resolving one span as every kind took ~20 us).
        # (Tuples: a cold search looks up ~100 spans, and lists, two per span, were as many
        # objects more for the garbage collector to walk; the empty tuple is shared.)
        self._named: dict[tuple[str, str], tuple[tuple[str, ...], tuple[str, ...], int]] = {}
        self._counts: dict[tuple[str, tuple[str, ...]], int] = {}
        # The last word of each indexed value's key, by kind: a run of words names a value
        # only if it ends in one of them (``kinds_ending_in``).
        self._last_words = {kind: frozenset(k.rsplit(" ", 1)[-1] for k in facets.by_key.get(kind, ()))
                            for kind in KINDS}
        self._ending: dict[str, tuple[str, ...]] = {}

    def kinds_ending_in(self, word: str) -> tuple[str, ...]:
        """The kinds (in ``KINDS`` order) of which a run of words ending in ``word`` may name
        an indexed value (``_lookup`` finds nothing of the others): one cached test per word,
        where ``_lookup`` was asked for each kind of each run of up to four words (some
        90 look-ups for a query of eight words, most of the cost of reading it)."""
        found = self._ending.get(word)
        if found is None:
            if len(self._ending) >= _CACHE_SIZE:
                self._ending.clear()
            typed = _last_key_word(word)
            found = self._ending[word] = tuple(k for k in KINDS if self._may_end(k, word, typed))
        return found

    def _may_end(self, kind: str, word: str, typed: str | None) -> bool:
        """False only when no text ending in ``word`` gives ``_lookup(kind, text)`` a value:
        not as typed (``typed``, its key's last word), not as the knowledge base resolves
        it, and for people not as ``canonical_person`` spells an unknown name."""
        if may_end_a_known_name(kind, word):
            return True
        ends = self._last_words[kind]
        if typed is None or typed in ends:
            return True
        if kind != "person":
            return False
        shown = surname_shown(word)
        spelt = _last_key_word(shown) if shown is not None else None
        return spelt is None or spelt in ends

    def named(self, kind: str, text: str) -> tuple[tuple[str, ...], tuple[str, ...], int]:
        """The indexed values of ``kind`` that ``text`` names, else the indexed people it
        may be the surname of (with their articles), for ``_values``."""
        key = (kind, text)
        found = self._named.get(key)
        if found is None:
            if len(self._named) >= _CACHE_SIZE:
                self._named.clear()
            found = self._named[key] = self._lookup(kind, text)
        return found

    def _lookup(self, kind: str, text: str) -> tuple[tuple[str, ...], tuple[str, ...], int]:
        facets = self.facets
        values: list[str] = []
        for candidate in [text, *resolve_entity(kind, text)]:
            values += facets.lookup(kind, candidate)
        if values or kind != "person" or " " in text.strip():
            return tuple(dict.fromkeys(values)), (), 0
        people = self.surnames.get(value_key(text), [])
        return (), tuple(people), sum(len(facets.docs_of("person", p)) for p in people)

    def count(self, kind: str, values: tuple[str, ...]) -> int:
        """The articles tagged with any of ``values``."""
        key = (kind, values)
        found = self._counts.get(key)
        if found is None:
            if len(self._counts) >= _CACHE_SIZE:
                self._counts.clear()
            docs = [d for d in (self.facets.docs_of(kind, v) for v in values) if d is not None]
            # (one value's documents are distinct already, as in any posting list: counting
            # them needs no sort, which a common entity's tens of thousands made slow cold)
            found = self._counts[key] = (len(docs[0]) if len(docs) == 1 else
                                         len(np.unique(np.concatenate(docs))) if docs else 0)
        return found


_CACHE_SIZE = 50_000


def _last_key_word(text: str) -> str | None:
    """The last word of ``value_key(text)``; None when the key is empty (not sure)."""
    words = value_key(text).split()
    return words[-1] if words else None


_INDEXES: "weakref.WeakKeyDictionary[FacetTable, _Index]" = weakref.WeakKeyDictionary()


def _index(facets: FacetTable) -> _Index:
    found = _INDEXES.get(facets)
    if found is None:
        found = _INDEXES[facets] = _Index(facets)
    return found


def _plain_words(text: str) -> list[list[_Word]]:
    """Runs of plain words (outside quotes, not field values, not operators, separated
    only by spaces): the places a name may be."""
    inside = [False] * (len(text) + 1)
    quoted = False
    for i, ch in enumerate(text):
        if ch == '"':
            quoted = not quoted
        inside[i] = quoted
    runs: list[list[_Word]] = []
    last_end = -1
    for match in _WORD_RE.finditer(text):
        word = match.group()
        if inside[match.start()] or word in _OPERATORS:
            last_end = -1
            continue
        joined = last_end >= 0 and text[last_end:match.start()].isspace()
        if not joined:
            runs.append([])
        runs[-1].append(_Word(word, match.start(), match.end()))
        last_end = match.end()
    return runs


def _candidate(words: Sequence[_Word]) -> bool:
    """Worth looking up: not a lone stop word, and a word of one or two letters only in
    capitals (``EU``, ``UK``, not ``us``)."""
    if len(words) > 1:
        return True
    word = words[0].text
    key = fold_accents(word).lower()
    if key in stop_words() or key.isdigit():
        return False
    return len(key) > 2 or word.isupper()


def _values(index: _Index, kind: str, text: str, word_docs) -> tuple[str, ...]:
    """Indexed values of ``kind`` that ``text`` names."""
    found, people, tagged = index.named(kind, text)
    if found or not people:
        return found
    return people if tagged >= SURNAME_SHARE * max(1, word_docs(text)) else ()


def find_entities(text: str, facets: FacetTable, word_docs=lambda word: 0) -> tuple[QueryEntity, ...]:
    """The entities named in the plain words of ``text``, longest names first, each span
    once. ``word_docs(word)`` is the number of articles using a word (for the surname
    rule)."""
    if not text or not text.strip():
        return ()
    index = _index(facets)
    found: list[QueryEntity] = []
    for run in _plain_words(text):
        i = 0
        while i < len(run):
            for size in range(min(MAX_WORDS, len(run) - i), 0, -1):
                words = run[i:i + size]
                if not _candidate(words):
                    continue
                span = text[words[0].start:words[-1].end]
                entities = []
                for kind in index.kinds_ending_in(words[-1].text):
                    values = _values(index, kind, span, word_docs)
                    if values:
                        entities.append(QueryEntity(span, words[0].start, words[-1].end, kind,
                                                    tuple(values), index.count(kind, tuple(values))))
                if entities:
                    found += _preferred(entities)
                    i += size
                    break
            else:
                i += 1
    return tuple(found)


def _preferred(entities: list[QueryEntity]) -> list[QueryEntity]:
    """One name, several kinds (``Georgia`` the place and a person's surname): keep every
    kind the knowledge base spells exactly, else the one with the most articles."""
    exact = [e for e in entities if any(value_key(v) == value_key(e.text) for v in e.values)]
    return exact or [max(entities, key=lambda e: e.count)]


def entity_boost(entity: QueryEntity, doc_count: int, k1: float,
                 ranking: Ranking = RANKING) -> float:
    """The score of an article tagged with the entity: what BM25 gives a term as rare as
    the entity occurring once in a field of average length (the ranking's idf, the one its
    words are scored with, as ``tf (k1 + 1) / (tf + k1)`` is 1 there), times
    ``ENTITY_WEIGHT``."""
    idf = ranking.term_idf(max(doc_count, 1), min(entity.count, max(doc_count, 1)))
    return round(ENTITY_WEIGHT * max(idf, 0.0), 4)


def keyword_boosts(boosts: dict[str, float], k1: float) -> dict[str, float]:
    """The boosts for a keyword query (not a sentence): there the name is the subject, and
    a tagged article scores what the name could score at most (BM25's limit ``k1 + 1``
    times its idf), so it ranks above articles that only share a stem with the name."""
    return {key: round(boost * (k1 + 1), 4) for key, boost in boosts.items()}


def with_facets(text: str, entities: Sequence[QueryEntity]) -> str:
    """The query text with each entity's words OR'ed with its facet values:
    ``MIM-104 range`` -> ``(MIM-104 OR system:"Patriot") range``."""
    out, cursor = [], 0
    for entity in sorted(entities, key=lambda e: e.start):
        if entity.start < cursor:
            continue  # (two kinds for one span: the first rewrite covers both)
        same = [e for e in entities if (e.start, e.end) == (entity.start, entity.end)]
        clauses = " OR ".join(f'{e.kind}:"{v}"' for e in same for v in e.values if '"' not in v)
        words = text[entity.start:entity.end]
        out += [text[cursor:entity.start], f"(({words}) OR {clauses})" if clauses else words]
        cursor = entity.end
    out.append(text[cursor:])
    return "".join(out)



def finder(facets: FacetTable, word_docs, k1: float, ranking: Ranking = RANKING):
    """The ``entities`` argument of ``parse_query`` for one index generation: the entities
    a text names, and the boost of each facet clause (``kind:value``)."""
    def find(text: str) -> tuple[tuple[QueryEntity, ...], dict[str, float]]:
        found = find_entities(text, facets, word_docs)
        boosts = {f"{e.kind}:{v}": entity_boost(e, facets.doc_count_all, k1, ranking)
                  for e in found for v in e.values}
        return found, boosts
    return find


def _boosted(node: wq.Query, wanted: set[tuple[str, str]], boosts: dict[str, float]) -> wq.Query:
    """``node`` with the facet terms in ``wanted`` boosted, rebuilt with ``copy`` (Whoosh's
    ``accept`` loses an OR's coordination scale and its class)."""
    if isinstance(node, wq.Term) and (node.fieldname, node.text) in wanted:
        return wq.Term(node.fieldname, node.text, boost=boosts.get(f"{node.fieldname}:{node.text}", 1.0))
    if isinstance(node, wq.CompoundQuery):
        out = copy.copy(node)
        out.subqueries = [_boosted(sub, wanted, boosts) for sub in node.subqueries]
        return out
    if isinstance(node, wq.BinaryQuery):
        out = copy.copy(node)
        out.a, out.b = _boosted(node.a, wanted, boosts), _boosted(node.b, wanted, boosts)
        out.subqueries = (out.a, out.b)
        return out
    if isinstance(node, wq.Not):
        out = copy.copy(node)
        out.query = _boosted(node.query, wanted, boosts)
        return out
    return node


def apply_boosts(q: wq.Query, entities: Sequence[QueryEntity], boosts: dict[str, float]) -> wq.Query:
    """Give the facet clauses of ``q`` that stand for ``entities`` their boosts: the parser
    drops a boost written after a quoted value."""
    if not entities:
        return q
    return _boosted(q, {(e.kind, v) for e in entities for v in e.values}, boosts)


def _facets_of(entities: Sequence[QueryEntity], boosts: dict[str, float]) -> list[wq.Query]:
    return list(dict.fromkeys(wq.Term(e.kind, v, boost=boosts.get(f"{e.kind}:{v}", 1.0))
                              for e in entities for v in e.values))


def with_facet_clause(clause: wq.Query, start: int, entities: Sequence[QueryEntity],
                      boosts: dict[str, float]) -> wq.Query:
    """One word's clause of a relaxed query, OR'ed with the facet of the entity whose name
    the word (at ``start`` in the text) is part of."""
    mine = [e for e in entities if e.start <= start < e.end]
    if not mine:
        return clause
    return wq.Or([clause] + _facets_of(mine, boosts))


def or_facets(q: wq.Query, entities: Sequence[QueryEntity], boosts: dict[str, float],
              scale: float) -> wq.Query:
    """A natural-language query (a coordinated OR of its words' terms, perhaps OR'ed with
    phrases) with the entities' facet clauses among its terms."""
    extra = _facets_of(entities, boosts)
    if not extra or q is wq.NullQuery:
        return q
    if type(q) is wq.Or and q.scale:
        out = copy.copy(q)
        out.subqueries = list(q.subqueries) + extra
        return out
    if type(q) is wq.Or and q.subqueries and type(q.subqueries[0]) is wq.Or and q.subqueries[0].scale:
        out = copy.copy(q)
        out.subqueries = [or_facets(q.subqueries[0], entities, boosts, scale)] + list(q.subqueries[1:])
        return out
    return wq.Or([q] + extra, scale=scale)
