"""The shipped knowledge base: systems, places, organisations and well-known people.

Loaded once per process from ``search/data/*.json``. Every lookup goes through
:func:`key`, so aliases match whatever their case, accents or dash style.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..analysis import fold_accents, spelling_variants

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2212"
_QUOTES = "\u2019\u2018\u02bc"
CHAR_FOLD = str.maketrans({**{c: "-" for c in _DASHES}, **{c: "'" for c in _QUOTES}})
_SPACES_RE = re.compile(r"\s+")


@lru_cache(maxsize=8192)
def key(text: str) -> str:
    """The lookup form of a name: accents folded, lower case, one dash and quote style (cached:
    the same words are looked up in article after article)."""
    folded = fold_accents(text)
    if not folded.isascii():  # (CHAR_FOLD maps only non-ASCII dashes and quotes)
        folded = folded.translate(CHAR_FOLD)
    low = folded.lower()
    return low if low.isalnum() else _SPACES_RE.sub(" ", low).strip()


@dataclass(frozen=True)
class Entry:
    """One knowledge-base entity."""

    kind: str  # "system" | "place" | "org" | "person"
    name: str
    aliases: tuple[str, ...]
    ambiguous: frozenset[str] = frozenset()  # aliases (keys) that need context
    category: str = ""  # systems: "tank"...; places: "country"/"city"...; orgs: type
    country: str = ""
    family: str = ""
    roles: tuple[str, ...] = ()

    @property
    def surface_forms(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@lru_cache(maxsize=None)
def _load(name: str) -> dict:
    text = resources.files("search").joinpath("data", name).read_text(encoding="utf-8")
    return json.loads(text)


def _ambiguous(raw: dict) -> frozenset[str]:
    amb = raw.get("ambiguous")
    if amb is True:  # places/orgs: every surface form needs context
        return frozenset(key(s) for s in (raw["name"], *raw.get("aliases", ())))
    return frozenset(key(s) for s in amb or ())


_extra: dict[str, list[dict]] = {}  # a user's entities by kind (see user_kb)
_dependents: list = []  # cache_clear of caches built from the entries, in other modules


def depends(cached):
    """Register an ``lru_cache``d function built from the knowledge base, so that it is
    rebuilt when a user's entities are added or removed; returns it (a decorator)."""
    _dependents.append(cached.cache_clear)
    return cached


def set_extra(extra: dict[str, list[dict]]) -> None:
    """Use these user entries (by kind) beside the shipped ones; ``{}`` for none."""
    global _extra
    _extra = {k: list(v) for k, v in extra.items()}
    for cached in (entries, by_name, alias_index, all_alias_keys, country_of_place):
        cached.cache_clear()
    for clear in _dependents:
        clear()


def _merged(kind: str, shipped: list[dict]) -> list[dict]:
    """Shipped entries with the user's: a known name gains the user's aliases, a new name is
    appended."""
    extra = _extra.get(kind)
    if not extra:
        return shipped
    out = [dict(e) for e in shipped]
    at = {key(e["name"]): i for i, e in enumerate(out)}
    for item in extra:
        i = at.get(key(item["name"]))
        if i is None:
            at[key(item["name"])] = len(out)
            out.append({**item, "aliases": list(item.get("aliases", []))})
        else:
            known = out[i]
            known["aliases"] = list(known.get("aliases", [])) + [
                a for a in item.get("aliases", []) if a not in known.get("aliases", [])]
    return out


@lru_cache(maxsize=None)
def entries(kind: str) -> tuple[Entry, ...]:
    """All entries of one kind, in file order (then the user's)."""
    if kind == "system":
        return tuple(Entry("system", s["name"], tuple(s.get("aliases", ())), _ambiguous(s),
                           s.get("category", ""), s.get("country", ""), s.get("family", s["name"]))
                     for s in _merged("system", _load("systems.json")["systems"]))
    if kind == "place":
        return tuple(Entry("place", p["name"], tuple(p.get("aliases", ())), _ambiguous(p),
                           p.get("type", ""), p.get("country", ""))
                     for p in _merged("place", _load("places.json")["places"]))
    if kind == "org":
        return tuple(Entry("org", o["name"], tuple(o.get("aliases", ())), _ambiguous(o), o.get("type", ""))
                     for o in _merged("org", _load("orgs.json")["orgs"]))
    if kind == "person":
        return tuple(Entry("person", p["name"], tuple(p.get("aliases", ())), roles=tuple(p.get("roles", ())))
                     for p in _merged("person", _load("people.json")["people"]))
    raise ValueError(f"unknown entity kind {kind!r}")


@lru_cache(maxsize=None)
def by_name(kind: str) -> dict[str, Entry]:
    """Canonical name -> entry."""
    return {e.name: e for e in entries(kind)}


@lru_cache(maxsize=None)
def alias_index(kind: str) -> dict[str, tuple[str, ...]]:
    """``key(alias)`` -> canonical names (usually one) for systems, places and orgs."""
    index: dict[str, list[str]] = {}
    for e in entries(kind):
        for form in e.surface_forms:
            names = index.setdefault(key(form), [])
            if e.name not in names:
                names.append(e.name)
    return {k: tuple(v) for k, v in index.items()}


def lookup(kind: str, text: str) -> tuple[str, ...]:
    """Canonical names an alias may mean (case- and accent-insensitive); () if none."""
    return alias_index(kind).get(key(text), ())


@lru_cache(maxsize=None)
def all_alias_keys() -> frozenset[str]:
    """Every alias key of systems, places and orgs (people excluded)."""
    out: set[str] = set()
    for kind in ("system", "place", "org"):
        out.update(alias_index(kind))
    return frozenset(out)


@lru_cache(maxsize=None)
def name_spelling() -> dict[str, str]:
    """Transliteration folds for name tokens (``oleksiy`` -> ``oleksii``), from spelling.tsv."""
    return dict(spelling_variants())


@lru_cache(maxsize=None)
def country_of_place() -> dict[str, str]:
    """Place canonical name -> the canonical country it lies in."""
    return {e.name: e.country for e in entries("place")}
