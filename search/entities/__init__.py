"""Entity extraction: people, weapon systems, organisations and places as canonical names.

The public API (the index, the CLI and the web app use only these):

* :func:`extract_entities` -- canonical entities of one article, each once, in order of
  first mention; deterministic; never raises.
* :func:`resolve` -- the canonical names a user's filter text may mean (any alias).
* :func:`system_info`, :func:`entity_kinds`, :func:`canonical_person`.

Modules, one job each: ``kb`` (the shipped JSON, loaded once), ``matcher`` (one
Aho-Corasick pass for every alias), ``text`` (words and sentences), ``systems``,
``places``, ``orgs`` (context rules), ``people`` (people without a closed list),
``names`` (one canonical spelling per person), ``extract`` (putting them together).
"""

from __future__ import annotations

from functools import lru_cache

from . import kb
from .extract import extract
from .names import canonical_person as _canonical_person
from .names import name_key, people_by_skeleton, people_by_surname, people_index, surname_may_be_known
from ..ingest.sources import canonical_source
from ..models import Entities

__all__ = ["extract_entities", "resolve", "filter_candidates", "system_info", "entity_kinds",
           "canonical_person", "warm_up"]

_KINDS = ("person", "system", "org", "place")


def entity_kinds() -> tuple[str, ...]:
    return _KINDS


def extract_entities(title: str, body: str) -> Entities:
    """Canonical entities of one article. Never raises: bad input gives empty results."""
    try:
        return extract(title if isinstance(title, str) else "", body if isinstance(body, str) else "")
    except Exception:  # pragma: no cover - a last line of defence at index time
        return Entities()


def canonical_person(name: str) -> str:
    """The normalisation rule applied to one full name (``Lloyd J. Austin III`` -> ``Lloyd Austin``)."""
    return _canonical_person(name) if isinstance(name, str) else ""


def warm_up() -> None:
    """Build the tables :func:`resolve` and :func:`canonical_person` read, each made on
    first use: a server calls this before it forks, so that no worker's first search
    builds them while its user (and the requests queued behind) waits (the people's
    transliteration skeletons alone took 10-30 ms)."""
    people_index()
    people_by_surname()
    people_by_skeleton()
    for kind in _KINDS:
        kb.alias_index(kind)
        kb.by_name(kind)


_PLURAL_TAILS = ("'s", "\u2019s", "es", "s")


def _strip_plural(text: str) -> list[str]:
    forms = [text]
    low = text.lower()
    for tail in _PLURAL_TAILS:
        if low.endswith(tail) and len(text) > len(tail) + 1:
            forms.append(text[: -len(tail)])
    return forms


@kb.depends
@lru_cache(maxsize=65_536)
def may_end_a_known_name(kind: str, word: str) -> bool:
    """False only when no text ending in the word ``word`` is resolved (:func:`resolve`) to a
    knowledge-base entity of ``kind``: for people, ``surname_may_be_known``; otherwise no
    alias's last word is the word, or the word without a plural ending (``Patriots``)
    as ``resolve`` strips it. One cached test of a query's word spares the look-ups of
    every run of words ending in it."""
    if kind == "person":
        return surname_may_be_known(word)
    if kind not in _KINDS:
        return False
    low = word.lower()
    # (``_strip_plural``'s forms of a word alone, without its length test, which is made on
    # the whole text: a superset of the last words of what ``resolve`` looks up)
    forms = [word] + [word[: -len(tail)] for tail in _PLURAL_TAILS if low.endswith(tail)]
    ends = _alias_last_words(kind)
    # (a form left empty: the alias's last word is the text's word before this one)
    return any(not form or kb.key(form).rsplit(" ", 1)[-1] in ends for form in forms)


@kb.depends
@lru_cache(maxsize=None)
def _alias_last_words(kind: str) -> frozenset[str]:
    return frozenset(alias.rsplit(" ", 1)[-1] for alias in kb.alias_index(kind))


def resolve(kind: str, text: str) -> list[str]:
    """The canonical names a filter value may mean, whatever alias, case or accents it uses.

    Unknown text gives ``[canonical_person(text)]`` for people (so it can still be looked
    up in the index) and ``[]`` for the other kinds.
    """
    if not isinstance(text, str) or not text.strip():
        return []
    text = " ".join(text.split())
    if kind == "person":
        nk = name_key(text)
        known = people_index().get(nk)
        if known:
            return [known]
        if len(nk.split()) == 1:
            by_surname = people_by_surname().get(nk, ())
            if by_surname:
                return list(by_surname)
        return [_canonical_person(text)] if nk else []
    if kind not in _KINDS:
        return []
    for form in _strip_plural(text):
        names = kb.lookup(kind, form)
        if names:
            return list(names)
    return []



def filter_candidates(field: str, text: str) -> list[str]:
    """What a filter value typed by a user may stand for, the text as typed first: an
    outlet's canonical name, or the entities an alias names. Both backends look these up in
    their own facet values (``SearchEngine._resolve``, ``OpenSearchEngine.resolve``)."""
    text = text.strip()
    if field == "source":
        return [text, canonical_source(text)]
    if field in ("person", "system", "org", "place"):
        return [text, *resolve(field, text)]
    return [text]


def system_info(name: str) -> dict | None:
    """``{"name", "category", "country", "family", "aliases"}`` of a system (any alias), or None."""
    if not isinstance(name, str):
        return None
    entry = kb.by_name("system").get(name)
    if entry is None:
        names = kb.lookup("system", name)
        entry = kb.by_name("system").get(names[0]) if names else None
    if entry is None:
        return None
    return {"name": entry.name, "category": entry.category, "country": entry.country,
            "family": entry.family, "aliases": list(entry.aliases)}
