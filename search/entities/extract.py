"""Put the parts together: one article in, canonical entities out."""

from __future__ import annotations

from . import orgs, places, systems
from .matcher import Match, Target, find
from .people import find_people, recase_shouted
from .text import Doc, parse, reparse
from ..models import Entities

_KIND_ORDER = ("person", "system", "org", "place")


def _accepted_targets(doc: Doc | None, text: str, matches: list[Match]) -> list[tuple[Match, Target]]:
    """The (match, target) pairs that survive the context rules, before overlap resolution.

    ``doc`` (the words of ``text``) may be None when no target is ambiguous or a system."""
    countries_seen: set[str] = set()
    system_sentences: set[int] = set()
    country_of = places.kb.country_of_place()
    for m in matches:
        for t in m.targets:
            if t.ambiguous:
                continue
            if t.kind == "place":
                countries_seen.add(country_of.get(t.name, t.name))
            elif t.kind == "system":
                system_sentences.add(doc.sentence[min(doc.token_at(m.start), len(doc.sentence) - 1)]
                                     if doc.sentence else 0)
    out: list[tuple[Match, Target]] = []
    for m in matches:
        for t in m.targets:
            if t.kind == "person":
                continue  # people are found by people.py (which also consults people.json)
            if t.demonym and text[m.tail_end:m.tail_end + 4].lower() in ("-era", "-sty"):
                continue  # "Soviet-era" is a period, not a place
            if t.ambiguous:
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


def _leftmost_longest(pairs: list[tuple[Match, Target]]) -> list[tuple[Match, Target]]:
    pairs = sorted(pairs, key=lambda p: (p[0].start, -(p[0].end - p[0].start)))
    out, reach = [], -1
    for m, t in pairs:
        if m.start >= reach:
            out.append((m, t))
            reach = m.end
    return out


def _reads_words(text: str, matches: list[Match]) -> bool:
    """Do the gazetteer rules need the words of ``text``? Only ambiguous aliases, systems
    (the same-sentence rule) and designators (a cue word nearby) look at them."""
    return systems.may_have_designators(text) or \
        any(t.ambiguous or t.kind == "system" for m in matches for t in m.targets)


def _parse_both(text: str, recased: str, matches: list[Match]) -> tuple[Doc | None, Doc]:
    """The Doc of ``text`` for the gazetteer rules (None when they do not need one) and the
    Doc of its recased form for people. A text with a shouted headline needs both only when
    the rules read words; the second is then derived from the first."""
    if recased is text:
        doc = parse(text)
        return doc, doc
    if not _reads_words(text, matches):
        return None, parse(recased)
    doc = parse(text)
    return doc, reparse(doc, recased)


def extract(title: str, body: str) -> Entities:
    text = f"{title or ''}\n\n{body or ''}" if title else (body or "")
    matches = find(text)
    doc, recased_doc = _parse_both(text, recase_shouted(text), matches)
    pairs = _leftmost_longest(_accepted_targets(doc, text, matches))
    blocked = [(m.start, m.end) for m, _ in pairs]
    people = find_people(recased_doc, blocked)

    mentions: list[tuple[int, str, str, str]] = [(m.start, t.kind, t.name, m.surface) for m, t in pairs]
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
        unknown_systems=tuple(systems.unknown_designators(doc)) if doc is not None else (),
    )
