"""People, found without a closed list.

A *candidate* is a run of capitalised words (with initials, particles such as ``de`` or
``von``, and suffixes such as ``III``). It becomes a person when something in the text
says so:

* a title or role just before it (``Defense Minister``, ``Army Gen.``, ``the US secretary
  of defense``, ``NATO chief``), kept as the person's role;
* a speech verb after it or ``said`` before it (``Austin said``, ``said Bogdan``);
* an appositive after it (``Serhiy Popko, the head of the Kyiv military administration``);
* its key is in people.json (in any transliteration: :func:`names.name_skeleton`), or it
  starts with a given name (two or three words; the US Census lists in :mod:`lexicon`, unless
  the article writes the word in lower case or the run is in a title-case title);
* an initial and a surname (``N. Knight``), a country or a role in brackets after it
  (``Jansher Khan (Pakistan)``, ``Wasim Akram (captain)``), or a person it is listed with
  (``Bob Estes, Billy Andrade and Duffy Waldorf``);
* a bare surname (or unique first name) of a person already found in the article. With no
  full name in the article, a bare surname is a known person only when that is no guess
  (a rare surname one known person has, or roles the article echoes); ``Brown said`` alone
  is left out.

Places, organisations, weapon systems, weekdays, months and headline fragments are never
people: a candidate overlapping an accepted gazetteer span, or containing a non-name word,
is dropped.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress
from operator import ne
from typing import NamedTuple

from ..analysis import stop_words
from . import kb
from .demonyms import demonym_words
from .lexicon import COMMON_WORDS, census_given_names, common_surnames, world_given_names
from .names import (PARTICLES, SUFFIXES, canonical_person, name_key, name_skeleton, people_by_skeleton,
                    people_by_surname, people_index, surname_may_be_known)
from .text import DATELINE_AFTER_RE, Doc, lines_in_capitals

_SHOUTED_LINE_RE = re.compile(r"^(?=[^\n]*[A-Z]{3})[^a-z\n]{8,}$", re.M)
_WORD_SPLIT_RE = re.compile(r"([^\W\d_][\w'\u2019.-]*)")  # words (a group: ``split`` keeps them)
TITLE_WORDS = frozenset("""
president vice secretary minister ministers premier prime chancellor deputy press spokesman spokeswoman
spokesperson general gen lt col colonel maj major capt captain sgt sergeant adm admiral army navy air force
commander chief chairman chairwoman chair head governor gov mayor ambassador envoy senator sen rep
representative congressman congresswoman speaker leader director adviser advisor counsellor counselor
defense defence foreign affairs finance economy economics trade agriculture energy oil interior justice health
treasury state secretary-general under-secretary undersecretary assistant acting lieutenant marshal
field king queen prince princess crown sheikh emir pope cardinal archbishop bishop pastor father
mr mrs ms dr prof professor judge justice attorney exchequer treasurer ombudsman commissioner official officials spokesmen
executive ceo cfo deputy-head first lady
economist analyst negotiator delegate delegation representative coordinator administrator
republican democrat democratic transport industry labour labor communications information
""".split())
# Nouns that make a phrase a role when they head it (``the region's military governor``).
ROLE_NOUNS = frozenset("""
president secretary minister premier chancellor spokesman spokeswoman spokesperson general commander chief
chairman chairwoman head governor mayor ambassador envoy senator leader director adviser advisor official
economist analyst serviceman soldier officer pilot commissioner negotiator delegate founder owner
executive ceo manager dealer trader banker strategist professor researcher lawmaker deputy
""".split())
SPEECH_VERBS = frozenset("""
said says say told tells added adds stressed noted tweeted wrote warned announced acknowledged urged asked
explained insisted argued declared stated commented replied reiterated predicted estimated testified
concluded confirmed denied claimed sees urges calls warns backs rejects wants expects predicts suggested emphasized emphasised believes believed reported recalled
""".split())
NON_NAME_WORDS = frozenset("""
monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
september october november december ministry department agency council group forces force navy base
staff committee party government administration bank fund union organization organisation association
company corp corporation inc ltd co plc reserve board exchange market street house office court
parliament senate congress assembly news times post journal telegram twitter facebook war act treaty
plan university institute center centre service commission federation republic kingdom states region
oblast city river sea ocean island islands airport station square avenue road hospital school church
palace kremlin pentagon the a an and or but of in on at for with by from to as this that these those
it its he she they we you i his her their our my briefing live source link contact defenders
international national federal european western eastern northern southern central general staff
allied armed alliance summit conference program programme initiative project operation mission
billion million percent dlrs year years week weeks month months today tomorrow yesterday
god lord christmas easter ramadan covid coronavirus internet republican republicans democrat democrats
brokers traders analysts officials sources dealers economists bankers
league leagues cup championship championships standings results stadium county sport sports baseball
football soccer tennis golf cricket rugby hockey basketball athletics olympic olympics grand prix open
catholic catholics protestant muslim muslims christians data services controls bros brothers
convention conventions division divisions caucus motors
""".split()) - {"general"}
GIVEN_NAMES = frozenset("""
james john robert michael william david richard joseph thomas charles christopher daniel matthew anthony
mark donald steven paul andrew joshua kenneth kevin brian george timothy ronald edward jason jeffrey
ryan jacob gary nicholas eric jonathan stephen larry justin scott brandon benjamin samuel gregory
frank alexander raymond patrick jack dennis jerry tyler aaron jose adam henry nathan douglas zachary
peter kyle walter ethan jeremy harold keith christian roger noah gerald carl terry sean austin arthur
lawrence jesse dylan bryan joe jordan billy bruce albert willie gabriel logan alan juan wayne roy
ralph randy eugene vincent russell elijah louis bobby philip johnny mary patricia jennifer linda
elizabeth barbara susan jessica sarah karen nancy lisa betty margaret sandra ashley kimberly emily
donna michelle dorothy carol amanda melissa deborah stephanie rebecca sharon laura cynthia kathleen
amy shirley angela helen anna brenda pamela nicole emma samantha katherine christine debra rachel
catherine carolyn janet ruth maria heather diane virginia julie joyce victoria olivia kelly christina
lauren joan evelyn judith megan cheryl andrea hannah martha jacqueline frances gloria ann teresa
kathryn sara janice jean alice madison doris abigail julia judy grace denise amber marilyn beverly
danielle theresa sophia marie diana brittany natalie isabella charlotte rose alexis kayla sabrina
lloyd jens jim jake antony kamala nikki hillary bill tony boris olaf emmanuel angela ursula josep
volodymyr oleksii oleksiy oleksandr olena dmytro serhiy serhii andriy andrii mykhailo mykola vitali
vitaliy yuriy yurii ihor oleh denys kyrylo vadym vasyl iryna yulia petro viktor valerii valeriy taras
bohdan bogdan roman ruslan maksym anton artem vladimir sergei sergey dmitry dmitri mikhail alexei
alexey aleksei yevgeny evgeny nikolai ivan igor maria valentina vyacheslav alexander aleksandr ramzan
andrei andrey konstantin grigory leonid kirill yuri gennady pavel denis anatoly elvira tatiana
recep mevlut hakan hulusi kemal ahmet mehmet mustafa ali mohammed mohammad muhammad ahmed hassan hussein
abdul abdullah omar khalid ibrahim yasser hosni saddam bashar hafez fidel raul jose luis carlos juan
miguel pedro manuel jorge fernando francisco antonio javier emilio enrique rafael alfonso ernesto
jacques francois pierre jean michel helmut gerhard hans karl otto wolfgang klaus dieter friedrich
heinz juergen jurgen manfred horst norbert martin lothar jacques yasuhiro kiichi noboru toshiki
satoshi masayoshi takeshi ryutaro keizo zhao deng li hu wang xi jiang lee kim park chun roh
nigel margaret geoffrey norman michael neil denis brian malcolm gordon tony kenneth leon
giulio bettino giovanni amintore ciriaco francesco luigi giuseppe mario carlo wim ruud onno gerrit
rudolf franz jacques wilfried poul anker uffe ingvar kjell gro jan lars bengt mikhail eduard nikolai
andreas constantine kostas andreas turgut adnan yusuf necmettin suleyman jaime corazon ferdinand
fidel raul alan paul james william beryl clayton malcolm howard caspar edwin elizabeth
""".split())
CORPORATE_WORDS = frozenset("""
corp corporation inc co ltd plc group bank motor motors industries international holdings systems airlines
airways oil petroleum energy capital securities financial ag sa nv spa gmbh gas steel chemical chemicals
electric electronics communications technologies technology resources mining savings trust pharmaceutical
pharmaceuticals foods products partners investors fund insurance brothers bros computer software
""".split())
_CORPORATE_ALTERNATIVES = "|".join(w.capitalize() for w in sorted(CORPORATE_WORDS))
_COMPANY_RE = re.compile(r"\b([A-Z][\w&'-]*)\s+(?:%s)\b" % _CORPORATE_ALTERNATIVES)
_FOLLOWED_BY_CORPORATE_RE = re.compile(r"\s+(?:%s)\b" % _CORPORATE_ALTERNATIVES)  # the tail of _COMPANY_RE
_SAID = frozenset({"said", "says", "told", "added"})
_POSSESSIVES = ("'s", "\u2019s", "'", "\u2019")
HEADLINE_VERBS = frozenset("""
says said sees see urges urge warns warn calls call asks ask denies deny backs back rejects reject wants want
expects expect predicts plans plan tells proposes propose opposes oppose supports support favors favours
named names resigns quits meets meet visits visit confirms agrees agree to on in at for of and or the a an
by with from as is are be was were will may could would should not no new over after before up down
""".split())
# Title words that only qualify a following title ("Defence Secretary", "First Lady", "State
# Department spokesman"): right before a name they are not a role ("First Edition", "Defense
# Priorities", "Information Security").
MODIFIER_TITLES = frozenset("""
first press air force navy army field crown acting assistant defense defence foreign finance economy
economics trade agriculture energy oil interior health transport industry labour labor communications
information
""".split())
# Nouns naming an institution: a capitalised run ending in one ("Vantaa Reservists Association",
# "George Washington University") or followed by one in lower case ("the Conservative party",
# "the DreamWorks animation studio") is that institution, not a person.
INSTITUTION_NOUNS = frozenset("""
ministry department agency council group forces force base staff committee party government administration
bank fund union organization organisation association company corp corporation inc ltd co plc board
exchange market street house office court parliament senate congress assembly news times post journal
university institute center centre service commission federation republic kingdom region oblast river sea
ocean island islands airport station square avenue road hospital school church palace alliance summit
conference program programme initiative project operation mission act treaty plan studio studios network
channel magazine newspaper daily foundation society club league regiment brigade battalion movement
""".split())
# Common nouns that introduce a name of an organisation, outlet or firm ("research firm Cornwall
# Insight", "the Finnish daily Iltalehti", "media organization German Welt").
INSTITUTION_INTROS = frozenset("""
firm company agency newspaper daily weekly tabloid outlet broadcaster channel magazine network thinktank
think-tank charity organization organisation group brand website publication publisher studio carrier
airline maker manufacturer operator giant conglomerate bank lender insurer fund party movement station
""".split())
# Words that open a sentence and are followed by a comma or a verb; never a name alone.
SENTENCE_OPENERS = frozenset("""
however meanwhile overnight separately nevertheless nonetheless moreover furthermore instead still yet
also besides otherwise therefore thus hence indeed earlier later afterwards today tonight yesterday
tomorrow elsewhere next finally first second third lastly again now then here there ultimately overall
perhaps maybe only even just unlike like despite many critics who whoever everyone everybody someone somebody
anyone anybody nobody none others some both all each prosecutors officials analysts residents witnesses experts investigators sources observers
authorities police protesters demonstrators lawmakers legislators diplomats supporters opponents
""".split())
_OBJECT_HEADS = frozenset("""
chair board member members ministry department bureau agency council committee commission university
institute school academy founder owner
""".split())
_INSTITUTION_MODIFIERS = frozenset("""
news animation film media research political ruling opposition press private military security consulting
law investment mercenary
""".split())
_PLURAL_ACRONYM_RE = re.compile(r"^[A-Z]{2,}s$")  # "MPs", "NGOs"
_CREDIT_WORDS = frozenset({"photograph", "photographs", "photo", "photos", "illustration", "composite",
                           "video", "graphic", "credit"})

# Title words that head a role: a run is cut after the last of them ("Transport Minister Mustafa X").
HEAD_TITLES = frozenset("""
president secretary minister premier chancellor spokesman spokeswoman spokesperson commander chairman
chairwoman governor mayor ambassador envoy senator leader director adviser advisor administrator
secretary-general undersecretary under-secretary gen lt col adm sen rep gov mr mrs ms dr judge
governor-general vice-president deputy chief king queen prince sheikh emir pope representative exchequer
treasurer
""".split())


@lru_cache(maxsize=8192)
def _strip_possessive(w: str) -> str:
    for tail in _POSSESSIVES:
        if w.endswith(tail) and len(w) > len(tail):
            return w[: -len(tail)]
    return w


def recase_shouted(text: str, shouted: list[tuple[int, int]] | None = None) -> str:
    """Lines written in capitals (headlines: ``shouted``, else ``shouted_spans(text)``)
    recased word by word, same length, so that ``WHITE HOUSE'S BAKER SAYS REAGAN TO ...``
    reads ``White House's Baker says Reagan to ...``."""
    out, at = [], 0
    for start, end in shouted_spans(text) if shouted is None else shouted:
        line = text[start:end]
        parts = _WORD_SPLIT_RE.split(line)  # gap, word, gap, ..., word, gap: words recased in C
        parts[1::2] = map(_recase_word, parts[1::2])
        new = "".join(parts)
        if len(new) == len(line) and new != line:
            out += (text[at:start], new)
            at = end
    return "".join(out) + text[at:] if out else text


def shouted_spans(text: str) -> list[tuple[int, int]]:
    """[start, end) of each line of ``text`` in capitals (``_shouted_lines``), in order."""
    if not _SHOUTED_LINE_RE.search(text):
        return []
    spans, at = [], 0
    for line, shouted in zip(text.split("\n"), _shouted_lines(text)):
        if shouted:
            spans.append((at, at + len(line)))
        at += len(line) + 1
    return spans


def _shouted_lines(text: str) -> list[bool]:
    """For each line of ``text``: is it shouted (8 letters or more, 85% of them capitals)?"""
    return lines_in_capitals(text, 8, 0.85)


@kb.depends
@lru_cache(maxsize=8192)
def _recase_word(w: str) -> str:
    low = w.lower()
    if low in HEADLINE_VERBS or low in stop_words():
        return low
    if "." in w or (len(w) <= 4 and kb.key(w) in kb.all_alias_keys() and w.isupper()):
        return w  # U.S., EC, IMF, OPEC
    return "-".join(p[:1] + p[1:].lower() for p in w.split("-"))


@dataclass
class Person:
    name: str  # canonical
    start: int
    end: int
    roles: list[str]
    surface: str


class _Candidate(NamedTuple):
    """A run of words taken for a name, before the article's names are resolved."""
    first: int  # its first and last tokens
    last: int
    start: int  # its character span
    end: int
    words: list[str]
    roles: tuple[str, ...]
    strong: bool  # a cue of its own (a role, "said", a known given name...)
    key: str  # name_key of its words
    spreads: bool = True  # may its cue make the names listed with it people (see _coordinated)
    name_words: int = 0  # its words longer than an initial (counted once: asked for again and again)


def _is_cap_word(w: str) -> bool:
    """A capitalised name word (``Austin``, ``McDonald``, ``al-Assad``, ``III``)."""
    if not w[:1].isupper():
        low = w.lower()
        return low.startswith(("al-", "el-", "bin-")) and w[3:4].isupper()
    # (an ASCII word starting with a capital has a lower-case letter exactly when not isupper())
    has_lower = not w.isupper() if w.isascii() else any(c.islower() for c in w)
    return has_lower or (len(w) <= 3 and w in {"II", "III", "IV"})


_NAME_WORD, _CAPITAL_LETTER = 2, 1


class _RunFlags(dict):
    """Word -> _NAME_WORD (``_is_cap_word``), _CAPITAL_LETTER (a possible initial) or 0.

    A dict filled on first sight, so that ``map(flags.__getitem__, words)`` classifies a
    whole article in C; emptied when it grows large."""

    def __missing__(self, w: str) -> int:
        flag = self[w] = _NAME_WORD if _is_cap_word(w) else _CAPITAL_LETTER if len(w) == 1 and w.isupper() else 0
        return flag


_RUN_FLAGS = _RunFlags()


def _is_initial(doc: Doc, i: int) -> bool:
    w = doc.words[i]
    if not (len(w) == 1 and w.isupper() and doc.lower(i + 1) == "."):
        return False
    if i >= 2 and doc.words[i - 1] == "." and len(doc.words[i - 2]) == 1 and doc.starts[i] == doc.ends[i - 1]:
        return False  # the second letter of "U.S."
    if i + 3 < len(doc.words) and len(doc.words[i + 2]) == 1 and doc.words[i + 3] == "." and \
            doc.starts[i + 2] == doc.ends[i + 1]:
        return False  # the first letter of "U.S."
    return i + 2 < len(doc.words) and _is_cap_word(doc.words[i + 2])


@lru_cache(maxsize=1)
def _non_name_keys() -> frozenset[str]:
    return NON_NAME_WORDS | stop_words() | demonym_words() | frozenset(d + "s" for d in demonym_words())


def non_name_words() -> frozenset[str]:
    """Lower-case words that are never a name on their own: weekdays, months, function words,
    nationalities (also used by ``extract`` for teams)."""
    return _non_name_keys()


@lru_cache(maxsize=1)
def _leading_drop_words() -> frozenset[str]:
    """Words stripped from the front of a run whatever their position: titles, nationalities
    and non-name words (``Defense``, ``Ukrainian``, ``The``)."""
    return TITLE_WORDS | _non_name_keys()  # (the non-name words include the demonyms)


_ABBREVIATED_TITLES = frozenset({"gen", "lt", "col", "mr", "mrs", "ms", "dr", "sen", "rep", "gov", "adm", "maj",
                                 "capt", "sgt", "jr", "sr", "st"})


def _runs(doc: Doc) -> list[tuple[int, int]]:
    """[first, last] token indices of capitalised runs (within one sentence).

    Only the tokens that may open a run are visited (``compress`` over the per-word flags),
    not every token of the article."""
    runs = []
    words, lowers, sentence = doc.words, doc.lowers, doc.sentence
    text, starts, ends = doc.text, doc.starts, doc.ends
    n = len(words)
    if len(_RUN_FLAGS) > 20_000:
        _RUN_FLAGS.clear()
    if doc.text.isascii():
        # An ASCII word with no capital (its lower case is itself) has flag 0: only the words
        # with a capital are looked up, which keeps numbers and lower-case words out of the dict
        capitalised = list(compress(range(n), map(ne, words, lowers)))  # (operator.ne: twice str.__ne__'s speed)
        flag_of = dict(zip(capitalised, map(_RUN_FLAGS.__getitem__, map(words.__getitem__, capitalised))))
        openers = compress(capitalised, flag_of.values())
    else:
        flags = list(map(_RUN_FLAGS.__getitem__, words))
        openers = list(compress(range(n), flags))
        flag_of = dict(zip(openers, compress(flags, flags)))  # (no tuple per token, as enumerate would make)
    # flag_of: token index -> its flag, for the tokens whose flag is not 0 (the others are not
    # visited: a dict of the few flagged tokens, not a list over every token of the article)
    flag = flag_of.get
    i = 0
    for candidate in openers:
        if candidate < i:
            continue
        i = candidate
        if not (flag_of[i] == _NAME_WORD or _is_initial(doc, i)):
            continue
        j = i
        last = i
        here = sentence[i]
        while j < n:
            w = words[j]
            if j > i and (starts[j] - ends[j - 1] != 1 or text[ends[j - 1]] == "\n") and \
                    "\n" in text[ends[j - 1]:starts[j]] and (
                    j + 1 < n and words[j + 1] == ":" or DATELINE_AFTER_RE.match(text, ends[j])):
                break  # a name does not run into the label or the dateline of the next line
                # ("Victoria\nDeaths: 11", "Glenn Somerville\nWASHINGTON 1996-08-30")
            f = flag(j, 0)
            if f == _NAME_WORD:
                last = j
                j += 1
                if w.endswith(_POSSESSIVES):
                    break
            elif f == _CAPITAL_LETTER and _is_initial(doc, j):
                last = j + 1
                j += 2
            elif lowers[j] in PARTICLES and j + 1 < n and flag(j + 1, 0) == _NAME_WORD and j > i:
                j += 1
            elif lowers[j] in PARTICLES and j + 2 < n and lowers[j + 1] in PARTICLES and \
                    flag(j + 2, 0) == _NAME_WORD and j > i:
                j += 2  # "von der Leyen", "de la Madrid"
            elif w == "." and j > i and lowers[j - 1] in _ABBREVIATED_TITLES:
                last = j
                j += 1
            else:
                break
            if j < n and sentence[j] != here:
                break
        runs.append((i, last))
        i = max(last + 1, i + 1)
    return runs


_ROLE_WALK_WORDS = TITLE_WORDS | {".", "of", "the", "'s", "\u2019s"}  # (see _role_before)


class _RoleWalkStart(dict):
    """Lower-case word -> may a role end with it (a title, or a word a role walks over)? Filled
    on first sight: asked of the word before every capitalised run."""

    def __missing__(self, low: str) -> bool:
        if len(self) > 50_000:
            self.clear()
        may = self[low] = low in _ROLE_WALK_WORDS or low.rstrip(".") in TITLE_WORDS or \
            (low[-1:] == "s" and low[:-1] in HEAD_TITLES) or \
            (low.endswith(("'s", "\u2019s")) and low[:-2] in TITLE_WORDS)
        return may


_ROLE_WALK_START = _RoleWalkStart()


def _role_before(doc: Doc, first: int) -> str:
    """Walk back over title words from token ``first``: the role they spell ("" if none)."""
    if not first or not _ROLE_WALK_START[doc.lowers[first - 1]]:
        return ""  # the word before is no title, nor a word a role walks over (most runs)
    i = first - 1
    start = first
    titled = False
    text, words, lowers, starts, ends = doc.text, doc.words, doc.lowers, doc.starts, doc.ends
    while i >= 0:
        if "\n" in text[ends[i]:starts[i + 1]]:
            break  # a role does not run across lines (captions, credits)
        w = words[i]
        low = lowers[i]
        if not titled and low in MODIFIER_TITLES:
            break  # "First Edition", "Defense Priorities": a modifier needs a head title after it
        if low in TITLE_WORDS or low.rstrip(".") in TITLE_WORDS or low[-1:] == "s" and low[:-1] in HEAD_TITLES or \
                i == first - 1 and low.endswith(("'s", "\u2019s")) and low[:-2] in TITLE_WORDS:  # "Treasury's Baker"
            titled = True
            start = i
        elif low == "." and i > 0 and doc.lower(i - 1) in {"gen", "lt", "col", "sen", "rep", "gov", "adm"}:
            pass
        elif low in {"of", "the"}:
            pass
        elif titled and (low in demonym_words() or kb.lookup("place", w) or kb.lookup("org", w)) and w[:1].isupper():
            start = i
        elif low in {"'s", "\u2019s"}:
            pass
        else:
            break
        i -= 1
    if not titled:
        return ""
    if doc.words[start - 1:start] == ["."] and start >= 4 and doc.text[doc.starts[start - 4]:doc.ends[start - 1]] \
            in ("U.S.", "U.K.", "U.N."):
        start -= 4
    role = _strip_possessive(doc.text[doc.starts[start]:doc.ends[first - 1]].strip(" ,"))
    for prefix in ("the ", "of "):
        if role.lower().startswith(prefix):
            role = role[len(prefix):]
    return role


def _appositive(doc: Doc, last: int) -> str:
    """``, the head of the Kyiv military administration,`` after a name -> the role phrase."""
    i = last + 1
    if i >= len(doc.words) or doc.words[i] != ",":
        return ""
    j = i + 1
    words = []
    while j < len(doc.words) and len(words) < 10 and doc.words[j] not in {",", ".", ";", "\u201d", '"', "(", ")"}:
        words.append(j)
        j += 1
    lows = [doc.lower(k) for k in words]
    if not lows or lows[0] not in {"the", "a", "an", "his", "her", "its"} and lows[0] not in TITLE_WORDS \
            and lows[0] not in demonym_words():
        return ""
    if not any(w in ROLE_NOUNS or w.rstrip("s") in ROLE_NOUNS for w in lows[:8]):
        return ""
    text = doc.text[doc.starts[words[0]]:doc.ends[words[-1]]]
    for prefix in ("the ", "a ", "an "):
        if text.lower().startswith(prefix):
            text = text[len(prefix):]
    return text


def _institution_context(doc: Doc, first: int, name_first: int, last: int, titled: bool) -> str:
    """Why the run [first, last] names an institution or is not a mention, or "".

    * ``object``: the object of a role (``head of Roscosmos``, ``governor of the Zaporizhzhia``,
      ``Ministry of Foreign Affairs``);
    * ``intro``: introduced by a common noun (``research firm Cornwall Insight``);
    * ``noun``: followed by a lower-case institution noun (``the Conservative party``);
    * ``the``: right after ``the`` with no title (``the Rose Garden ceremony``);
    * ``credit``: a photo credit (``Photograph: Jane Doe/Reuters``).
    """
    lowers, words = doc.lowers, doc.words  # (indexed inline: Doc.lower is a call per word)
    n = len(lowers)
    i = first - 1
    before = lowers[i] if i >= 0 else ""
    if before in {":", "–", "-"} and (lowers[i - 1] if i >= 1 else "") in _CREDIT_WORDS or \
            last + 1 < n and lowers[last + 1] == "/":
        return "credit"
    if name_first >= 1 and lowers[name_first - 1] == "the" and (lowers[name_first - 2] if name_first >= 2 else "") \
            != "of" and not titled and not words[last].endswith(_POSSESSIVES):
        return "the"
    if before == "the" and i >= 1 and lowers[i - 1] == "of":
        i -= 1
        before = "of"
    if before == "of" and i > 0:
        head = lowers[i - 1]
        if head in TITLE_WORDS or head in ROLE_NOUNS or head.rstrip("s") in ROLE_NOUNS or head in _OBJECT_HEADS:
            return "object"
    j = i
    nationalities = demonym_words()
    while j >= 0 and (before in nationalities or before in {"state", "state-run", "state-owned"}):
        j -= 1
        before = lowers[j] if j >= 0 else ""
    if before in INSTITUTION_INTROS and words[j].islower():
        return "intro"
    if not words[last].endswith(_POSSESSIVES):
        nxt = words[last + 1] if last + 1 < n else ""
        if nxt in INSTITUTION_NOUNS or nxt in _INSTITUTION_MODIFIERS and last + 2 < n and \
                words[last + 2] in INSTITUTION_NOUNS:
            return "noun"
    return ""


@lru_cache(maxsize=1)
def _context_before_words() -> frozenset[str]:
    """The words before a run without which :func:`_institution_context` answers "" unless the
    name's first word follows "the" or the run is followed by one of :data:`_CONTEXT_AFTER_WORDS`
    (a credit's mark, "the", "of", a nationality or "state" before an introducing noun, or that
    noun): tested first, as nearly every run has none of them."""
    return frozenset({":", "\u2013", "-", "the", "of", "state", "state-run", "state-owned"}) | \
        INSTITUTION_INTROS | demonym_words()


_CONTEXT_AFTER_WORDS = INSTITUTION_NOUNS | _INSTITUTION_MODIFIERS | {"/"}  # (see _context_before_words)


def _speech_cue(doc: Doc, first: int, last: int) -> bool:
    lowers = doc.lowers
    n = len(lowers)
    after = lowers[last + 1] if last + 1 < n else ""
    if after in SPEECH_VERBS:
        return True
    if after == "," and last + 2 < n and lowers[last + 2] in SPEECH_VERBS:
        return True
    if first >= 2 and lowers[first - 1] in _SAID and lowers[first - 2] in {",", "\u201d", '"', "'", "\u2019"}:
        return True  # inverted attribution: '..., said Bogdan'
    return False


def _validate_by_surname(found: list[_Candidate]) -> list[_Candidate]:
    """A full name with no cue of its own ("his counterpart, Penny Wong") is a person when its
    surname alone has one elsewhere in the article ("Wong said")."""
    cued = {f.key for f in found if f.strong and f.name_words == 1}
    if not cued:
        return found
    weak: dict[str, set[str]] = {}
    named = set()  # surnames with a cued full name in the article already
    for f in found:
        if f.name_words >= 2:
            parts = f.key.split()
            if f.strong and parts:
                named.add(parts[-1])
            elif parts and parts[-1] in cued and (" ".join(parts) in people_index() or
                                                 parts[-1] not in people_by_surname()):
                weak.setdefault(parts[-1], set()).add(" ".join(parts))
    for surname in named:
        weak.pop(surname, None)
    if not weak:
        return found
    out = []
    for f in found:
        if not f.strong and f.name_words >= 2:
            parts = f.key.split()
            if parts and len(weak.get(parts[-1], ())) == 1:
                f = f._replace(strong=True)
        out.append(f)
    return out


def _common_word(doc: Doc, i: int, word: str) -> bool:
    """Is a one-word candidate a common word rather than a name (``However``, ``Critics said``,
    ``MPs said``, ``Officials Say``)?"""
    low = word.lower()
    if low in SENTENCE_OPENERS or low in stop_words() or low in SPEECH_VERBS or low in HEADLINE_VERBS or \
            _PLURAL_ACRONYM_RE.match(word):
        return True
    if doc.lower(i + 1) == "of" and doc.words[i + 2:i + 3] and doc.words[i + 2][:1].isupper():
        return True  # "the State Bureau of Investigations": one word, then "of" and a name
    if 0 <= i < len(doc.sentence_start) and doc.sentence_start[i]:
        if low.endswith("ly") and doc.lower(i + 1) == ",":
            return True  # "Similarly, ...", "Separately, ..."
        if doc.lowercase_words is None:
            doc.lowercase_words = set(filter(str.islower, doc.words))
        return low in doc.lowercase_words  # "Prosecutors said ..." where "prosecutors" also occurs
    return False


def _known_tail(tokens: list[int], words_of: list[str], index: dict[str, str]) -> list[int]:
    """The last two words of a longer run when they, but not the run, are a known person in
    some spelling: an unknown word before a name ("Prezydent Wołodymyr Zelanski")."""
    tail = [t for t in tokens if words_of[t] != "."][-2:]
    if len(tail) < 2 or tail[0] == tokens[0] or not surname_may_be_known(_strip_possessive(words_of[tail[1]])):
        return tokens
    whole = " ".join(_strip_possessive(words_of[t]) for t in tokens if words_of[t] != ".")
    if name_key(whole) in index:
        return tokens
    two = " ".join(_strip_possessive(words_of[t]) for t in tail)
    if name_key(two) in index or name_skeleton(two) in people_by_skeleton():
        return tail
    return tokens


_GENERIC_ROLE_WORDS = frozenset("""
the of and for to in us u.s uk secretary minister president prime deputy chief head former general state
national foreign affairs vice first lady leader member chairman director commander officer
""".split())


def _known_by_surname(surname: str, known: tuple[str, ...], roles: tuple[str, ...], article: set[str]) -> str:
    """The known person a bare surname with no full name in the article means, or "": the
    only one of that surname when the surname is rare (``Brown`` is common; ``Stoltenberg`` is
    not, but two are known), else the one whose known roles share a distinctive word with the
    roles or the words of the article (``Treasury's Baker``, ``Lawson ... Exchequer``)."""
    if len(known) == 1 and surname not in common_surnames():
        return known[0]
    said = {w for r in roles for w in r.lower().replace(".", " ").split()} | article
    people = kb.by_name("person")
    fits = [name for name in known if name in people and said & {
        w for r in people[name].roles for w in r.lower().replace(".", " ").split() if w not in _GENERIC_ROLE_WORDS}]
    return fits[0] if len(fits) == 1 else ""


def _bare_word_is_a_name(doc: Doc, word: str) -> bool:
    """A single capitalised word with a speech cue and nothing else ("Gandhi said"): a person
    unless it reads as a common word, a plural or a product (``Everyone``, ``Students``,
    ``TikTok``), or the article never gives a first name or title for anyone by that word."""
    word = word.translate(kb.CHAR_FOLD)  # (one apostrophe style: O’Brien = O'Brien)
    if word[1:] != word[1:].lower() and not word[:2] in ("Mc", "O'") and not word.startswith(("Mac", "De", "Di", "Le", "La")):
        return False  # "TikTok", "PayPal", "YouTube": inner capitals name products
    low = word.lower()
    if low.endswith("s") and not low.endswith(("ss", "us", "is", "os")):
        return False  # "Students", "Explosions", "Lakers"
    return low not in census_given_names() and low not in COMMON_WORDS


# Last words that make a run a thing, not a person, after a given name from the world lists
# ("Cooper Basin", "Phoenix Financial", "Miller Enterprises", "Vero Beach").
_NOT_SURNAMES = frozenset("""
lake lakes basin bay valley beach plains river island islands mountain mountains hills springs falls creek
coast sound heights park square street road city county state fair classic share shares ton tons
associates enterprises ventures financial foundation hospitals pharmaceutical stores groups limited
pharma cement aluminum aluminium video avionics airbase airport port harbour
""".split()) | CORPORATE_WORDS


def _given_name(doc: Doc, content: list[str], last: int) -> str:
    """Does the run ``content`` start with a given name? ``"census"``: a known one, or a census
    given name that the article never writes in lower case (``Duffy``, but not ``Will`` or
    ``Grace``). ``"world"``: a given name known only from the world lists (``Niall``,
    ``Cosmin``), the article never writing it in lower case, followed by a word that reads as
    a surname: not written in lower case by the article, not a place, organisation or
    thing (``Hansa Rostock``, ``Lada Togliatti`` are clubs, ``Cooper Basin`` a basin), and
    the run not followed by a bare number (a club in a results line: ``Willem II Tilburg 0``).
    ``""``: neither."""
    word = content[0]
    low = word.lower()
    if low in GIVEN_NAMES:
        return "census"
    census = low in census_given_names()
    if not census and low not in world_given_names() or low in people_by_surname():
        return ""
    if doc.lowercase_words is None:
        doc.lowercase_words = set(filter(str.islower, doc.words))
    if low in doc.lowercase_words:
        return ""
    if census:
        return "census"
    if doc.words[last + 1:last + 2] and doc.words[last + 1].isdigit():
        return ""
    surname = content[-1].lower()
    if surname in doc.lowercase_words or surname in COMMON_WORDS or surname in _NOT_SURNAMES \
            or kb.lookup("place", content[-1]) or kb.lookup("org", content[-1]) \
            or kb.lookup("place", " ".join(content)) or kb.lookup("org", " ".join(content)):
        return ""
    return "world"


_DISMISSALS = frozenset({"c", "b", "st", "lbw"})
_SCORECARD_AFTER = _DISMISSALS | {"not", "run"}
_BOWLING_FIGURES_RE = re.compile(r"\d{1,3}(?:\.\d)?-\d{1,3}-\d{1,3}-\d{1,2}$")  # overs-maidens-runs-wickets


def _scorecard_cue(doc: Doc, first: int, last: int) -> bool:
    """Is the run a player in a cricket scorecard? Its lines name people only: ``N. Hussain c
    Saeed Anwar b Waqar Younis 12``, ``G. Thorpe lbw b Mohammad Akram 54``, ``J. Crawley not
    out 94``, bowling figures ``Wasim Akram 25-8-61-1``. The one-letter marks are lower case
    and sit between capitalised names on one line, which ordinary text hardly ever has."""
    words, text = doc.words, doc.text
    nxt = words[last + 1] if last + 1 < len(words) else ""
    if (not first or words[first - 1] not in _DISMISSALS) and nxt not in _SCORECARD_AFTER and not nxt[:1].isdigit():
        return False  # no mark before, no mark or figure after (nearly every run)
    before = words[first - 1] if first and "\n" not in text[doc.ends[first - 1]:doc.starts[first]] else ""
    after = words[last + 1:last + 4] if last + 1 < len(words) and \
        "\n" not in text[doc.ends[last]:doc.starts[last + 1]] else []
    if before in ("c", "b", "st") and first >= 2 and (words[first - 2] in ("lbw", "and") or words[first - 2][:1].isupper()
                                                      or words[first - 2] == "."):
        return True
    if not after:
        return False
    if after[0] in _DISMISSALS and len(after) > 1 and (after[1][:1].isupper() or after[1] == "b"):
        return True
    if after[0] in ("not", "run") and after[1:2] == ["out"]:
        return len(after) > 2 and after[2].isdigit()
    return bool(_BOWLING_FIGURES_RE.match(after[0]))


def _kept_initial(doc: Doc, i: int, last: int, leading_drop: frozenset[str]) -> bool:
    """Is the one-letter word ``i`` (A, I) an initial before a surname: a capital glued to its
    full stop, then one name word that is no title or function word, at the start of a line or
    of a list item, as scorecards and team lists write players ("A. Stewart b Mushtaq Ahmed 44",
    "To bat: R. Croft, D. Cork, A. Mullally"; not "Plan A. The")?"""
    words, text = doc.words, doc.text
    if not (i + 2 == last and words[i].isupper() and words[i + 1] == "." and doc.starts[i + 1] == doc.ends[i]
            and doc.lowers[i + 2] not in leading_drop and "\n" not in text[doc.ends[i + 1]:doc.starts[i + 2]]):
        return False
    before = text[max(0, doc.starts[i] - 3):doc.starts[i]].rstrip(" \t")  # a list's or a line's start
    return bool(before) and before[-1] in "\n,:;("  # (not the title's start: "A. SCHULMAN SETS ...")


def _headline(doc: Doc, i: int) -> bool:
    """Is token ``i`` in the title (the first line), written in title case (``Reagan Approval
    Rating Falls to Four-Year Low``), where capitals say nothing of names?"""
    text = doc.text
    end = text.find("\n")
    if end < 0 or end < doc.starts[i] or text[end:end + 2] != "\n\n":
        return False  # (extract puts a blank line after the title)
    words = [w for w in text[:end if end >= 0 else len(text)].split() if w[:1].isalpha()]
    stopped = stop_words()
    content = [w for w in words if w.lower() not in stopped]
    return len(content) >= 4 and sum(w[:1].isupper() for w in content) >= 0.8 * len(content)


_BRACKET_ROLES = ROLE_NOUNS | {"captain", "coach", "manager", "goalkeeper", "wicketkeeper", "vice-captain",
                               "skipper", "chairwoman", "spokeswoman", "spokesman", "editor", "author"}


def _country_in_brackets(doc: Doc, last: int) -> bool:
    """``(Pakistan)``, ``(U.S.)`` right after a name: the country of a player or a delegate."""
    if doc.words[last + 1:last + 2] != ["("]:
        return False
    close = next((k for k in range(last + 2, min(last + 7, len(doc.words))) if doc.words[k] == ")"), -1)
    if close < 0:
        return False
    inside = doc.text[doc.ends[last + 1]:doc.starts[close]].strip()
    return bool(kb.lookup("place", inside)) or inside.lower() in demonym_words()


_LIST_GLUE = ([","], ["and"], [",", "and"], ["or"], [";"])


def _coordinated(doc: Doc, found: list[_Candidate]) -> list[_Candidate]:
    """Names listed together are alike: a full name with no cue of its own, coordinated (``,``,
    ``and``) with a person, is a person ("Bob Estes, Billy Andrade, Duffy Waldorf and ..."),
    unless that person's only cue is a given name from the world lists (in "Sao Carlos Nil,
    Franca Nil", Franca is a town that is also a given name). A name listed in the body that
    has a cue elsewhere in the article ("c Saeed Anwar b ..." and "Pakistan: Aamir Sohail,
    Saeed Anwar, Ijaz Ahmed") carries its cue into the list."""
    links = [k for k in range(len(found) - 1)
             if found[k + 1].first - found[k].last <= 3
             and doc.lowers[found[k].last + 1:found[k + 1].first] in _LIST_GLUE
             and found[k].name_words >= 2 and found[k + 1].name_words >= 2]
    if links:  # a name with a cue elsewhere in the article is a person in a list of the body too
        cued = {f.key for f in found if f.strong and f.spreads}
        title_end = doc.text.find("\n")
        for k in {i for k in links for i in (k, k + 1)}:
            if not found[k].strong and found[k].key in cued and found[k].start > title_end >= 0:
                found[k] = found[k]._replace(strong=True)
    for k in links + links[::-1]:  # forward, then backward: a cue spreads along the whole list
        a, b = found[k], found[k + 1]
        if a.strong != b.strong and (b if b.strong else a).spreads:
            found[k if b.strong else k + 1] = (a if b.strong else b)._replace(strong=True)
    return found


def _may_name_company(text: str, word: str) -> bool:
    """False when no match of _COMPANY_RE in ``text`` can name ``word``: nowhere is it followed
    by white space and a corporate word. Far cheaper than running _COMPANY_RE over the text."""
    at = text.find(word)
    while at >= 0:
        if _FOLLOWED_BY_CORPORATE_RE.match(text, at + len(word)):
            return True
        at = text.find(word, at + 1)
    return False


_NOT_CONTENT = SUFFIXES | PARTICLES  # words of a name that do not count as its content


class _IsContent(dict):
    """Word -> does it count as a name's content (longer than an initial, no suffix or
    particle)? Filled on first sight, so that a run's content is picked by ``filter`` in C."""

    def __missing__(self, w: str) -> bool:
        if len(self) > 50_000:
            self.clear()
        content = self[w] = len(w) > 1 and w.lower() not in _NOT_CONTENT
        return content


_IS_CONTENT = _IsContent()
_new_candidate = tuple.__new__


def capitalised_runs(doc: Doc) -> list[tuple[int, int]]:
    """[first, last] token indices of the runs of capitalised words that may be names (the
    candidates of people and of organisations named by pattern)."""
    return _runs(doc)


def find_people(doc: Doc, blocked: list[tuple[int, int]],
                runs: list[tuple[int, int]] | None = None) -> list[Person]:
    """People in order of first mention (canonical names may repeat; the caller dedupes)."""
    non_name = _non_name_keys()
    leading_drop = _leading_drop_words()
    stopped = stop_words()
    index = people_index()
    found: list[_Candidate] = []
    blocked_sorted = sorted(blocked)
    blocked_starts = [b[0] for b in blocked_sorted]
    companies: set[str] | None = None  # capitalised words this article uses as a company (on demand)
    institutions: set[str] = set()  # keys of names this article uses as an institution ("head of X")
    words_of, lowers, sentence_start = doc.words, doc.lowers, doc.sentence_start

    role_walk_start = _ROLE_WALK_START
    context_before = _context_before_words()
    n = len(words_of)

    for first, last in (_runs(doc) if runs is None else runs):
        prev = words_of[first - 1] if first else ""
        if prev == "&" or last + 1 < n and words_of[last + 1] == "&":
            continue  # "Standard & Poor's", "Johnson & Johnson": a firm's name, not a person
        if first == last and lowers[first] in leading_drop and len(lowers[first]) > 1 and \
                not (2 <= len(prev) <= 4 and prev.isupper()):
            continue  # "The", "March", "It": one word, dropped below (a shortcut for the commonest runs)
        if 2 <= len(prev) <= 4 and prev.isupper() and prev.isalpha() and \
                name_key(" ".join([prev, *words_of[first:last + 1]])) in index:
            first -= 1  # a known name with a shouted word: "XI Jinping"
        # strip leading title words and sentence-initial function words
        tokens = list(range(first, last + 1))
        titles_popped = False
        modifier_popped = False  # "Defense Priorities", "Information Security": a subject, then a noun
        while tokens:
            low = lowers[tokens[0]].rstrip(".")
            plural_title = low[-1:] == "s" and low[:-1] in HEAD_TITLES
            if len(low) == 1 and _kept_initial(doc, tokens[0], last, leading_drop):
                break  # "A. Stewart", "I. Salisbury": an initial, not the article or the pronoun
            if low in leading_drop or plural_title or (low in SENTENCE_OPENERS and sentence_start[tokens[0]]):
                if low in TITLE_WORDS or plural_title:
                    titles_popped = True
                    nxt = doc.lower(tokens[0] + 1).rstrip(".")
                    modifier_popped = low in MODIFIER_TITLES and nxt not in TITLE_WORDS and nxt != "."
                tokens.pop(0)
                while tokens and words_of[tokens[0]] == ".":
                    tokens.pop(0)
            else:
                break
        if len(tokens) > 1:
            heads = [k for k, t in enumerate(tokens[:-1]) if lowers[t].rstrip(".") in HEAD_TITLES]
            if heads:
                tokens = [t for t in tokens[heads[-1] + 1:] if words_of[t] != "."]
        if not tokens:
            continue
        if lowers[last] in INSTITUTION_NOUNS:
            continue  # "George Washington University", "Vantaa Reservists Association"
        # drop trailing non-name words ("Austin Monday")
        while tokens and lowers[tokens[-1]] in non_name and words_of[tokens[-1]] not in SUFFIXES:
            tokens.pop()
        if not tokens:
            continue
        pre = tokens  # the role and the context read the run before _known_tail
        if len(tokens) >= 3:
            tokens = _known_tail(tokens, words_of, index)
        s, e = doc.starts[tokens[0]], doc.ends[tokens[-1]]
        words = [_strip_possessive(w) for w in map(words_of.__getitem__, tokens) if w != "."]
        if words and words[-1] != words_of[tokens[-1]]:
            e -= len(words_of[tokens[-1]]) - len(words[-1])
        content = list(filter(_IS_CONTENT.__getitem__, words))
        if not content or len(content) > 4 or modifier_popped and len(content) == 1 or \
                not non_name.isdisjoint(map(str.lower, content)) or \
                (b := bisect.bisect_left(blocked_starts, e) - 1) >= 0 and blocked_sorted[b][1] > s:
            # (blocked: the spans are sorted and disjoint, so only the last one starting before
            # ``e`` can overlap)
            # no candidate (tested before the role and the context, which cost more); but the
            # object of a role ("head of Roscosmos") still names an institution of the article
            # (whether the run is titled does not change an "object" answer)
            if pre[0] == first and first and lowers[first - 1] in ("of", "the") and \
                    _institution_context(doc, first, first, pre[-1], False) == "object":
                institutions.add(name_key(" ".join(_strip_possessive(words_of[t]) for t in pre)))
            continue
        # (pure: computed only for runs that get this far; called only when the word before
        # may end a role, its own first test, which nearly every run fails)
        role = _role_before(doc, first) if first and role_walk_start[lowers[first - 1]] else ""
        if pre[0] != first:
            own = _role_before(doc, pre[0])
            if not own and role.lower().endswith((" of", " of the", " for")):
                # "US Secretary of" + "Defense": the title runs on into the name's run
                own = f"{role} {doc.text[doc.starts[first]:doc.ends[pre[0] - 1]]}".strip(" ,.")
            role = own or role
        context = _institution_context(doc, first, pre[0], pre[-1], titles_popped or bool(role)) if (
            first and lowers[first - 1] in context_before or pre[0] and lowers[pre[0] - 1] == "the" or
            pre[-1] + 1 < n and lowers[pre[-1] + 1] in _CONTEXT_AFTER_WORDS) else ""
        if context:
            run_key = name_key(" ".join(_strip_possessive(words_of[t]) for t in pre))
            if context == "object" and pre[0] == first:
                institutions.add(run_key)
            if context != "object" or len(pre) == 1 or pre[0] == first:
                if run_key not in index:
                    continue
        nk = name_key(" ".join(words))
        # What follows the name and what precedes it decide whether the cue functions below can
        # answer anything but "no" (their own first tests, made here to spare the calls)
        t0, t1 = tokens[0], tokens[-1]
        after = lowers[t1 + 1] if t1 + 1 < n else ""
        may_speak = after in SPEECH_VERBS or after == "," or t0 >= 2 and lowers[t0 - 1] in _SAID
        strong = bool(role) or (len(content) > 1 and may_speak and _speech_cue(doc, t0, t1))
        spreads = True
        appositive = None
        if not strong:
            appositive = _appositive(doc, t1) if after == "," else ""
            strong = bool(appositive)
        if not strong and len(content) == 1 and may_speak and _speech_cue(doc, t0, t1):
            # "Gandhi announced", "TREASURY'S BAKER SAYS": a person unless the article shows
            # the word as a company ("Ford Motor Co ... Ford said")
            if _may_name_company(doc.text, content[0]):
                if companies is None:
                    companies = {m.group(1) for m in _COMPANY_RE.finditer(doc.text)}
                strong = content[0] not in companies
            else:
                strong = True
        if nk in index or len(content) >= 2 and surname_may_be_known(words[-1]) and \
                name_skeleton(" ".join(words)) in people_by_skeleton():
            strong = True  # a known person, in any spelling ("Wołodymyr Zelanski")
        elif 2 <= len(content) <= 3 and (given := _given_name(doc, content, tokens[-1])) \
                and not _headline(doc, tokens[0]):
            strong = True
            spreads = given == "census"  # a world-list name is a weaker cue: it does not spread
        elif strong:
            pass  # (the tests below only make a run strong)
        elif len(content) == 1 and len(words) >= 2 and len(words[0]) == 1 and not kb.lookup("place", content[0]) \
                and not kb.lookup("org", content[0]):
            strong = True  # "D. Bicknell", "J. Russell": an initial and a surname
        elif (t0 and words_of[t0 - 1] in _DISMISSALS or after in _SCORECARD_AFTER or after[:1].isdigit()) and \
                _scorecard_cue(doc, t0, t1):
            strong = True  # "c Saeed Anwar b Waqar Younis 12", "Wasim Akram 25-8-61-1"
        elif len(content) >= 2 and _country_in_brackets(doc, tokens[-1]):
            strong = True  # "Jansher Khan (Pakistan) beat Mark Cairns (England)"
        elif len(content) >= 2 and doc.words[tokens[-1] + 1:tokens[-1] + 2] == ["("] and \
                doc.lower(tokens[-1] + 2) in _BRACKET_ROLES and doc.lower(tokens[-1] + 3) == ")":
            strong = True  # "Wasim Akram (captain)", "John Smith (chairman)"
        if len(content) == 1 and (sentence_start[tokens[0]] and not role) and \
                content[0].lower() in stopped:
            continue
        if appositive is None:
            appositive = _appositive(doc, t1) if after == "," else ""
        roles = (role, appositive) if role and appositive else (role,) if role else (appositive,) if appositive else ()
        # (a plain tuple of all the fields: the generated __new__ would parse them in Python;
        # name words: the words longer than an initial, and no word is empty)
        found.append(_new_candidate(_Candidate, (t0, t1, s, e, words, roles, strong, nk, spreads,
                                                 len(words) - list(map(len, words)).count(1))))

    # Resolve: full names first, then bare surnames/first names to a full name in the article.
    full: dict[str, str] = {}  # surname key -> canonical
    firsts: dict[str, set[str]] = {}
    validated_keys: set[str] = set()
    found = _validate_by_surname(_coordinated(doc, found))
    for f in found:
        if f.strong and f.name_words >= 2:
            canon = canonical_person(" ".join(f.words))
            validated_keys.add(f.key)
            k = f.key.split()
            if k:
                full.setdefault(k[-1], canon)
                firsts.setdefault(k[0], set()).add(canon)
    people: list[Person] = []
    article_words: set[str] | None = None  # the article's words, lower case (asked for on demand)
    for first, last, s, e, words, roles, strong, nk, _, name_words in found:
        # two content words (suffixes are not: "Jr"); at most its name words, counted already
        # (no suffix among the words, the first test, is the common case: then every name word counts)
        if name_words >= 2 and (SUFFIXES.isdisjoint(map(str.lower, words)) or
                                sum(len(w) > 1 and w.lower() not in SUFFIXES for w in words) >= 2):
            if not strong and nk not in validated_keys:
                continue
            canon = canonical_person(" ".join(words))
        else:
            k = nk.split()[-1] if nk else ""
            if k in full:
                canon = full[k]
            elif k in firsts and len(firsts[k]) == 1:
                canon = next(iter(firsts[k]))
            elif nk in index:
                canon = index[nk]
            elif not strong or nk in institutions or _common_word(doc, first, words[0] if words else "") and not (
                    len(words) > 1 and len(words[0]) == 1):  # an initial ("A. Stewart") is no common word
                continue
            else:
                known = people_by_surname().get(k, ())
                if known:
                    if article_words is None:
                        article_words = set(doc.lowers)
                    canon = _known_by_surname(k, known, roles, article_words)
                    if not canon:
                        continue  # "Brown said", "Johnson said": which Brown? Left out, not guessed
                elif roles or len(words) > 1:
                    canon = canonical_person(" ".join(words))  # "Defence Minister Petrenko"
                elif _bare_word_is_a_name(doc, words[0]):
                    canon = canonical_person(words[0])
                else:
                    continue
        people.append(Person(canon, s, e, list(roles), " ".join(doc.text[s:e].split())))
    return people
