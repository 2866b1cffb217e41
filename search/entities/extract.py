"""Put the parts together: one article in, canonical entities out."""

from __future__ import annotations

import bisect
import re
from typing import Iterator

from . import orgs, places, systems, teams
from .matcher import Match, Target, find, fold_text
from .lexicon import all_surnames as _all_surnames
from .lexicon import frequent_surnames as _frequent_surnames
from .names import HONORIFICS, name_key, people_index
from .people import (ROLE_NOUNS, Person, capitalised_runs, find_people, non_name_words, recase_shouted,
                     shouted_spans)
from .text import Doc, parse, reparse
from ..models import Entities

_KIND_ORDER = ("person", "system", "org", "place")


class _LazyDoc:
    """The Doc of ``text``, parsed on first call: the gazetteer rules read words only for
    ambiguous aliases, systems and designators, which most articles have none of."""

    def __init__(self, text: str):
        self.text = text
        self.parsed: Doc | None = None

    def __call__(self) -> Doc:
        if self.parsed is None:
            self.parsed = parse(self.text)
        return self.parsed


def _accepted_targets(words: _LazyDoc, matches: list[Match], folded: str,
                      team_spans: list[tuple[int, int, bool]]) -> list[tuple[Match, Target]]:
    """The (match, target) pairs that survive the context rules, before overlap resolution.
    ``team_spans`` (in, out) are the names on score lines; places between scores ("DETROIT 4
    Kansas City 1") are added to them."""
    text = words.text
    countries_seen: set[str] = set()
    system_sentences: set[int] = set()
    country_of = places.kb.country_of_place()
    for m in matches:
        if (m.targets[0].kind == "place" or any(t.kind == "place" for t in m.targets[1:])) and \
                places.team_in_results(text, m):
            team_spans.append((m.start, m.tail_end, False))
        for t in m.targets:
            if t.ambiguous:
                continue
            if t.kind == "place":
                countries_seen.add(country_of.get(t.name, t.name))
            elif t.kind == "system":
                doc = words()
                system_sentences.add(doc.sentence[min(doc.token_at(m.start), len(doc.sentence) - 1)]
                                     if doc.sentence else 0)
    out: list[tuple[Match, Target]] = []
    military: bool | None = None  # is the story about the military? (asked once, on the first system)
    for m in matches:
        for t in m.targets:
            if t.kind == "person":
                continue  # people are found by people.py (which also consults people.json)
            if t.kind == "system" and (t.ambiguous or systems.needs_military_story(m.surface)):
                if military is None:
                    military = systems.military_story(folded)
                if not military:
                    continue
            if t.kind == "system":
                if systems.wrong_frame(text, m, systems.kb.by_name("system")[t.name].category):
                    continue
            if t.demonym and text[m.tail_end:m.tail_end + 4].lower() in ("-era", "-sty"):
                continue  # "Soviet-era" is a period, not a place
            if t.kind == "place" and (" " not in m.surface and places.part_of_longer_name(
                    text, m, places.kb.by_name("place")[t.name].category) or places.names_an_event(text, m)):
                continue
            if team_spans and t.kind == "place" and _inside(m, [(s, e) for s, e, _ in team_spans]):
                out.append((m, t))  # a team: made an organisation by _teams_of
                break
            if t.ambiguous:
                doc = words()
                if t.kind == "system":
                    sent = doc.sentence[doc.token_at(m.start)] if doc.token_at(m.start) < len(doc.sentence) else -1
                    ok = systems.accept_ambiguous(doc, m, sent in system_sentences)
                elif t.kind == "place":
                    ok = places.accept_ambiguous(doc, m, t.name, countries_seen)
                else:
                    ok = orgs.accept_ambiguous(doc, m, t.alias)
                if not ok:
                    continue
            out.append((m, t))
            break  # one meaning per hit: the first acceptable target (systems, places, orgs order)
    return out


def _inside(m: Match, spans: list[tuple[int, int]]) -> bool:
    return any(s <= m.start and m.end <= e for s, e in spans)


def _nations_as_clubs(text: str, lines: list[tuple[int, int, bool]], category: dict) -> set[str]:
    """Nations that name clubs in this sports story: national sides play national sides, so a
    nation facing a town or club on a score line (``Guingamp 2 Monaco 1``) is a club, and so is
    one on a standings line among more towns than nations (``Monaco 3 1 1 1 5 3 4`` between
    Bordeaux and Marseille). Home nations (England, Scotland) stay places."""
    def nations(surface: str) -> list[str]:
        return [p for p in places.kb.lookup("place", surface)
                if teams.may_name_club(p, category[p].category)]

    clubs: set[str] = set()
    for a, b in teams.score_line_pairs(text):
        na, nb = nations(a), nations(b)
        if na and not nb and not _is_nation(b, category):
            clubs.update(na)
        elif nb and not na and not _is_nation(a, category):
            clubs.update(nb)
    standing_nations: set[str] = set()
    towns = 0
    for s, e, any_name in lines:
        if not any_name:
            found = places.kb.lookup("place", text[s:e])
            named = [p for p in found if teams.may_name_club(p, category[p].category)]
            if named:
                standing_nations.update(named)
            elif found:  # a place heads it (not a golfer)
                towns += 1
    if standing_nations and towns > len(standing_nations):
        clubs |= standing_nations
    return clubs


def _is_nation(surface: str, category: dict) -> bool:
    return any(category[p].category == "country" for p in places.kb.lookup("place", surface))


def _teams_of(text: str, recased: str, sports: bool, pairs: list[tuple[Match, Target]],
              lines: list[tuple[int, int, bool]]) -> tuple[list[tuple[Match, Target]], list[tuple[int, str, str]]]:
    """Places named as sports teams, out of the places and in as organisations (see ``teams``):
    the pairs left, and the teams as (start, name, surface). ``lines`` are the names on score
    and standings lines (``teams.score_line_teams``); those that are no place come too
    ("Haitai 5 Lotte 3")."""
    category = places.kb.by_name("place")
    spans = [(s, e) for s, e, _ in lines]
    clubs = _nations_as_clubs(text, lines, category) if sports and lines else set()

    def may_name_team(place: str) -> bool:
        return teams.may_name_team(place, category[place].category) or place in clubs

    if not sports:  # only places in tables of figures ("CINCINNATI  1 OVR MAY"): neither place nor team
        return ([(m, t) for m, t in pairs if t.kind != "place" or not _inside(m, spans) or not teams.may_name_team(
            t.name, category[t.name].category)] if spans else pairs), []
    names: set[str] = set()  # places that name a team in this story
    line_orgs: list[tuple[int, str, str]] = []
    placed = [(m.start, m.tail_end) for m, _ in pairs]
    for s, e, any_name in lines:
        surface = text[s:e]
        named = [p for p in places.kb.lookup("place", surface) if may_name_team(p)]
        names.update(named)
        if (named or any_name) and not any(ps < e and s < pe for ps, pe in placed):
            if any_name or len(named) == 1:
                line_orgs.append((s, _team_name(recased[s:e], named[0] if named else ""), surface))
    for m, t in pairs:
        if t.kind == "place" and may_name_team(t.name) and (
                spans and _inside(m, spans) or teams.team_cue(text, m.start, m.tail_end, place=True)):
            names.add(t.name)
    if not names:
        return pairs, line_orgs
    kept: list[tuple[Match, Target]] = []
    out: list[tuple[int, str, str]] = []
    for m, t in pairs:
        if t.kind == "place" and t.name in names and not teams.place_cue(text, m.start, m.tail_end):
            out.append((m.start, _team_name(recased[m.start:m.end], t.name), m.surface))
        else:
            kept.append((m, t))
    return kept, out + line_orgs


def _named_teams(doc: Doc, runs: list[tuple[int, int]], blocked: list[tuple[int, int]],
                 people: list) -> list[tuple[int, str, str]]:
    """In a sports story, a name that is no place, organisation or person of the story, next to
    a word only a team fits ("Leicestershire beat Somerset", "against Everton", "Celtic
    captain"): a team. One word, or words ending in a town ("Sparta Prague"): two words are more
    often a player ("beat Luc Nilis"). Not a word the article also writes in lower case
    ("Goalless", "Home"), a nationality, an event ("Davis Cup"), nor a name any person of the
    story carries (left to the people)."""
    out: list[tuple[int, str, str]] = []
    person_words: set[str] | None = None
    non_name = non_name_words()
    for first, last in runs:
        if last - first > 2:
            continue
        s, e = doc.starts[first], doc.ends[last]
        if not teams.team_cue(doc.text, s, e) or _overlaps(s, e, blocked):
            continue
        words = doc.lowers[first:last + 1]
        if not words[-1].isalpha() or words[0] in non_name or words[-1] in teams.EVENT_WORDS or \
                last > first and not places.kb.lookup("place", words[-1]):
            continue
        if doc.lowercase_words is None:
            doc.lowercase_words = set(filter(str.islower, doc.words))
        if words[0] in doc.lowercase_words:
            continue
        if person_words is None:
            person_words = {w.lower() for p in people for w in p.name.split() + p.surface.split()}
        if person_words.intersection(words):
            continue
        surface = doc.text[s:e]
        out.append((s, _team_name(surface, ""), surface))
    return out


def _overlaps_any(span: tuple[int, int, str], pairs: list[tuple[Match, Target]], named: list) -> bool:
    """Does a span overlap a gazetteer hit or an organisation named by its form?"""
    s, e = span[0], span[1]
    return any(m.start < e and s < m.tail_end for m, _ in pairs) or any(o.start < e and s < o.end for o in named)


def _overlaps(s: int, e: int, spans: list[tuple[int, int]]) -> bool:
    """Does [s, e) overlap one of the sorted, disjoint ``spans``?"""
    i = bisect.bisect_left(spans, (e, e)) - 1
    return i >= 0 and spans[i][1] > s


def _team_name(surface: str, place: str) -> str:
    """A team's name as the story writes it, recased when shouted; the place's spelling when
    the two differ only in case or dots ("ST LOUIS" -> St. Louis)."""
    name = " ".join(surface.split())
    if name.isupper() or name.islower():
        name = " ".join(w[:1].upper() + w[1:].lower() for w in name.split())
    if place and place.replace(".", "").lower() == name.replace(".", "").lower():
        return place
    return name


def _leftmost_longest(pairs: list[tuple[Match, Target]]) -> list[tuple[Match, Target]]:
    pairs = sorted(pairs, key=lambda p: (p[0].start, -(p[0].end - p[0].start)))
    out, reach = [], -1
    for m, t in pairs:
        if m.start >= reach:
            out.append((m, t))
            reach = m.end
    return out


def _merged_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, disjoint spans covering the same characters (people test overlap by bisection)."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _confirmed(people: list[Person], text: str, shouted: list[tuple[int, int]]) -> list[Person]:
    """``people`` less those read only from lines in capitals (headlines) that nothing
    else confirms. Recasing a headline guesses which words are names: "OPEC STICKING FIRM
    ON OFFICIAL PRICES" gave a Mr Prices, with "Official" for his role. A name is kept if
    it is also found in ordinary text, if the knowledge base knows it, or if its last word
    is written with a capital outside the headlines ("BAKER SAYS ..." over "... James
    Baker"). A text without ordinary (mixed-case) lines has nothing to confirm with: all
    are kept."""
    starts = [s for s, _ in shouted]

    def in_shouted(at: int) -> bool:
        k = bisect.bisect_right(starts, at) - 1
        return k >= 0 and at < shouted[k][1]

    plain = [text[e:s] for e, s in zip([0, *(e for _, e in shouted)], [*starts, len(text)])]
    if not any(map(_has_lower_case, plain)):
        return people
    seen_plain = {p.name for p in people if not in_shouted(p.start)}
    index = people_index()
    kept = []
    for person in people:
        name = person.name
        if name in seen_plain or name_key(name) in index:
            kept.append(person)
            continue
        last = name.split()[-1]
        if any(_capitalised_word(part, last) for part in plain):
            kept.append(person)
    return kept


_CONTRACTIONS = ("'ve", "'ll", "'re", "'m", "'d", "n't", "\u2019ve", "\u2019ll", "\u2019re", "\u2019m", "\u2019d",
                 "n\u2019t")


def _not_common_words(people: list[Person], text: str) -> list[Person]:
    """``people`` less one-word names the story also writes in lower case ("Strategy",
    "Remains", "Nearby": a capitalised word that is an ordinary word of the text), unless
    the knowledge base or the Census surnames know the word; and less contractions ("I've",
    "Don't": a sentence's first word, before "said")."""
    kept = []
    for person in people:
        name = person.name
        if " " not in name and "-" not in name:
            low = name.lower()
            if low.endswith(_CONTRACTIONS):
                continue
            if low != name and not _census_surname(name) and _capitalised_word(text, low) and \
                    name_key(name) not in people_index():
                continue
        kept.append(person)
    return kept


def _introduced(people: list[Person], text: str) -> list[Person]:
    """``people`` less one-word names that nothing in the story shows to be a person's:
    no role at any mention, no title or honorific just before the name anywhere in the
    story ("Mr. Yashin", "Minister of Mines and Energy Subroto"), not one of the Census's
    frequent surnames (``SURNAME_EVIDENCE_RANK``), not known to the knowledge base. News names a person in full at first
    mention; a lone capitalised word before "said" that is none of these is most often an
    agency, a company or a brand ("Tanjug said", "Citibank said", "Roscosmos said")."""
    doubtful = {p.name for p in people if " " not in p.name and "-" not in p.name
                and not _census_surname(p.name, _frequent_surnames()) and name_key(p.name) not in people_index()}
    if not doubtful:
        return people
    shown = {p.name for p in people if p.name in doubtful and (p.roles or _titled(text, p.start))}
    shown.update(name for name in doubtful - shown if _titled_somewhere(text, name))
    return [p for p in people if p.name not in doubtful or p.name in shown]


def _census_surname(name: str, surnames: frozenset[str] | None = None) -> bool:
    """A surname of the Census list (or of ``surnames``, a part of it), which spells
    "O'Brien" as "obrien" (a canonical name has one apostrophe style: ``names._display``)."""
    return name.lower().replace("'", "") in (_all_surnames() if surnames is None else surnames)


_WORDS_BEFORE_RE = re.compile(r"[\w'\u2019-]+\.?|[^\w\s]")
_CHAIN_WORDS = frozenset({"of", "and", "the", "for"})


def _titled_somewhere(text: str, name: str) -> bool:
    """``name`` occurs in ``text`` as a whole word after a title (``_titled``)."""
    return any(_titled(text, at) for at in _whole_word_starts(text, name))


def _titled(text: str, start: int) -> bool:
    """The capitalised words just before ``start`` (with any "of", "and", "the", "for"
    between them) hold a title or an honorific: "Mr. Yashin", "Dr Li", "Minister of
    Mines and Energy Subroto"; not "director of Greenpeace" (the object of a title)."""
    words = _WORDS_BEFORE_RE.findall(text, max(0, start - 80), start)
    if words and words[-1].lower() in _CHAIN_WORDS:
        return False
    for word in reversed(words):
        low = word.rstrip(".").lower()
        if low in ROLE_NOUNS or low in HONORIFICS:
            return True
        if not (word[0].isupper() or low in _CHAIN_WORDS):
            return False
    return False


def _not_org_names(people: list[Person], org_names: list[str]) -> list[Person]:
    """``people`` less one-word names that begin an organisation's name in the story: after
    "Caterpillar Inc", "Caterpillar said" is the company, not a Mr Caterpillar."""
    firsts = {name.split()[0] for name in org_names if " " in name}
    return [p for p in people if " " in p.name or p.name not in firsts]


def _has_lower_case(text: str) -> bool:
    return text != text.upper()


def _capitalised_word(text: str, word: str) -> bool:
    """``word`` occurs in ``text`` as a whole word, as written (capitalised)."""
    return any(_whole_word_starts(text, word))


def _whole_word_starts(text: str, word: str) -> Iterator[int]:
    """Where ``word`` occurs in ``text`` as a whole word (case as written)."""
    at = text.find(word)
    while at != -1:
        end = at + len(word)
        if (at == 0 or not text[at - 1].isalnum()) and (end == len(text) or not text[end].isalnum()):
            yield at
        at = text.find(word, at + 1)


def extract(title: str, body: str) -> Entities:
    text = f"{title or ''}\n\n{body or ''}" if title else (body or "")
    folded = fold_text(text)
    cues: list[str] = []
    matches = find(text, folded, cues)
    sports = teams.sports_story(cues, len(text))
    words = _LazyDoc(text)
    team_spans = teams.score_line_teams(text) if sports else []
    pairs = _leftmost_longest(_accepted_targets(words, matches, folded, team_spans))
    declined = []
    if not text.isascii() and systems.military_story(folded):  # translated war news
        declined = systems.declined_names(words(), [(m.start, m.tail_end) for m, _ in pairs])
    unknown_systems = systems.unknown_designators(text, words)
    shouted = shouted_spans(text)
    recased = recase_shouted(text, shouted)
    if recased is text:
        recased_doc = words()
    elif words.parsed is not None:  # the rules read the words: derive the recased Doc
        recased_doc = reparse(words.parsed, recased)
    else:
        recased_doc = parse(recased)
    runs = capitalised_runs(recased_doc)
    pairs, team_orgs = _teams_of(text, recased, sports, pairs, team_spans)
    named = orgs.find_orgs(recased_doc, runs, [(m.start, m.tail_end) for m, t in pairs if t.kind == "org"],
                           [(m.start, m.tail_end) for m, t in pairs if t.kind == "place"])
    hiding = [(o.start, o.of_start) for o in named if not o.state_body]
    if hiding:  # a place inside a company's or club's name is not a place of the story (see hides_place)
        pairs = [(m, t) for m, t in pairs if t.kind != "place" or not any(
            s <= m.start and m.end <= e for s, e in hiding)]
    venues = [v for v in places.find_venues(recased_doc, runs, sports) if not _overlaps_any(v, pairs, named)]
    dateline = places.dateline_place(text)
    if dateline and any(m.start < dateline[1] and dateline[0] < m.tail_end for m, _ in pairs):
        dateline = None  # the gazetteer knows it (or it is a team, an organisation)
    if dateline and any(s < dateline[1] and dateline[0] < e for s, _, surface in team_orgs
                        for e in (s + len(surface),)):
        dateline = None
    blocked = _merged_spans([(m.start, m.end) for m, _ in pairs] + [(o.start, o.end) for o in named] +
                            [(s, e) for s, e, _, _ in declined] +
                            [(s, s + len(surface)) for s, _, surface in team_orgs] +
                            ([dateline[:2]] if dateline else []) + [(s, e) for s, e, _ in venues])
    people = find_people(recased_doc, blocked, runs)
    if recased is not text and people:
        people = _confirmed(people, text, shouted)
    if people:
        people = _introduced(_not_common_words(people, text), text)
    if any(" " not in p.name for p in people) and (
            named or team_orgs or any(t.kind == "org" for _, t in pairs)):
        people = _not_org_names(people, [o.name for o in named] + [surface for _, _, surface in team_orgs] +
                                [n for m, t in pairs if t.kind == "org" for n in (t.name, m.surface)])
    if sports:
        team_orgs += _named_teams(recased_doc, runs, blocked, people)

    mentions: list[tuple[int, str, str, str]] = [(m.start, t.kind, t.name, m.surface) for m, t in pairs]
    mentions += [(o.start, "org", o.name, o.name) for o in named]
    mentions += [(s, "org", name, surface) for s, name, surface in team_orgs]
    mentions += [(s, "place", name, name) for s, _, name in venues]
    if dateline:
        mentions.append((dateline[0], "place", dateline[2], text[dateline[0]:dateline[1]]))
    mentions += [(s, "system", name, surface) for s, _, name, surface in declined]
    mentions += [(p.start, "person", p.name, p.surface) for p in people]
    mentions.sort(key=lambda x: x[0])
    by_kind: dict[str, list[str]] = {k: [] for k in _KIND_ORDER}
    aliases: dict[str, list[str]] = {}
    for _, kind, name, surface in mentions:
        if name not in by_kind[kind]:
            by_kind[kind].append(name)
        seen = aliases.setdefault(name, [])
        surface = " ".join(surface.split())
        if surface not in seen:
            seen.append(surface)
    roles: dict[str, list[str]] = {}
    for p in people:
        for role in p.roles:
            got = roles.setdefault(p.name, [])
            role = " ".join(role.split())
            if role not in got:
                got.append(role)
    return Entities(
        persons=tuple(by_kind["person"]),
        systems=tuple(by_kind["system"]),
        orgs=tuple(by_kind["org"]),
        places=tuple(by_kind["place"]),
        roles={k: tuple(v) for k, v in roles.items()},
        aliases={k: tuple(v) for k, v in aliases.items()},
        unknown_systems=tuple(unknown_systems),
    )
