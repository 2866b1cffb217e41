"""One canonical spelling per person: the normalisation rule and the people table.

Two articles that spell a name differently must produce the same facet value, so a
full name is reduced to a *name key* by a fixed rule:

1. drop honorifics in front (``Mr``, ``Dr``, ``Gen.``), middle initials (``J.``) and
   generational suffixes (``Jr``, ``Sr``, ``II``, ``III``);
2. fold accents and case;
3. fold each token through the transliteration table in ``spelling.tsv`` (``oleksiy`` ->
   ``oleksii``, ``sergey`` -> ``sergei``, ``dmitri`` -> ``dmitry``, ``evgeny`` ->
   ``yevgeny``) -- the same table the search analyser uses, so query and facet agree;
4. fold adjectival surname endings ``-yy``/``-iy``/``-yi``/``-ii`` to ``-y``
   (``Zelenskyy``, ``Zelenskiy`` -> ``zelensky``) for surnames of six letters or more.

A name whose key matches a person (or alias) in ``people.json`` takes that canonical name;
any other name is displayed as its folded tokens, capitalised (``Oleksiy Hrytsenko`` and
``Oleksii Hrytsenko`` both become ``Oleksii Hrytsenko``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import repeat

from ..analysis import fold_accents
from .kb import CHAR_FOLD, depends, entries, key, name_spelling

HONORIFICS = frozenset({"mr", "mrs", "ms", "dr", "prof", "sir", "dame", "gen", "lt", "col", "maj", "capt",
                        "sgt", "adm", "gov", "sen", "rep", "amb", "president", "general", "minister"})
SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "v"})
PARTICLES = frozenset({"de", "da", "do", "dos", "das", "del", "della", "der", "den", "di", "du", "la", "le",
                       "van", "von", "ter", "ten", "bin", "ibn", "al", "el", "ben", "zu", "y", "e"})
_ADJECTIVAL_ENDINGS = ("yy", "iy", "yi", "ii")  # tested with endswith first, as it is cheaper
_ENDING_RE = re.compile(r"(?<=\w{4})(?:%s)$" % "|".join(_ADJECTIVAL_ENDINGS))
_CLEAN_CHARS = ".,;:'\u2019\"()[]"  # stripped from both ends of a name's tokens


def _clean_token(token: str) -> str:
    return token.strip(_CLEAN_CHARS)


def name_tokens(name: str) -> list[str]:
    """The meaningful tokens of a full name, surface spelling kept."""
    # (_clean_token of each part, the empty ones dropped, in C; parts split at runs of white
    # space and commas: ``str.split`` on the commas made spaces, cheaper than a regex split)
    tokens = list(filter(None, map(str.strip, name.replace(",", " ").split(), repeat(_CLEAN_CHARS))))
    while len(tokens) > 1 and key(tokens[0]) in HONORIFICS:
        tokens.pop(0)
    while len(tokens) > 1 and key(tokens[-1]) in SUFFIXES:
        tokens.pop()
    if len(tokens) > 2:  # middle initials: "Lloyd J. Austin", "George H. W. Bush" keeps first+last
        kept = [tokens[0]] + [t for t in tokens[1:-1] if len(t.rstrip(".")) > 1] + [tokens[-1]]
        tokens = kept
    return tokens


@lru_cache(maxsize=16384)
def _fold_token(token: str, surname: bool) -> str:
    """(Cached: the same name words recur in names never seen before.)"""
    spelling = name_spelling()
    folded = []
    for part in key(token).split("-"):
        part = spelling.get(part, part)
        if surname and len(part) >= 6 and part.endswith(_ADJECTIVAL_ENDINGS):
            part = _ENDING_RE.sub("y", part)
        folded.append(part)
    return "-".join(folded)


@lru_cache(maxsize=8192)
def name_key(name: str) -> str:
    """The comparison key of a person's name (see the module docstring); cached, as people
    code asks for the key of the same few names many times per article."""
    tokens = name_tokens(name)
    if not tokens:
        return ""
    last = tokens.pop()  # the surname: its adjectival ending is folded too
    return " ".join([*map(_fold_token, tokens, repeat(False)), _fold_token(last, True)])


def _display(token: str, folded: str) -> str:
    if key(token) == folded:  # unchanged by the fold: keep its own capitals, accents folded
        surface = fold_accents(token)
        if not surface.isascii():  # one quote and dash style, as in the key: O’Carroll = O'Carroll
            surface = surface.translate(CHAR_FOLD)
        if surface.islower() or (surface.isupper() and len(surface) > 3):
            return "-".join(p.capitalize() for p in surface.split("-"))
        return surface
    return "-".join(p.capitalize() for p in folded.split("-"))


@depends
@lru_cache(maxsize=None)
def people_index() -> dict[str, str]:
    """``name_key`` of every people.json name and alias -> canonical name (first entry wins)."""
    index: dict[str, str] = {}
    for entry in entries("person"):
        for form in entry.surface_forms:
            index.setdefault(name_key(form), entry.name)
    return index


@depends
@lru_cache(maxsize=None)
def people_by_surname() -> dict[str, tuple[str, ...]]:
    """Folded surname -> people.json canonical names with that surname."""
    index: dict[str, list[str]] = {}
    for entry in entries("person"):
        for form in entry.surface_forms:
            tokens = name_key(form).split()
            if tokens:
                names = index.setdefault(tokens[-1], [])
                if entry.name not in names:
                    names.append(entry.name)
    return {k: tuple(v) for k, v in index.items()}


_LETTER_FOLD = str.maketrans({"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "ß": "ss", "ı": "i"})
# Spellings of one sound across transliterations (Polish, German, English): applied in order.
_SOUNDS = (("szcz", "shch"), ("sch", "sh"), ("cz", "ch"), ("sz", "sh"), ("rz", "zh"), ("zh", "z"), ("kh", "h"),
           ("ch", "c"), ("tch", "c"), ("ts", "c"), ("tz", "c"), ("ck", "k"), ("ph", "f"), ("x", "ks"),
           ("w", "v"), ("j", "y"))
_NOT_SKELETON_RE = re.compile(r"[aeiouyh\W\d_]+")
_DOUBLE_RE = re.compile(r"(.)\1+")


@lru_cache(maxsize=65536)
def skeleton(word: str) -> str:
    """The consonants of a name as it sounds, whatever the transliteration: ``Zelensky``,
    ``Zelanski``, ``Zelenskyj`` -> ``zlnsk``; ``Medvedchuk``, ``Medwedczuk`` -> ``mdvdck``;
    ``Prigozhin``, ``Prigożyna`` -> ``prgzn`` (vowels, and so vowel case endings, dropped)."""
    w = word.translate(_LETTER_FOLD).lower().replace("dż", "zh").replace("dz", "zh")
    w = key(w)
    for written, sound in _SOUNDS:
        if written in w:
            w = w.replace(written, sound)
    return _DOUBLE_RE.sub(r"\1", _NOT_SKELETON_RE.sub("", w))


@lru_cache(maxsize=16384)
def name_skeleton(name: str) -> str:
    """:func:`skeleton` of each token of a full name (``Wołodymyr Zelanski`` -> ``vldmr zlnsk``)."""
    return " ".join(skeleton(t) for t in name_tokens(name) if len(t.rstrip(".")) > 1)


@depends
@lru_cache(maxsize=None)
def people_by_skeleton() -> dict[str, str]:
    """:func:`name_skeleton` of people.json full names -> canonical name, when only one person
    has it (two people sharing a skeleton are both left out: no guess)."""
    index: dict[str, set[str]] = {}
    for entry in entries("person"):
        for form in entry.surface_forms:
            sk = name_skeleton(form)
            if len(sk.split()) >= 2 and all(len(p) >= 2 for p in sk.split()):
                index.setdefault(sk, set()).add(entry.name)
    return {k: next(iter(v)) for k, v in index.items() if len(v) == 1}


@depends
@lru_cache(maxsize=None)
def _known_surname_forms() -> tuple[frozenset[str], frozenset[str]]:
    """The last token of the ``name_key`` and the last part of the :func:`people_by_skeleton`
    key of every people.json name: a name whose last word has neither is no known person."""
    return frozenset(people_by_surname()), frozenset(k.rsplit(" ", 1)[-1] for k in people_by_skeleton())


@depends
@lru_cache(maxsize=65536)
def surname_may_be_known(word: str) -> bool:
    """False only when a full name ending in ``word`` (not a suffix such as ``Jr``) is no
    people.json person in any spelling: neither its ``name_key`` (whose last token is
    ``word``'s fold) is in :func:`people_index`, nor its :func:`name_skeleton` (whose last part
    is ``word``'s skeleton) in :func:`people_by_skeleton`. One cached test of the word spares
    the people rules the keys of the whole names, which nearly every capitalised run misses."""
    token = _clean_token(word)
    if not token or key(token) in SUFFIXES or len(token.rstrip(".")) <= 1:
        return True  # the name's last token is another word, or has no skeleton part: not sure
    surnames, skeletons = _known_surname_forms()
    return bool(surnames.intersection(_fold_token(token, True).split()[-1:])) or skeleton(token) in skeletons


@depends
@lru_cache(maxsize=65536)
def canonical_person(name: str) -> str:
    """The one spelling of a person's full name that every article maps to: a known person
    under any spelling or transliteration of first name and surname (``Wołodymyr Zelanski``),
    else the name's folded tokens."""
    if not isinstance(name, str):
        return ""
    nk = name_key(name)
    if not nk:
        return name.strip()
    known = people_index().get(nk)
    if known:
        return known
    if " " in nk:
        known = people_by_skeleton().get(name_skeleton(name))
        if known:
            return known
    tokens = name_tokens(name)
    return " ".join(_display(t, f) for t, f in zip(tokens, nk.split(" ")))


def surname_shown(word: str) -> str | None:
    """How :func:`canonical_person` writes ``word`` as the last token of a name that no
    people.json entry has (its folded spelling, capitalised); None when that is not sure:
    nothing is left of the word once cleaned, or it is a suffix (``Jr``: then another word
    ends the name), or its fold holds a space."""
    token = _clean_token(word)
    if not token or key(token) in SUFFIXES:
        return None
    folded = _fold_token(token, True)
    return None if " " in folded else _display(token, folded)


def surname_key(name: str) -> str:
    tokens = name_key(name).split()
    return tokens[-1] if tokens else ""
