"""Which outlet published an article: from a column, a URL, a file name, or the credits
the text itself carries. Never guessed: no evidence means ``unknown``.

The table of outlets is ``search/data/sources.json``.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from urllib.parse import urlsplit

from ..analysis import fold_accents


@dataclass(frozen=True)
class Outlet:
    name: str
    aliases: tuple[str, ...]
    domains: tuple[str, ...]
    files: tuple[str, ...]
    credits: tuple[str, ...]
    bylines: tuple[str, ...]


@lru_cache(maxsize=None)
def outlets() -> tuple[Outlet, ...]:
    raw = json.loads(resources.files("search").joinpath("data", "sources.json").read_text("utf-8"))
    return tuple(Outlet(o["name"], *(tuple(o[k]) for k in
                                      ("aliases", "domains", "files", "credits", "bylines")))
                 for o in raw["outlets"])


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", fold_accents(name).lower()).strip()


@lru_cache(maxsize=None)
def _by_name() -> dict[str, str]:
    table = {}
    for outlet in outlets():
        for name in (outlet.name, *outlet.aliases):
            table[_key(name)] = outlet.name
    return table


def canonical_source(name: str) -> str:
    """``Agence France-Presse`` -> ``AFP``; unknown outlets keep their own spelling."""
    name = re.sub(r"\s+", " ", name).strip()
    return _by_name().get(_key(name), name)


def is_known_outlet(name: str) -> bool:
    """``Reuters``, ``BBC News``: a name or alias of an outlet in the table."""
    return _key(name) in _by_name()


def source_from_url(url: str) -> str | None:
    try:
        host = (urlsplit(url.strip()).hostname or "").lower()
    except ValueError:
        return None
    for outlet in outlets():
        if any(host == d or host.endswith("." + d) for d in outlet.domains):
            return outlet.name
    return None


def source_from_filename(path: str) -> str | None:
    """``Guardians_Russia_Ukraine.csv`` -> ``The Guardian``; ``NYT_...`` -> the NYT."""
    words = re.split(r"[^a-z0-9]+", os.path.basename(path).lower())
    for outlet in outlets():
        if any(w.startswith(key) for key in outlet.files for w in words if w):
            return outlet.name
    return None


@lru_cache(maxsize=None)
def _credit_patterns() -> list[tuple[str, re.Pattern[str], int, str]]:
    """(literal, pattern, weight, outlet): the ways a text credits the outlet it comes from;
    a pattern can only match where its literal occurs (all are case-sensitive)."""
    patterns: list[tuple[str, re.Pattern[str], int, str]] = []
    for outlet in outlets():
        for credit in outlet.credits:
            c = re.escape(credit)
            patterns += [(credit, *p) for p in [
                # A credit line: "KYIV (Reuters) -" opening a paragraph, "(Anadolu)" closing
                # one; not "(AFP)" inside a sentence that quotes it. (The dateline's words are
                # matched possessively: they end where a word does, and a long run of capitals
                # ("AAAA...") split every way among six words took minutes a line.)
                (re.compile(rf"^[^\S\n]*+(?:[A-Z0-9][\w.'\u2019-]*+[ ,/]*+){{0,6}}\(\s*{c}\s*\)|"
                            rf"\(\s*{c}\s*\)[^\S\n]*$", re.M), 3, outlet.name),
                (re.compile(rf"\b{c}['\u2019]s (?:coverage|Live Briefing|correspondent|reporter)"),
                 3, outlet.name),
                (re.compile(rf"\b(?:an? )?{c} (?:saw|correspondent|reporter|journalist|"
                            rf"photographer|team|has learned)\b"), 2, outlet.name),
                # A caption's credit: "... artillery AFP", "Photo: Getty/AFP"; not a sentence
                # ending "according to AFP" or "told AFP".
                (re.compile(rf"(?<!\bto)(?<!\bby)(?<!\btold)(?<!\bsaid)(?<!\bfrom)(?:\s|/){c}\s*$",
                            re.M), 2, outlet.name),
            ]]
        for byline in outlet.bylines:
            patterns.append((byline, re.compile(rf"\bBy {re.escape(byline)}\b"), 3, outlet.name))
    return patterns


_CONTRIBUTORS_RE = re.compile(r"^\s*(?:With|Additional) reporting by.*$", re.I | re.M)


def source_from_text(text: str) -> str | None:
    """The outlet the text credits itself to, or None. ``With reporting by Reuters and AP``
    names contributors, not the outlet, and is ignored."""
    text = _CONTRIBUTORS_RE.sub("", text)
    scores: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    for literal, pattern, weight, name in _credit_patterns():
        if literal not in text:  # a substring test is far cheaper than the pattern
            continue
        for match in pattern.finditer(text):
            scores[name] += weight
            first_seen[name] = min(first_seen.get(name, match.start()), match.start())
    if not scores:
        return None
    return max(scores, key=lambda n: (scores[n], -first_seen[n]))


def source_alias_names() -> dict[str, str]:
    """Every known outlet name and alias (folded) -> canonical name, for query filters."""
    return dict(_by_name())
