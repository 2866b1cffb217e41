"""Turning what the user typed into a Whoosh query: a pure function, run apart from search.

Syntax: words (all must match, stemmed), ``OR``, ``AND``, ``NOT``, ``+must``, ``-mustnot``,
``"phrases"``, ``prefix*``, ``field:value`` (title, body, person, system, source, org,
place, year, month, date), ``date:[2023-01 TO 2023-03]`` and ``date:2023-04``.

Problems (an unclosed quote, an unknown field, a bad date) are found with their position.
Strict parsing raises :class:`InvalidQueryError`; lenient parsing (the default on the
web and the CLI) repairs the text, and reports what it did as warnings.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from whoosh import query
from whoosh.qparser import MultifieldParser, PlusMinusPlugin

from ..ingest.dates import parse_date_param
from ..errors import InvalidParameterError, InvalidQueryError
from ..models import QueryEntity
from .fields import build_schema
from ..analysis import compound_parts, query_stop_words, query_terms
from ..settings import RANKING, Ranking
from . import query_entities

from .parsed_query import TEXT_FIELDS, AllFirst, FieldedTerm, ParsedQuery  # noqa: F401 (their home is lower)
RESOLVED_FIELDS = ("person", "system", "source", "org", "place")
QUERY_FIELDS = TEXT_FIELDS + RESOLVED_FIELDS + ("year", "month", "date")
OPERATORS = ("AND", "OR", "NOT", "ANDNOT", "ANDMAYBE")

#: Maps (facet name, user text) to the canonical values it may mean.
Resolver = Callable[[str, str], list[str]]
#: Finds the entities a query text names, with their facet clauses' boosts (query_entities.py).
EntityFinder = Callable[[str], "tuple[tuple[QueryEntity, ...], dict[str, float]]"]

_FIELD_RE = re.compile(r"(?<![\w\"])([A-Za-z_]+):")
_DATE_CLAUSE_RE = re.compile(r"\bdate:(\[[^\]]*\]?|\S+)")
_SCHEMA = build_schema()


@dataclass(frozen=True)
class Problem:
    message: str
    position: int


def _date_bound(value: str, position: int, end: bool) -> str:
    """A date bound the user wrote, checked and rewritten as Whoosh's compact form."""
    value = value.strip()
    if not value:
        return ""
    try:
        date = parse_date_param(value, "date", end=end)
    except InvalidParameterError:
        raise InvalidQueryError(f"{value!r} is not a date; use YYYY, YYYY-MM or YYYY-MM-DD "
                                "(years 0001 to 9999)",
                                position=position) from None
    digits = re.sub(r"\D", "", value)
    compact = f"{date.year:04d}{date.month:02d}{date.day:02d}"  # (strftime drops year 1's zeros)
    return {4: compact[:4], 6: compact[:6]}.get(len(digits), compact)


def _rewrite_dates(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        value, at = match.group(1), match.start(1)
        if not value.startswith("["):
            return "date:" + _date_bound(value, at, end=False)
        if not value.endswith("]"):
            raise InvalidQueryError("date range is not closed: add ']'", position=at)
        inner = value[1:-1]
        parts = re.split(r"\s+TO\s+", inner, flags=re.I)
        if len(parts) != 2:
            raise InvalidQueryError("write a date range as date:[START TO END]", position=at)
        start = _date_bound(parts[0], at + 1, end=False)
        finish = _date_bound(parts[1], at + 1 + len(parts[0]), end=True)
        return f"date:[{start} TO {finish}]"
    return _DATE_CLAUSE_RE.sub(replace, text)


def find_problems(text: str) -> list[Problem]:
    """Syntax problems in the query text, each with its 0-based position."""
    problems = []
    quotes = [m.start() for m in re.finditer('"', text)]
    if len(quotes) % 2:
        problems.append(Problem('unclosed quote: add the closing "', quotes[-1]))
    outside = _outside_quotes(text)
    depth_stack = []
    for i, ch in enumerate(text):
        if not outside[i]:
            continue
        if ch == "(":
            depth_stack.append(i)
        elif ch == ")":
            if depth_stack:
                depth_stack.pop()
            else:
                problems.append(Problem("')' without a matching '('", i))
    problems += [Problem("'(' is never closed: add ')'", i) for i in depth_stack]
    for match in _FIELD_RE.finditer(text):
        if not outside[match.start()]:
            continue
        name = match.group(1)
        if name not in QUERY_FIELDS and _is_punctuation_colon(text, match):
            continue  # "nutrition: requirements" is a sentence, not a field
        if name not in QUERY_FIELDS:
            problems.append(Problem(
                f"unknown field {name!r}; fields are {', '.join(QUERY_FIELDS)}", match.start()))
        elif match.end() >= len(text) or text[match.end()].isspace():
            problems.append(Problem(f"{name}: needs a value, e.g. {name}:value", match.start()))
    words = [(m.group(), m.start()) for m in re.finditer(r"\S+", text) if outside[m.start()]]
    for (word, _), (after, position) in zip(words, words[1:]):
        # "a AND NOT b" is fine; two operators otherwise crash Whoosh's parser.
        if word in OPERATORS and after in OPERATORS and (after != "NOT" or word == "NOT"):
            problems.append(Problem(f"{after} needs something before it", position))
    if words and words[-1][0] in OPERATORS:
        problems.append(Problem(f"{words[-1][0]} needs something after it", words[-1][1]))
    if words and words[0][0] in OPERATORS and words[0][0] != "NOT":
        problems.append(Problem(f"{words[0][0]} needs something before it", words[0][1]))
    try:
        _rewrite_dates(text)
    except InvalidQueryError as exc:
        problems.append(Problem(str(exc), exc.position or 0))
    return sorted(problems, key=lambda p: p.position)


def _is_punctuation_colon(text: str, match: re.Match[str]) -> bool:
    """A colon after a word that is no field name, followed by a space or the end: the
    punctuation of a sentence ("Examples: troff, scribe")."""
    return match.end() >= len(text) or text[match.end()].isspace()


def _colons_as_punctuation(text: str) -> str:
    return _FIELD_RE.sub(lambda m: m.group(0) if m.group(1) in QUERY_FIELDS or not
                         _is_punctuation_colon(text, m) else m.group(1) + " ", text)


def _outside_quotes(text: str) -> list[bool]:
    flags, inside = [], False
    for ch in text:
        if ch == '"':
            inside = not inside
            flags.append(True)
        else:
            flags.append(not inside)
    return flags


def _repair(text: str, problem: Problem) -> str:
    """Remove the cause of one problem (lenient parsing)."""
    i = problem.position
    if problem.message.startswith("unclosed quote") or "'('" in problem.message \
            or problem.message.startswith("')'"):
        return text[:i] + " " + text[i + 1:]
    if problem.message.startswith("unknown field") or "needs a value" in problem.message:
        return text[:i] + re.sub(r"^[A-Za-z_]+:", "", text[i:], count=1)
    if problem.message.endswith(("after it", "before it")):
        word = text[i:].split(None, 1)[0]
        return text[:i] + text[i + len(word):]
    if "date" in problem.message:
        match = _DATE_CLAUSE_RE.search(text, max(0, text.rfind("date:", 0, i + 1)))
        if match:
            return text[:match.start()] + text[match.end():]
    return text[:i] + text[i + 1:]


@lru_cache(maxsize=32)
def _parser(ranking: Ranking) -> MultifieldParser:
    parser = MultifieldParser(list(TEXT_FIELDS), _SCHEMA, fieldboosts={"title": ranking.title_boost})
    # Signs count only at the start of a word: "S-300" is a designator, not "S NOT 300".
    parser.add_plugin(PlusMinusPlugin(plusexpr=r"(?:^|(?<=[\s(]))\+(?=\S)",
                                      minusexpr=r"(?:^|(?<=[\s(]))-(?=\S)"))
    return parser


_OPERATOR_RE = re.compile(r"\b(?:AND|OR|NOT|ANDNOT|ANDMAYBE)\b")
_NEGATION_RE = re.compile(r"\b(?:NOT|ANDNOT)\b|(?:^|(?<=[\s(]))-(?=\S)")
_SIGN_RE = re.compile(r"(?:^|(?<=[\s(]))[+-](?=\S)")  # +must, -mustnot
_FIELD_VALUE_RE = re.compile(r"\w:(?=\S)")
_WILDCARD_RE = re.compile(r"\w\*")
_QUOTED_RE = re.compile(r'"([^"]*)"')
_PLAIN_WORD_RE = re.compile(r"\w+(?:[-/.'\u2019]\w+)*")


def _unquoted(text: str) -> str:
    return _QUOTED_RE.sub(" ", text)


def _long(text: str, ranking: Ranking) -> bool:
    return len(text.split()) >= ranking.long_query_words


def _in_capitals(text: str) -> bool:
    """Typed all in capitals (NPL's queries, a caps-lock user): its AND / OR / NOT are words."""
    return any(ch.isalpha() for ch in text) and not any(ch.islower() for ch in text)


def _deliberate_syntax(text: str, ranking: Ranking) -> bool:
    """Syntax written on purpose: a field with a value, a wildcard, or AND / OR / NOT (except
    in a long query typed in capitals). Quotes, a colon followed by a space, parentheses,
    question marks and dashes are the punctuation of a sentence."""
    outside = _unquoted(text)
    if _FIELD_VALUE_RE.search(outside) or _WILDCARD_RE.search(outside):
        return True
    return bool(_OPERATOR_RE.search(outside)) and not (_long(text, ranking) and _in_capitals(text))


def is_natural_language(text: str, ranking: Ranking = RANKING) -> bool:
    """A long query without fields, wildcards or operators: a sentence, ranked by how many
    of its words match rather than all-or-nothing. A quoted phrase in it is a boost, not a
    requirement, and a sentence typed in capitals is still a sentence."""
    return _long(text, ranking) and not _deliberate_syntax(text, ranking)


def _relaxable(text: str, ranking: Ranking) -> bool:
    """A short keyword query (``relax_min_words`` words or more, no syntax, no quotes):
    all its words first, then the best partial matches."""
    return (0 < ranking.relax_min_words <= len(text.split()) and '"' not in text
            and not _SIGN_RE.search(text) and not _deliberate_syntax(text, ranking))


def _leaf(field: str, token: str, ranking: Ranking, count: int = 1) -> query.Term:
    boost = ranking.title_boost if field == "title" else 1.0
    if count > 1 and ranking.query_tf_k3 > 0:
        k3 = ranking.query_tf_k3
        boost *= count if k3 >= 1000 else (k3 + 1) * count / (k3 + count)
    return query.Term(field, token, boost=boost)


def _word(token: str, ranking: Ranking, count: int = 1) -> query.Query:
    """A word in every text field, scored as one BM25F term (the title's frequency weighted
    by ``bm25f_title``), its repeats weighing as in :func:`_leaf`; its leaves are the
    per-field sum's, for Whoosh and the cluster."""
    leaves = [_leaf(field, token, ranking, count) for field in TEXT_FIELDS]
    return FieldedTerm(leaves, weights={"title": ranking.bm25f_title},
                       factor=_leaf(TEXT_FIELDS[1], token, ranking, count).boost)


def _content_words(text: str, ranking: Ranking) -> list[str]:
    words = [w for w in _PLAIN_WORD_RE.findall(text) if not _OPERATOR_RE.fullmatch(w)
             or _in_capitals(text)]
    if ranking.drop_query_stop_words:
        words = [w for w in words if w.lower() not in query_stop_words()] or words
    return words


def _natural(text: str, ranking: Ranking) -> query.Query:
    """A coordinated OR of each word's terms in each text field: what Whoosh's
    MultifieldParser with ``OrGroup.factory(or_coordination)`` makes of the words, built
    directly (a sentence has no syntax to parse, and the parser took 0.8 ms of it; tests
    hold the two equal), except that a word repeated counts as often as it is repeated
    (query-term frequency: long queries repeat their topic). Quotes are punctuation here:
    a quoted phrase as an optional boost measured the same on every collection (CACM's
    quotes hold mostly stop words), so it is not built."""
    counts: dict[tuple[str, str], int] = {}
    for word in _content_words(text, ranking):
        # (title and body share one analyzer; a sentence reads a compound as its parts, as
        # before: any word may match there, and the joined term cost Cranfield 0.004 MAP)
        tokens = list(compound_parts(word)) or query_terms(word)
        for field in TEXT_FIELDS:
            for token in tokens:
                counts[field, token] = counts.get((field, token), 0) + 1
    if ranking.bm25f_title:
        terms = [_word(token, ranking, n) for (field, token), n in counts.items()
                 if field == TEXT_FIELDS[0]]
    else:
        terms = [_leaf(field, token, ranking, n) for (field, token), n in counts.items()]
    if len(terms) < 2:
        return terms[0] if terms else query.NullQuery
    return query.Or(terms, scale=ranking.or_coordination)


def _relaxed(text: str, ranking: Ranking, entities: "tuple[QueryEntity, ...]" = (),
             boosts: dict[str, float] | None = None) -> query.Query | None:
    """:class:`AllFirst` over the words (each word: its terms in title or body; a name the
    query_entities finder found: its words or its facet); None when fewer than two words
    carry terms."""
    clauses: dict[tuple[str, ...], query.Query] = {}
    words: list[str] = []
    for match in _PLAIN_WORD_RE.finditer(text):
        word = match.group()
        tokens = tuple(query_terms(word))
        if tokens and tokens not in clauses:
            words.append(word)
            leaves = ([_word(token, ranking) for token in tokens] if ranking.bm25f_title else
                      [_leaf(field, token, ranking) for token in tokens for field in TEXT_FIELDS])
            clauses[tokens] = query.Or(leaves) if len(leaves) > 1 else leaves[0]
            clauses[tokens] = query_entities.with_facet_clause(
                clauses[tokens], match.start(), entities, boosts or {})
    if len(clauses) < 2:
        return None
    return AllFirst(list(clauses.values()), scale=ranking.or_coordination, words=tuple(words))


def _sentence_fallback(text: str, parsed: query.Query, ranking: Ranking) -> ParsedQuery | None:
    """The sentence reading of a long boolean query or of a short all-words one, for when
    that finds nothing. None when the query excludes something or names a field (its words
    alone would not mean what the user asked), when a short query says AND / OR itself
    (``stinger AND patriot`` finding nothing is the answer), or when it is the same query."""
    outside = _unquoted(text)
    if _NEGATION_RE.search(outside) or _FIELD_VALUE_RE.search(outside) or (
            _OPERATOR_RE.search(outside) and not _long(text, ranking)):
        return None
    sentence = _natural(text, ranking)
    if sentence is query.NullQuery or sentence == parsed or len(list(sentence.leaves())) < 2:
        return None
    return ParsedQuery(sentence, text, (), natural=True)


def _resolve_facets(q: query.Query, resolve: Resolver) -> query.Query:
    """Facet terms replaced by the canonical values they may mean. Rebuilt node by node with
    ``copy``: Whoosh's ``accept``/``apply`` rebuild an OR from its subqueries and boost
    alone, and lose its coordination ``scale`` (and the class of an :class:`AllFirst`)."""
    def visit(node: query.Query) -> query.Query:
        if isinstance(node, query.Term) and node.fieldname in RESOLVED_FIELDS:
            values = resolve(node.fieldname, str(node.text))
            if not values:
                return node  # matches nothing unless the exact value exists
            terms = [query.Term(node.fieldname, v, boost=node.boost) for v in values]
            return terms[0] if len(terms) == 1 else query.Or(terms)
        if isinstance(node, query.CompoundQuery):
            out = copy.copy(node)
            out.subqueries = [visit(sub) for sub in node.subqueries]
            return out
        if isinstance(node, query.BinaryQuery):
            out = copy.copy(node)
            out.a, out.b = visit(node.a), visit(node.b)
            out.subqueries = (out.a, out.b)
            return out
        if isinstance(node, query.Not):
            out = copy.copy(node)
            out.query = visit(node.query)
            return out
        return node
    return visit(q)


def parse_query(text: str, resolve: Resolver | None = None, *, strict: bool = False,
                ranking: Ranking = RANKING, entities: EntityFinder | None = None) -> ParsedQuery:
    """The Whoosh query for ``text``; see the module docstring for the syntax."""
    original = text
    warnings: list[str] = []
    for _ in range(20):  # each repair removes at least one character
        problems = find_problems(text)
        if not problems:
            break
        first = problems[0]
        if strict:
            raise InvalidQueryError(f"Cannot parse the query: {first.message} "
                                    f"(at character {first.position + 1}).",
                                    query=original, position=first.position)
        warnings.append(f"{first.message} (at character {first.position + 1}); ignored it")
        text = _repair(text, first)
    text = _colons_as_punctuation(text).strip()
    if not text:
        return ParsedQuery(None, "", tuple(warnings))
    found, boosts = entities(text) if entities is not None else ((), {})
    fallback = None
    try:
        natural = is_natural_language(text, ranking)
        boosts = boosts if natural else query_entities.keyword_boosts(boosts, ranking.k1)
        relaxed = (None if natural or not _relaxable(text, ranking)
                   else _relaxed(text, ranking, found, boosts))
        if natural:
            parsed = query_entities.or_facets(_natural(text, ranking), found, boosts,
                                              ranking.or_coordination)
        elif relaxed is not None:
            parsed = relaxed
        else:
            parsed = _parser(ranking).parse(_rewrite_dates(query_entities.with_facets(text, found)))
            parsed = query_entities.apply_boosts(parsed, found, boosts)
            fallback = _sentence_fallback(text, parsed, ranking)
    except Exception as exc:  # Whoosh raises bare Exceptions for some inputs
        if strict:
            raise InvalidQueryError(f"Cannot parse the query: {exc}", query=original) from None
        natural, found = False, ()
        warnings.append(f"could not parse the query ({exc}); searched for its words instead")
        words = " ".join(w for w in re.findall(r"\w+", text) if w not in OPERATORS)
        parsed = _parser(ranking).parse(words) if words else query.NullQuery
    if parsed is query.NullQuery:
        warnings.append("the query has only stop words or symbols, so it matches nothing")
    if resolve is not None:
        parsed = _resolve_facets(parsed, resolve)
    return ParsedQuery(parsed, text, tuple(warnings), natural, fallback, tuple(found))


def date_bounds(since: dt.date | None,
                until: dt.date | None) -> tuple[dt.datetime | None, dt.datetime | None] | None:
    """The first and last instants of ``since``..``until`` (None: no date limit)."""
    if since is None and until is None:
        return None
    if since and until and since > until:
        raise InvalidParameterError(
            f"--since {since} is after --until {until}: swap them or widen the range.")
    return (dt.datetime.combine(since, dt.time.min) if since else None,
            dt.datetime.combine(until, dt.time.max) if until else None)


def date_range(since: dt.date | None, until: dt.date | None) -> query.Query | None:
    bounds = date_bounds(since, until)
    return None if bounds is None else query.DateRange("date", *bounds)
