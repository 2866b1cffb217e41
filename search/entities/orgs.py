"""Organisations: which gazetteer hits are really the organisation, and organisations the
gazetteer lacks, named by their form (:func:`find_orgs`).

Ambiguous entries (``WHO``, ``ITC``, ``Fed``, ``Wagner``, ``Shell``) are accepted only as
written in the knowledge base (``WHO`` in capitals, in a sentence that is not itself in
capitals), and a capitalised one-word name only when no first name precedes it and no
other capitalised word follows it (``Richard Wagner``, ``Shell Beach``), unless that word
is an organisation word (``Wagner Group``).
"""

from __future__ import annotations

from operator import itemgetter

from . import kb
from .matcher import Match, in_caps_context
from .demonyms import demonym_words
from .text import Doc

ORG_FOLLOWERS = frozenset({"group", "company", "corp", "bank", "board", "council", "chairman", "chief",
                           "president", "fighters", "mercenaries", "forces", "brigade", "regiment"})


def accept_ambiguous(doc: Doc, match: Match, alias: str) -> bool:
    surface = match.surface
    if surface.isupper() and len(surface) <= 5:
        if in_caps_context(doc.text, match.start, match.end):
            return False
        return surface == alias or surface.replace(".", "") == alias.replace(".", "")
    before_i = doc.token_before(match.start)
    after_i = doc.token_at(match.tail_end)
    prev = doc.words[before_i] if before_i >= 0 else ""
    if prev[:1].isupper() and prev.isalpha() and not doc.sentence_start[before_i] and \
            not kb.lookup("place", prev) and not kb.lookup("org", prev) and prev.lower() not in {"the", "us"}:
        return False
    nxt = doc.words[after_i] if after_i < len(doc.words) else ""
    if nxt[:1].isupper() and nxt.isalpha() and nxt.lower() not in ORG_FOLLOWERS and \
            not doc.sentence_start[after_i]:
        return False
    return True


# Nouns that end the name of an organisation ("Kurdistan Democratic Party", "Ford Motor Co",
# "Bank of England" is below). Nouns that also end place names (street, square, house, city,
# county) are left out.
SUFFIX_HEADS = frozenset("""
party ministry bank corp corporation inc ltd plc co company group holdings council union federation
association committee commission agency institute university college club fc airlines airways motors
industries exchange bourse fund foundation organisation organization front movement army navy times post
journal news herald tribune gazette telegraph radio television tv board authority department assembly
parliament senate congress rovers wanderers athletic albion hotspur rangers united ag sa nv spa gmbh bv ab asa
oyj kk bhd tbk securities insurance petroleum telecom systems technologies electronics pharmaceuticals
foods brewery breweries mining steel chemicals partners capital investments trust bancorp bros brothers
cooperative coalition alliance society service services police media ratings studios pictures records
entertainment labs software networks solutions logistics energy newsroom
""".split())
# Nouns that take "of" and a name: "Ministry of Defence", "Bank of Japan", "University of Texas".
OF_HEADS = frozenset("""
ministry bank university council department institute federation union association league party office
chamber academy college church court commission committee board organisation organization agency
""".split())
PREFIX_HEADS = frozenset({"fc", "ac", "sc", "real", "dinamo", "dynamo", "sporting", "olympique", "atletico",
                          "borussia", "lokomotiv", "spartak", "steaua", "partizan"})
# Heads of bodies of a state: a place inside their name ("Russian Defence Ministry", "Parliament of
# Georgia") is still a place of the story; inside a company or club ("Bank of England",
# "Manchester United") it is not.
STATE_HEADS = frozenset({"ministry", "government", "army", "navy", "parliament", "senate", "congress", "assembly",
                         "council", "department", "police", "office", "commission", "committee", "authority"})
_GENERIC = frozenset({"international", "national", "general", "american", "and", "&", "of", "the", ".", ",",
                      "first", "new", "united", "federal", "central", "investors", "sons", "canada"})
_LEADING_DROP = frozenset({"the", "a", "an", "and", "or", "but", "in", "on", "at", "of", "for", "by", "to"})


class PatternOrg(tuple):
    """(start, end, name, state_body, of_start) of an organisation named by its form; of_start
    is where the name after "of" begins (``England`` in ``Bank of England``), else end."""

    start = property(lambda self: self[0])
    end = property(lambda self: self[1])
    name = property(lambda self: self[2])
    state_body = property(lambda self: self[3])
    of_start = property(lambda self: self[4])

    def hides_place(self, start: int, end: int) -> bool:
        """Is a place at [start, end) only part of this name ("Manchester United"), not a
        place of the story (kept in a state body's name and after "of": "Bank of Japan")?"""
        return not self.state_body and self.start <= start and end <= self.of_start


def _strip_possessive(word: str) -> str:
    for tail in ("'s", "\u2019s", "'", "\u2019"):
        if word.endswith(tail) and len(word) > len(tail):
            return word[: -len(tail)]
    return word


class _Heads(dict):
    """Lower-case last word of a run -> the noun it ends in (possessive and full stop off),
    filled on first sight (asked of every run ending in "s", an apostrophe or a full stop)."""

    def __missing__(self, tail: str) -> str:
        if len(self) > 50_000:
            self.clear()
        head = self[tail] = _strip_possessive(tail).rstrip(".")
        return head


_HEADS = _Heads()

_EVENTS = frozenset({"games", "masters", "championships", "olympics", "classics", "awards", "nations", "talks",
                     "elections", "accords", "protests", "floods", "riots", "troubles", "years", "times"})


def _team(doc: Doc, first: int, last: int, places) -> bool:
    """A place and a plural nickname: a team or a firm ("Minnesota Twins", "Chicago Bulls",
    "Texas Instruments"), not a place of the story. Not in a title-case title ("Russia Launches
    Missiles"), where capitals say nothing."""
    if not doc.words[last][:1].isupper() or doc.words[last].isupper() and not doc.words[last - 1].isupper():
        return False
    if doc.lowers[last] in _EVENTS or doc.lowers[first] in demonym_words():
        return False  # "Atlanta Games", "British Masters", "Bosnian Serbs"
    start, end = doc.starts[first], doc.ends[last - 1]
    if not any(ps == start and pe == end for ps, pe in places):
        return False
    title_end = doc.text.find("\n\n")
    return not (0 <= doc.starts[last] < title_end)


def _glued(doc: Doc, first: int, last: int) -> bool:
    """Tokens ``first`` to ``last`` are written with nothing between them (``S&P``)."""
    starts, ends = doc.starts, doc.ends
    return all(ends[i] == starts[i + 1] for i in range(first, last))


def find_orgs(doc: Doc, runs: list[tuple[int, int]], known: list[tuple[int, int]],
              places: list[tuple[int, int]] = ()) -> list[PatternOrg]:
    """Organisations that the knowledge base lacks, named by their form: a capitalised run
    ending in an organisation noun (``Kurdistan Democratic Party``, ``Offshore Data Services
    Inc``, ``Manchester United``), a head with ``of`` and a name (``Ministry of Foreign
    Affairs``), or a club prefix (``FC Porto``). ``known`` are the spans of organisations
    already found in the knowledge base: a run overlapping one is left to it; ``places`` the
    places found: a run that is one (after nationality words) is not an organisation."""
    words, lowers, starts, ends = doc.words, doc.lowers, doc.starts, doc.ends
    demonyms = demonym_words()
    by_first = dict(runs)  # first token -> last (runs are (first, last) pairs)
    out: list[PatternOrg] = []
    by_last = dict(zip(map(itemgetter(1), runs), map(itemgetter(0), runs)))  # last token -> first
    for first, last in runs:
        if first and lowers[first - 1] in PREFIX_HEADS:
            first -= 1  # "FC Porto" (a prefix in capitals does not start a run)
        tail = lowers[last]
        head = _HEADS[tail] if tail[-1:] in "s'\u2019." else tail
        if head not in SUFFIX_HEADS and lowers[first] not in PREFIX_HEADS and not (
                head in OF_HEADS and lowers[last + 1:last + 2] == ["of"]) and not (
                last > first and tail[-1:] == "s" and tail[-2:-1] not in "s'\u2019"):
            continue  # (most runs: tested first, as it is cheap)
        while first < last and lowers[first] in _LEADING_DROP:
            first += 1
        # a name with "and", "&" or a possessive inside ("Procter and Gamble Co", "Moody's Investors Service")
        while first >= 2 and lowers[first - 1] in ("and", "&") and first - 2 in by_last and \
                lowers[first - 2] not in SUFFIX_HEADS or \
                first >= 1 and first - 1 in by_last and words[first - 1].endswith(("'s", "\u2019s")):
            first = by_last[first - 2] if first - 2 in by_last and lowers[first - 1] in ("and", "&") \
                else by_last[first - 1]
        if first >= 3 and words[first - 2] == "&" and _glued(doc, first - 3, first - 1) and \
                words[first - 3][:1].isupper() and words[first - 1][:1].isupper():
            first -= 3  # "S&P Global Ratings", "AT&T Wireless": the initials are the name's start
        end_tok = last
        state = head in STATE_HEADS
        if head in OF_HEADS and lowers[last + 1:last + 2] == ["of"]:
            nxt = last + 2 + (lowers[last + 2:last + 3] == ["the"])
            if nxt in by_first and not words[last].endswith(("'s", "\u2019s")):
                end_tok = by_first[nxt]
        if end_tok == last and head not in SUFFIX_HEADS and not (lowers[first] in PREFIX_HEADS and last > first):
            if not _team(doc, first, last, places):
                continue
        elif end_tok == last and last == first:
            continue
        if all(lw in SUFFIX_HEADS or lw in _GENERIC for lw in lowers[first:end_tok + 1]):
            continue  # "Co Inc", "Holdings Ltd": only the form, no name
        s, e = starts[first], ends[end_tok]
        if any(ks < e and s < ke for ks, ke in known):
            continue
        k = first
        while k < end_tok and lowers[k] in demonyms:
            k += 1
        if any(ps <= starts[k] and e <= pe for ps, pe in places):
            continue  # the run is a place ("West Bank", "Soviet Union", "Soviet Union's")
        if words[end_tok].endswith(("'s", "\u2019s", "'", "\u2019")):
            e -= len(words[end_tok]) - len(_strip_possessive(words[end_tok]))
        name = " ".join(doc.text[s:e].split())
        out.append(PatternOrg((s, e, name, state, starts[last + 2] if end_tok != last else e)))
    return out
