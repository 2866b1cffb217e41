"""Places: which gazetteer hits are really the place.

Unambiguous names (``Kyiv``, ``Germany``) are accepted wherever the matcher finds them
with the right case (so ``US`` but never ``us``). An ambiguous one (``Georgia``,
``Jordan``, ``Washington``, ``Nice``, ``Maryinka``) needs context: a dateline, a
location preposition before it (``in Jordan``), a following ``, <place>``, or its
country (or another place in its country) named elsewhere in the article; and it is
never a place right after a capitalised word that could be a first name (``Michael
Jordan``) or a title (``Gen. Washington``), or right before a capitalised word
(``Washington Post``, ``Jordan Peterson``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from . import kb
from .matcher import Match, in_caps_context
from .text import DATELINE_AFTER_RE, Doc

PREPOSITIONS = frozenset("""
in to from near of at into across outside inside around via toward towards between visit visited visiting
visits through throughout over within left reached entered capital city town village region province
""".split())
TITLES = frozenset({"gen", "general", "mr", "mrs", "ms", "dr", "president", "george", "st", "saint", "lake",
                    "mount", "fort", "port", "cape"})


_LONGER_NAME_RE = re.compile(r"\s+of\s+(?:the\s+)?[A-Z]")
_MEDIA_NOUN_RE = re.compile(r"\s+(?:magazine|newspaper|daily|weekly|monthly|journal|review)\b")


def part_of_longer_name(text: str, match: Match, category: str) -> bool:
    """Is a one-word place hit only the head of a longer name that is not that place?
    ``Gulf of Tonkin`` is not the Persian Gulf, ``Atlantic magazine`` not the ocean.
    (Reads the text after the hit, not the words: it runs for every such hit.)"""
    if match.tail_end != match.end:
        return False  # "Britain's"
    if _LONGER_NAME_RE.match(text, match.end):
        return True
    return category == "area" and _MEDIA_NOUN_RE.match(text, match.end) is not None


_SCORE_AFTER_RE = re.compile(r"[ \t]+\d{1,3}(?:[ \t]|$)", re.M)
_SCORE_BEFORE_RE = re.compile(r"\d{1,3}[ \t]+$")


_EVENT_AFTER_RE = re.compile(r"\s+(?:Open|OPEN|League|LEAGUE|Cup|CUP|Grand Prix|GRAND PRIX|Masters|MASTERS|"
                             r"Championships?|CHAMPIONSHIPS?|Games|GAMES|Classic|CLASSIC|Series|SERIES|"
                             r"Football|FOOTBALL|Express|Airlines|Airways)\b")


def names_an_event(text: str, match: Match) -> bool:
    """A place or nationality word naming a tournament, league or firm, not a place of the
    story: ``U.S. Open``, ``American League``, ``French Grand Prix``, ``American Express``."""
    return match.tail_end == match.end and _EVENT_AFTER_RE.match(text, match.end) is not None


def team_in_results(text: str, match: Match) -> bool:
    """A place's name as a team in a line of results or standings ("DETROIT 4 Kansas City 1",
    "MINNESOTA 67 67 .500 13"): a score right after it, and the line starts with it or a
    score comes right before it."""
    if not _SCORE_AFTER_RE.match(text, match.tail_end):
        return False
    line_start = text.rfind("\n", 0, match.start) + 1
    before = text[line_start:match.start]
    return not before.strip() or _SCORE_BEFORE_RE.search(before) is not None


def accept_ambiguous(doc: Doc, match: Match, name: str, countries_seen: set[str]) -> bool:
    before_i = doc.token_before(match.start)
    after_i = doc.token_at(match.tail_end)
    before = doc.lower(before_i).rstrip(".")
    prev = doc.words[before_i] if before_i >= 0 else ""
    if before in TITLES:
        return False
    if prev[:1].isupper() and prev.isalpha() and not doc.sentence_start[before_i] and \
            not kb.lookup("place", prev) and not prev.isupper() and not ("\n" in doc.text[doc.ends[before_i]:match.start] and
                                      DATELINE_AFTER_RE.match(doc.text, match.tail_end)):
        return False  # (a name on the line before is a byline: "Jim Adams\nWASHINGTON 1996-08-31")
    nxt = doc.words[after_i] if after_i < len(doc.words) else ""
    if nxt[:1].isupper() and nxt.isalpha() and not doc.sentence_start[after_i] and not kb.lookup("place", nxt) \
            and match.tail_end == match.end:
        return False
    if in_caps_context(doc.text, match.start, match.end) and not doc.text[
            doc.text.rfind("\n", 0, match.start) + 1:match.start].strip():
        return True  # dateline
    if before in PREPOSITIONS:
        return True
    if before == "," and before_i > 0 and doc.words[before_i - 1][:1].isupper():
        return True  # "Richmond, Va.", "Kingston, Jamaica"
    if nxt == "," and after_i + 1 < len(doc.words) and kb.lookup("place", doc.words[after_i + 1]):
        return True
    country = kb.country_of_place().get(name, "")
    return bool(country and country != name and country in countries_seen)


_DATELINE_RE = re.compile(
    r"^(?P<place>[A-Z][A-Z'.-]+(?:[ \t][A-Z][A-Z'.-]+){0,3})(?:,[ \t]+[A-Z][A-Za-z.]+(?:[ \t][A-Z][A-Za-z.]+)?)?"
    r"(?:[ \t]+\d{4}-\d\d-\d\d|[ \t]+\((?:Reuters|AP|AFP)\)|,[ \t]+[A-Z][a-z]{2,8}\.?[ \t]+\d{1,2}[ \t]+-)", re.M)
_DATELINE_WINDOW = 400  # the title ends within this: the dateline opens the body (after a byline at most)


def dateline_place(text: str) -> tuple[int, int, str] | None:
    """The place of the story's dateline, whether the gazetteer knows it or not: a line that
    opens with a name in capitals and a date or the agency ("AKRON 1996-08-30", "JYVASKYLA,
    Finland, Aug 30 -", "DEARBORN, MICH., March 16 -"): (start, end, name as a place is written)."""
    start = text.find("\n\n", 0, _DATELINE_WINDOW) + 2 if text.find("\n\n", 0, _DATELINE_WINDOW) >= 0 else 0
    second = text.find("\n", start)  # the body's first line, or its second after a byline
    end = text.find("\n", second + 1) if second >= 0 else len(text)
    m = _DATELINE_RE.search(text, start, end if end >= 0 else len(text))
    if m is None:
        return None
    s, e = m.span("place")
    byline = text[start:s].strip()
    if byline and (len(byline) > 60 or byline[-1:] in ".!?:"):
        return None  # a sentence before it: not the story's dateline
    return s, e, " ".join(_place_word(w, k) for k, w in enumerate(m.group("place").split()))


@lru_cache(maxsize=4096)
def _place_word(word: str, position: int) -> str:
    """One word of a shouted place name as places are written: "KING OF PRUSSIA" -> King of
    Prussia, "MCLEAN" -> McLean, "WINSTON-SALEM" -> Winston-Salem."""
    low = word.lower()
    if position and low in ("of", "on", "upon", "de", "la", "le", "du", "der", "am", "an"):
        return low
    out = "-".join(p[:1].upper() + p[1:] for p in low.split("-"))
    if len(out) > 3 and out[1] == "'":
        out = out[:2] + out[2].upper() + out[3:]  # "D'ALENE" -> D'Alene, "O'HARE" -> O'Hare
    if out.startswith("Mc") and len(out) > 3:
        out = "Mc" + out[2].upper() + out[3:]
    return out


# Nouns that end the name of a venue ("Ellis Park", "Trent Bridge", "Yankee Stadium"); the
# second set only in sports news ("National Tennis Centre", "Firestone Golf Course"), where
# they rarely end the name of a firm.
VENUE_HEADS = frozenset({"stadium", "arena", "park", "bridge", "oval", "velodrome", "speedway", "raceway",
                         "racecourse", "stadion", "estadio"})
SPORTS_VENUE_HEADS = frozenset({"ground", "course", "centre", "center", "circuit", "garden", "club", "links",
                                "hall", "dome"})
_VENUE_DROP = frozenset({"the", "at", "in", "a", "an"})


def find_venues(doc: Doc, runs: list[tuple[int, int]], sports: bool) -> list[tuple[int, int, str]]:
    """Venues the gazetteer lacks, named by their form: two or more capitalised words ending in
    a venue noun (``Ellis Park``, ``Brown Deer Park Golf Course``): (start, end, name). They are
    places, and no person ("Trent Bridge" starts with a given name). In sports news, also the
    name heading a results line ("At Tunbridge Wells: Nottinghamshire 214 and 167-6")."""
    out = []
    lowers = doc.lowers
    for first, last in runs:
        head = lowers[last]
        if head not in VENUE_HEADS and not (sports and head in SPORTS_VENUE_HEADS):
            continue
        while first < last and lowers[first] in _VENUE_DROP:
            first += 1
        if first == last or not doc.words[first][:1].isupper():
            continue
        s, e = doc.starts[first], doc.ends[last]
        out.append((s, e, " ".join(doc.text[s:e].split())))
    if sports:  # a results line headed by its ground: "At Headingley: Yorkshire 305-5", "At Hove: ..."
        out += [(m.start(1), m.end(1), m.group(1)) for m in _AT_VENUE_RE.finditer(doc.text)
                if not any(s <= m.start(1) < e for s, e, _ in out)]
    return out


# In sports results, a line opening with "At" and a name and a colon names the ground or town.
_AT_VENUE_RE = re.compile(r"^At ([A-Z][\w'-]+(?: (?:[A-Z][\w'-]+|of|on|upon|le))*):[ \t]", re.M)
