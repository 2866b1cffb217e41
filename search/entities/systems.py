"""Weapon systems: which alias hits are really the system, and unknown designators.

An ambiguous alias (``Patriot``, ``Stinger``, ``Javelin``, ``Abrams``, ``Leopard``...) is the
system only with a military cue word within eight words, or an unambiguous system in
the same sentence, and never in a known non-military frame (``Patriot Act``, ``New
England Patriots``, ``Abrams said``, ``Gen. Abrams``, ``javelin throw``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable

from . import kb
from .demonyms import demonyms
from .names import skeleton
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
raf usaf luftwaffe squadron squadrons sortie sorties scrambled
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
    after_i = doc.token_at(match.tail_end)
    if 0 <= after_i < len(doc.words) and _names_after(doc.words[after_i]):
        return False  # "Typhoon Haiyan", "Tiger Woods": the alias begins a name
    if sentence_has_system:
        return True
    return any(w in CUE_WORDS for w in doc.window(match.start, match.tail_end, 8))


def _names_after(word: str) -> bool:
    """A word that makes the alias before it the first word of a name: capitalised (not in
    capitals: "Typhoon FGR4" is a model), not a model's mark ("Hawk Mk 66"), neither a cue
    ("Patriot Missile"), a demonym ("Bukovel Ukrainian") nor a place or a system the
    knowledge base knows."""
    if not (word[:1].isupper() and word.isalpha() and not word.isupper()):
        return False
    low = word.lower()
    return low not in CUE_WORDS and low not in _MODEL_WORDS and low not in demonyms() and \
        not kb.lookup("system", word) and not kb.lookup("place", word)


_MODEL_WORDS = frozenset({"mk", "mod", "mark", "block", "ausf", "model", "series", "type", "variant"})


# Words that make a story one about weapons or the military. A weapon system is tagged only in
# such a story: Apache (the oil company), Caesars (the casino), <NSM> (a ticker), Tiger Woods and
# AC Milan are not weapons. Words that business and sport use too ("defence" of a title, "war" of
# prices, "strike", "shot", "tank", "launch") are not enough alone.
_MILITARY_RE = re.compile(r"\b(?:military|militar[a-z]*|army|armies|navy|naval|air ?force|missiles?|weapons?|"
                          r"weaponry|troops|soldiers?|warplanes?|warships?|fighter (?:jets?|planes?|aircraft)|"
                          r"artillery|pentagon|armed forces|nato|drones?|combat|ammunition|munitions|howitzers?|"
                          r"brigades?|battalions?|invasion|marines|warheads?|bombers?|gunships?|airstrikes?|"
                          r"air strikes?|raf|usaf|luftwaffe|tanks?|anti-tank|anti-aircraft|air defen[cs]e|shelling|frontline|front line|insurgents?|militants?|defen[cs]e "
                          r"(?:ministry|minister|secretary|department|contractors?|forces|budget|spending|"
                          r"industry|systems?|officials?|procurement)|ministry of defen[cs]e|"
                          r"wojsk[a-z]*|rakiet[a-z]*|armii|armia|bundeswehr|streitkr[a-z]*|ракет[а-я]*|"
                          r"військ[а-я]*|армі[а-я]*|войск[а-я]*)\b")


_SHORT_CODE_RE = re.compile(r"^(?:[A-Z]{2,4}|[A-Z]{1,2}-?\d{1,3}[A-Z]?)$")


def needs_military_story(surface: str) -> bool:
    """Names that are weapons only in a military story: short codes that tickers, ratings and
    products share (``NSM``, ``TOW``, ``P-8``, ``A-10``); ambiguous aliases too (the caller)."""
    return _SHORT_CODE_RE.match(surface) is not None


def military_story(folded: str) -> bool:
    """Is the story about weapons or the military (``folded``: lower case, accents folded)?"""
    return _MILITARY_RE.search(folded) is not None


_NUMBER_AFTER_RE = re.compile(r"[\s-]+(?:\d{2}|\d{4})\b(?![-./]\d)")
_OTHER_KIND_AFTER_RE = re.compile(r"[\s-]+(?:[A-Z]\w*\s+)?(?:mlrs|mlr|rocket|rockets|launchers?|howitzers?|"
                                  r"multiple launch)\b", re.I)


def wrong_frame(text: str, match: Match, category: str) -> bool:
    """A name of a system used for something else: an exercise (``Arrow 22``, ``Hammer 2023``),
    or an aircraft's name on a rocket launcher (``Russian Tornado MLR systems``)."""
    if not any(c.isdigit() for c in match.surface) and _NUMBER_AFTER_RE.match(text, match.tail_end):
        return True
    return category == "aircraft" and _OTHER_KIND_AFTER_RE.match(text, match.tail_end) is not None


@kb.depends
@lru_cache(maxsize=None)
def _skeletons() -> dict[str, str]:
    """Skeletons of one-word system names of five letters or more that need no context
    (``Kinzhal`` -> ``knzl``), when only one system has it."""
    index: dict[str, set[str]] = {}
    for e in kb.entries("system"):
        for form in e.surface_forms:
            if form.isalpha() and len(form) >= 5 and kb.key(form) not in e.ambiguous:
                sk = skeleton(form)
                if len(sk) >= 4:
                    index.setdefault(sk, set()).add(e.name)
    return {k: next(iter(v)) for k, v in index.items() if len(v) == 1}


def declined_names(doc: Doc, taken: list[tuple[int, int]]) -> list[tuple[int, int, str, str]]:
    """Systems written in another language's spelling or case (``Kindżały`` for Kinzhal
    missiles, ``Kindzhal``): a capitalised word with a known system's skeleton and the same
    first letter. For military stories only (the caller checks)."""
    index = _skeletons()
    out = []
    for i, w in enumerate(doc.words):
        if len(w) < 5 or not w[0].isupper() or not w.isalpha():
            continue
        name = index.get(skeleton(w))
        if name and kb.key(name[0]) == kb.key(w[0]) and not kb.lookup("system", w):
            s, e = doc.starts[i], doc.ends[i]
            if not any(ts < e and s < te for ts, te in taken):
                out.append((s, e, name, w))
    return out


def _may_have_designators(text: str) -> bool:
    """False when ``text`` cannot hold a designator: every one has a dash and a digit, and this
    literal search is far cheaper than the full pattern."""
    return _DASH_DIGIT_RE.search(text) is not None


def unknown_designators(text: str, words: Callable[[], Doc]) -> list[str]:
    """Designators like ``XM-30`` near military cue words that the knowledge base lacks.
    ``words()`` gives the Doc of ``text``, asked for only when ``text`` holds a possible one (most
    dashed numbers are known designators or none: a parse spared)."""
    out: list[str] = []
    if not _may_have_designators(text):
        return out
    for m in _DESIGNATOR_RE.finditer(text):
        designator = m.group(1)
        k = kb.key(designator)
        if k in NOT_DESIGNATORS or k in kb.all_alias_keys() or designator in out:
            continue
        if any(w in CUE_WORDS for w in words().window(m.start(), m.end(), 8)):
            out.append(designator)
    return out


def system_target(match: Match) -> Target | None:
    return next((t for t in match.targets if t.kind == "system"), None)
