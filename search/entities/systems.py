"""Weapon systems: which alias hits are really the system, and unknown designators.

An ambiguous alias (``Patriot``, ``Stinger``, ``Javelin``, ``Abrams``, ``Leopard``...) is the
system only with a military cue word within eight words, or an unambiguous system in
the same sentence, and never in a known non-military frame (``Patriot Act``, ``New
England Patriots``, ``Abrams said``, ``Gen. Abrams``, ``javelin throw``).
"""

from __future__ import annotations

import re
from typing import Callable

from . import kb
from .matcher import Match, Target
from .text import Doc

CUE_WORDS = frozenset("""
missile missiles system systems tank tanks launcher launchers battery batteries air-defence air-defense
defence defense howitzer howitzers drone drones rocket rockets vehicle vehicles jet jets fighter fighters
weapon weapons deliver delivers delivered delivering delivery deliveries send sends sent sending supply
supplies supplied supplying provide provides provided providing armoured armored artillery anti-aircraft
anti-tank anti-air munitions munition ammunition interceptor interceptors warplane warplanes aircraft
helicopter helicopters strike strikes military arms shells armor armour infantry pledged pledge
battalion brigade troops shipment shipments received donated transferred fired firing shot shoot launched intercept intercepted downed kamikaze uav uavs
""".split())
NEGATIVE_AFTER = frozenset({"act", "acts", "throw", "thrower", "throwers", "throwing", "said", "says",
                            "told", "added", "wrote", "tweeted", "stadium", "fans", "coach", "quarterback",
                            "league", "pub", "club", "party", "front", "games", "day"})
NEGATIVE_BEFORE = frozenset({"gen", "general", "mr", "mrs", "ms", "dr", "sen", "senator", "rep", "judge",
                             "england", "true", "proud", "american", "patriotic", "sgt", "col", "lt",
                             "governor", "gov", "secretary", "minister", "president", "mayor"})
_DESIGNATOR_RE = re.compile(r"(?<![\w-])([A-Z]{1,4}-\d+[A-Z]*)(?![\w-])")
_DASH_DIGIT_RE = re.compile(r"-\d")
NOT_DESIGNATORS = frozenset({"covid-19", "g-7", "g-20", "g-8", "sars-2", "mh-17", "mh-370", "i-95", "f-1"})


def _nearest_words(doc: Doc, match: Match) -> tuple[str, str, str]:
    """Lower-cased word before, word two before, and word after a match."""
    before_i = doc.token_before(match.start)
    if doc.lower(before_i) == ".":
        before_i -= 1  # "Gen. Abrams"
    after_i = doc.token_at(match.tail_end)
    return doc.lower(before_i).rstrip("."), doc.lower(before_i - 1), doc.lower(after_i)


def accept_ambiguous(doc: Doc, match: Match, sentence_has_system: bool) -> bool:
    """Is this ambiguous system alias the weapon here?"""
    before, before2, after = _nearest_words(doc, match)
    if after in NEGATIVE_AFTER or before in NEGATIVE_BEFORE or before2 == "new" and before == "england":
        return False
    if match.surface[:1].islower():
        return False
    before_i = doc.token_before(match.start)
    if 0 <= before_i and doc.words[before_i][:1].isupper():
        # A capitalised word that is neither a country, a demonym nor a system: a first name
        # ("Stacey Abrams", "Omar Bradley")
        prev = doc.words[before_i]
        if not doc.sentence_start[before_i] and prev.isalpha() and not prev.isupper() and \
                not kb.lookup("place", prev) and not kb.lookup("system", prev) and \
                not prev.endswith(("an", "ish", "ese", "ian", "ch", "i")):
            return False
    if sentence_has_system:
        return True
    return any(w in CUE_WORDS for w in doc.window(match.start, match.tail_end, 8))


def _may_have_designators(text: str) -> bool:
    """False when ``text`` cannot hold a designator: every one has a dash and a digit, and this
    literal search is far cheaper than the full pattern."""
    return _DASH_DIGIT_RE.search(text) is not None


def unknown_designators(text: str, words: Callable[[], Doc]) -> list[str]:
    """Designators like ``XM-30`` near military cue words that the knowledge base lacks.
    ``words()`` gives the Doc of ``text``, asked for only when ``text`` may hold one."""
    out: list[str] = []
    if not _may_have_designators(text):
        return out
    doc = words()
    for m in _DESIGNATOR_RE.finditer(text):
        designator = m.group(1)
        k = kb.key(designator)
        if k in NOT_DESIGNATORS or k in kb.all_alias_keys() or designator in out:
            continue
        if any(w in CUE_WORDS for w in doc.window(m.start(), m.end(), 8)):
            out.append(designator)
    return out


def system_target(match: Match) -> Target | None:
    return next((t for t in match.targets if t.kind == "system"), None)
