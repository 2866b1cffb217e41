"""Given names from a shipped gazetteer: the 1990 US Census first-name lists.

The ``names`` package (MIT licence) ships the Census Bureau's ``dist.male.first`` and
``dist.female.first`` (public domain, 5,163 names). A capitalised run that starts with one
of them (``Duffy Waldorf``, ``Nolan Henke``) is a person without any other cue.

Names that are also common English words or place names are left out (``Will``, ``May``,
``Grace``, ``Major``, ``Paris``, ``Jordan``): they start too many runs that are not people
("Major League", "Grace Church"). The people rules also ignore a given name that the
article itself writes in lower case.

Given names of other countries (Niall, Cosmin, Aamir, Joost) come from Faker's per-locale
first-name lists (MIT licence, notice kept in ``search/data/given_names.json``, made by
``scripts/given_names_from_faker.py``). Made for generating fake people, they hold more
words that are also something else (Hansa, Aston, Lada), so :func:`world_given_names` is
kept apart and the people rules ask more of a run that starts with one of them.
"""

from __future__ import annotations

import os
from functools import lru_cache

from . import kb

# Census first names that are everyday English words (or titles): no evidence of a person.
COMMON_WORDS = frozenset("""
will may june april august mark bill rose grace hope joy faith summer autumn major king royal don guy rich long
young page love star sun hunter carter mason miles dean lane wade chase christian price sharp early golden
dawn sky river storm ocean forest pearl ruby crystal jewel honey sugar candy precious happy merry noble
nation justice liberty freedom unique general marshal sterling earnest ernest art sonny buck rod cliff
gay sandy rusty dusty misty lucky angel cherry olive ivy holly heather daisy iris jade amber ginger
clay dale glen heath moss stone wood reed lincoln ford harley mercedes porsche chevy dodge jeep red
white black brown green gray grey
""".split())


COMMON_SURNAME_RANK = 1000  # the Census's most frequent surnames: Brown, Johnson, Jones, Miller...


def _census_files() -> list[str]:
    try:
        import names  # the ``names`` package: data files beside its module
    except ImportError:  # pragma: no cover - a pinned dependency
        return []
    folder = os.path.dirname(names.__file__)
    return [os.path.join(folder, f) for f in ("dist.male.first", "dist.female.first")]


@kb.depends
@lru_cache(maxsize=None)
def census_given_names() -> frozenset[str]:
    """Lower-case given names, without common words and knowledge-base aliases."""
    out: set[str] = set()
    for path in _census_files():
        try:
            with open(path, encoding="ascii") as f:
                out.update(line.split()[0].lower() for line in f if line.strip())
        except OSError:  # pragma: no cover
            continue
    aliases = kb.all_alias_keys()
    return frozenset(n for n in out if n not in COMMON_WORDS and n not in aliases and len(n) > 2)


@kb.depends
@lru_cache(maxsize=None)
def world_given_names() -> frozenset[str]:
    """Lower-case given names of many countries that the Census lists lack, without common
    words, stop words, knowledge-base aliases (places, organisations, systems), the first
    words of longer aliases (Rio, Campo, Mato: a run they start is more often a place) and the
    Census's common surnames (Smith, Miller, Cooper: Faker lists them as given names too)."""
    from ..analysis import stop_words
    data = kb._load("given_names.json")
    aliases = kb.all_alias_keys()
    place_openers = {a.split()[0] for a in aliases if " " in a}  # "rio" (Rio Grande), "campo" (Campo Grande)
    drop = COMMON_WORDS | aliases | place_openers | census_given_names() | stop_words() | common_surnames()
    return frozenset(n for n in data["names"] if n not in drop)


@lru_cache(maxsize=None)
def _census_surnames() -> tuple[str, ...]:
    """The Census's surnames (``dist.all.last``, about 89,000), lower case, most frequent first."""
    files = _census_files()
    if not files:  # pragma: no cover
        return ()
    try:
        with open(os.path.join(os.path.dirname(files[0]), "dist.all.last"), encoding="ascii") as f:
            return tuple(f.read().lower().split()[::4])  # name, frequency, cumulative, rank
    except OSError:  # pragma: no cover
        return ()


@lru_cache(maxsize=None)
def common_surnames() -> frozenset[str]:
    """The Census's most frequent surnames: a bare ``Brown`` or ``Johnson`` may be anyone,
    so it is never linked to a known person from another story."""
    return frozenset(_census_surnames()[:COMMON_SURNAME_RANK])


@lru_cache(maxsize=None)
def all_surnames() -> frozenset[str]:
    """Every surname of the Census's list."""
    return frozenset(_census_surnames())


#: A lone capitalised word that nothing else in the story shows to be a person's is taken
#: for a surname only among the Census's this many most frequent: past them the list holds
#: as many brands and words as people (Lego, Mall, Nestle, Chrysler, Heritage). Chosen on
#: CoNLL train and testa, Reuters and the war coverage together: person F1 unchanged (train
#: 0.916 -> 0.915), Reuters people recall unchanged, about half the values it drops junk.
SURNAME_EVIDENCE_RANK = 20_000


@lru_cache(maxsize=None)
def frequent_surnames() -> frozenset[str]:
    """The Census's ``SURNAME_EVIDENCE_RANK`` most frequent surnames."""
    return frozenset(_census_surnames()[:SURNAME_EVIDENCE_RANK])
