"""Turning what the user typed into a Whoosh query: a pure function, run apart from search.

Syntax: words (all must match, stemmed), ``OR``, ``AND``, ``NOT``, ``+must``, ``-mustnot``,
``"phrases"``, ``prefix*``, ``field:value`` (title, body, person, system, source, org,
place, year, month, date), ``date:[2023-01 TO 2023-03]`` and ``date:2023-04``.

Problems (an unclosed quote, an unknown field, a bad date) are found with their position.
Strict parsing raises :class:`InvalidQueryError`; lenient parsing (the default on the
web and the CLI) repairs the text, and reports what it did as warnings.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from whoosh import query
from whoosh.qparser import MultifieldParser, PlusMinusPlugin

from .ingest.dates import parse_date_param
from .errors import InvalidParameterError, InvalidQueryError
from .backends.embedded.schema import build_schema
from .analysis import query_stop_words, query_terms
from .settings import RANKING, Ranking

TEXT_FIELDS = ("title", "body")
RESOLVED_FIELDS = ("person", "system", "source", "org", "place")
QUERY_FIELDS = TEXT_FIELDS + RESOLVED_FIELDS + ("year", "month", "date")
OPERATORS = ("AND", "OR", "NOT", "ANDNOT", "ANDMAYBE")

#: Maps (facet name, user text) to the canonical values it may mean.
Resolver = Callable[[str, str], list[str]]

_FIELD_RE = re.compile(r"(?<![\w\"])([A-Za-z_]+):")
_DATE_CLAUSE_RE = re.compile(r"\bdate:(\[[^\]]*\]?|\S+)")
_SCHEMA = build_schema()


@dataclass(frozen=True)
class Problem:
    message: str
    position: int


@dataclass(frozen=True)
class ParsedQuery:
    query: query.Query | None  # None: no text query (match everything)
    text: str  # the text actually parsed (after repairs)
    warnings: tuple[str, ...]
    natural: bool = False  # read as natural language (any word may match)

    def explain(self) -> str:
        return str(self.query) if self.query is not None else "<every article>"


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


_SYNTAX_RE = re.compile(r'["*]|\w:|\b(?:AND|OR|NOT|ANDNOT|ANDMAYBE)\b')
_PLAIN_WORD_RE = re.compile(r"\w+(?:[-/.'\u2019]\w+)*")


def is_natural_language(text: str, ranking: Ranking = RANKING) -> bool:
    """A long query without quotes, fields, wildcards or operators: a sentence, ranked by how
    many of its words match rather than all-or-nothing. Its parentheses, question marks and
    dashes are punctuation, not syntax."""
    return not _SYNTAX_RE.search(text) and len(text.split()) >= ranking.long_query_words


def _natural(text: str, ranking: Ranking) -> query.Query:
    """A coordinated OR of each word's terms in each text field: what Whoosh's
    MultifieldParser with ``OrGroup.factory(or_coordination)`` makes of the words, built
    directly (a sentence has no syntax to parse, and the parser took 0.8 ms of it; tests
    hold the two equal)."""
    words = _PLAIN_WORD_RE.findall(text)
    if ranking.drop_query_stop_words:
        words = [w for w in words if w.lower() not in query_stop_words()] or words
    terms = []
    for word in words:
        tokens = query_terms(word)  # (title and body share one analyzer)
        for field in TEXT_FIELDS:
            boost = ranking.title_boost if field == "title" else 1.0
            terms += [query.Term(field, token, boost=boost) for token in tokens]
    terms = list(dict.fromkeys(terms))  # (the parser drops repeats)
    if len(terms) < 2:
        return terms[0] if terms else query.NullQuery
    return query.Or(terms, scale=ranking.or_coordination)


def _resolve_facets(q: query.Query, resolve: Resolver) -> query.Query:
    def visit(node: query.Query) -> query.Query:
        if isinstance(node, query.Term) and node.fieldname in RESOLVED_FIELDS:
            values = resolve(node.fieldname, str(node.text))
            if not values:
                return node  # matches nothing unless the exact value exists
            terms = [query.Term(node.fieldname, v, boost=node.boost) for v in values]
            return terms[0] if len(terms) == 1 else query.Or(terms)
        return node
    return q.accept(visit)


def parse_query(text: str, resolve: Resolver | None = None, *, strict: bool = False,
                ranking: Ranking = RANKING) -> ParsedQuery:
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
    text = text.strip()
    if not text:
        return ParsedQuery(None, "", tuple(warnings))
    try:
        natural = is_natural_language(text, ranking)
        if natural:
            parsed = _natural(text, ranking)
        else:
            parsed = _parser(ranking).parse(_rewrite_dates(text))
    except Exception as exc:  # Whoosh raises bare Exceptions for some inputs
        if strict:
            raise InvalidQueryError(f"Cannot parse the query: {exc}", query=original) from None
        natural = False
        warnings.append(f"could not parse the query ({exc}); searched for its words instead")
        words = " ".join(w for w in re.findall(r"\w+", text) if w not in OPERATORS)
        parsed = _parser(ranking).parse(words) if words else query.NullQuery
    if parsed is query.NullQuery:
        warnings.append("the query has only stop words or symbols, so it matches nothing")
    if resolve is not None:
        parsed = _resolve_facets(parsed, resolve)
    return ParsedQuery(parsed, text, tuple(warnings), natural)


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
