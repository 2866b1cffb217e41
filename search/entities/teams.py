"""Teams: a city, county or state named as a sports team is an organisation, not a place.

Sports news names most clubs by their town ("Boston beat Seattle 4-2", "Surrey captain Chris
Lewis", "DETROIT 4 Kansas City 1"). Tagging those as places fills the place facet with cities
the story is not about and leaves the club out of the organisations. Three general cues, no
list of clubs:

* a **score line**: ``<name> <score> <name> <score>`` alone on a line (optionally after
  ``In <town>:``, each name optionally followed by a country in brackets, a half-time score
  after): both names are teams, whatever they are (``Haitai 5 Lotte 3``);
* a **line of standings** that starts with a place and a score (``MINNESOTA 67 67 .500``), or a
  place between two scores (see :func:`places.team_in_results`);
* in a **sports story**, a place next to a word that only a team fits: the subject of
  ``beat``/``drew``/``lost``, the object of ``beat``/``against``/``v``, or before
  ``captain``/``coach``/``pitcher``/``fans`` (``Boston pitcher Tim Wakefield``).

A name read as a team once is the team in the rest of the story too (one sense per story),
except where a location word says otherwise (``in Boston``, ``at Seattle``). A country stays a
place: national sides are named by their country, and a facet of countries in a story about
Romania v Lithuania is right.
"""

from __future__ import annotations

import re

# A team's name: up to four capitalised words (particles such as "da", "de" between them).
_WORD = r"[^\W\d_a-z][^\W\d_]*(?:['.-][^\W\d_]+)*\.?"
_NAME = rf"{_WORD}(?:(?: (?:da|de|do|dos|del|di|la|le|van|von|and|&))? {_WORD}){{0,3}}"
_SCORE_LINE_RE = re.compile(
    rf"^(?:In [^\W\d_][^\n:]{{0,30}}: )?(?P<a>{_NAME})(?: \([^()\n]{{2,30}}\))? \d{{1,3}} "
    rf"(?P<b>{_NAME})(?: \([^()\n]{{2,30}}\))? \d{{1,3}}(?: \([^()\n]*\))?[ \t]*$", re.M)
_STANDINGS_LINE_RE = re.compile(rf"^(?P<a>{_NAME})(?: \d{{1,3}}){{2,}}(?:[ \t]+[\d./-]+)*[ \t]*$", re.M)


def score_line_pairs(text: str) -> list[tuple[str, str]]:
    """The two names of each score line (``Guingamp 2 Monaco 1`` -> ("Guingamp", "Monaco"))."""
    return [(m.group("a"), m.group("b")) for m in _SCORE_LINE_RE.finditer(text)]


def score_line_teams(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, any_name) of the names on score lines (``Rotor Volgograd 2 Lada Togliatti 1``,
    both teams whatever they are: any_name) and at the start of standings lines (``MINNESOTA 67
    67 .500 13``: a team only if a place names it, since golfers and runners head such lines too).
    Ask only of a sports story: business news has tables of prices by city and region."""
    out = []
    for m in _SCORE_LINE_RE.finditer(text):
        for group in ("a", "b"):
            s, e = m.span(group)
            if text[s:e].lower() not in _NOT_TEAMS:
                out.append((s, e, True))
    for m in _STANDINGS_LINE_RE.finditer(text):
        s, e = m.span("a")
        if not any(a <= s < b for a, b, _ in out):
            out.append((s, e, False))
    return out


_NOT_TEAMS = frozenset({"in", "at", "and", "the", "total", "totals", "after", "before", "half", "halftime",
                        "attendance", "round", "game", "games", "match", "set", "week", "day", "group",
                        "january", "february", "march", "april", "may", "june", "july", "august", "september",
                        "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
                        "sep", "sept", "oct", "nov", "dec"})

# A sports story: words that business, politics and war news rarely use. The matcher finds them
# in its one pass over the text (plural tails included: "goals", "matches"), so asking costs nothing.
SPORTS_WORDS = frozenset("""
soccer football baseball basketball cricket rugby hockey tennis golf athletics innings wicket halftime half-time
goalkeeper striker midfielder pitcher inning homer touchdown quarterback playoff play-off league cup seeded
semi-final quarter-final tournament championship premiership standings goal season coach match fixture stadium
batsman bowler podium
""".split())


# Words next to a name that only a team fits (matched case-insensitively: headlines shout).
_TEAM_VERBS_AFTER = """beat beats drew draw defeated thrashed routed edged trounced hammered overcame outclassed
downed blanked whipped swept outscored lost lose loses won win wins beating drawing rallied scored trailed led
clinched""".split()
_TEAM_NOUNS_AFTER = """captain skipper coach manager pitcher pitchers striker strikers goalkeeper midfielder defender
batsman batsmen bowler bowlers quarterback fans supporters players player outfielder infielder shortstop catcher
starter reliever closer forward winger keeper wicketkeeper opener all-rounder spinner lineup line-up bullpen
rookie slugger team club squad""".split()
_TEAM_WORDS_BEFORE = """beat beating beats against v vs versus defeated thrashed routed edged trounced hammered
downed blanked whipped swept host hosts hosting overcame""".split()
_AFTER_CUE_RE = re.compile(
    r"(?:'s|\u2019s)?,?[ \t]+(?:(?:have|had|has|were|was)[ \t]+(?:beaten|won|lost|drawn|scored|clinched)|"
    rf"{'|'.join(sorted(_TEAM_VERBS_AFTER + _TEAM_NOUNS_AFTER, key=len, reverse=True))})\b", re.I)
_BEFORE_CUE_RE = re.compile(
    rf"(?<![\w-])(?:{'|'.join(sorted(_TEAM_WORDS_BEFORE, key=len, reverse=True))}|v\.|vs\.|"
    r"(?:drew|draw|drawn|tied)[ \t]+with|(?:lost|lose|loses|losing|fell)[ \t]+to|"
    r"(?:win|wins|won|victory|triumph)[ \t]+over)[ \t]+$", re.I)
_CAPITAL_AFTER_RE = re.compile(r"[ \t]+[A-Z]")
_PLACE_WORDS_BEFORE = frozenset({"in", "at", "near", "from", "to", "into", "of", "outside", "across", "around",
                                 "through", "visit", "visited", "visiting", "toward", "towards"})


# Names of competitions, not teams ("Davis Cup", "U.S. Open").
EVENT_WORDS = frozenset("""cup open trophy games championship championships league series classic masters prix
bundesliga tour olympics""".split())

# Parts of a country that field national sides of their own, as countries do.
_HOME_NATIONS = frozenset({"England", "Scotland", "Wales", "Northern Ireland"})


def may_name_team(place: str, category: str) -> bool:
    """Can a team take its name from this place? Clubs take a city's, a county's or a state's;
    a nation's side stays a place (the country of the story); continents and seas name none."""
    return category in ("city", "town", "region") and place not in _HOME_NATIONS


def may_name_club(place: str, category: str) -> bool:
    """May a nation's name be a club's (Monaco in the French league)? Not a home nation's
    (England, Scotland: their sides play nations). See ``extract._nations_as_clubs``."""
    return category == "country" and place not in _HOME_NATIONS


def sports_story(words: list[str], length: int) -> bool:
    """Is a story of ``length`` characters sports news, given the ``SPORTS_WORDS`` it uses (each
    time)? Two different ones at least, one alone ("season", "goal", "cup") is common in any
    news; and one in 1,000 characters at least: a long live blog on a war mentions a "coach"
    and a "goal" too."""
    return len(words) * 1000 >= length and len(set(words)) >= 2


def _word_before(text: str, start: int) -> str:
    i = start
    while i > 0 and text[i - 1] in " \t":
        i -= 1
    j = i
    while j > 0 and not text[j - 1].isspace():
        j -= 1
    return text[j:i].lower().strip(",;:(\"")


def team_cue(text: str, start: int, end: int, place: bool = False) -> bool:
    """Does a word next to the name at [start, end) fit only a team ("Boston beat", "beat Boston",
    "drew with Boston", "Boston pitcher")? Not when a capitalised word follows ("won over London
    Interbank", "beat the Boston Red Sox": another name), nor across a line break. For a
    ``place``, not "against" nor "host": a city stands for its government too ("sanctions
    against Moscow", "Warsaw hosts the summit")."""
    if _AFTER_CUE_RE.match(text, end):
        return True
    if start < 2 or _CAPITAL_AFTER_RE.match(text, end) and not text[start:end].isupper():
        return False
    m = _BEFORE_CUE_RE.search(text, max(0, start - 24), start)
    return m is not None and not (place and m.group().split()[0].lower() in _WEAK_BEFORE)


_WEAK_BEFORE = frozenset({"against", "host", "hosts", "hosting"})


_DATELINE_AFTER_RE = re.compile(r"[ \t]*(?:\d{4}-\d\d-\d\d|[,(\u2013\u2014-])")


def place_cue(text: str, start: int, end: int) -> bool:
    """Does a location word come right before the name ("in Boston", "at Seattle": also the
    venue in a fixture, "NEW YORK AT BALTIMORE"), or is it a dateline ("NEW YORK 1996-08-30",
    "BOSTON, May 2 -")?"""
    if (start == 0 or text[start - 1] == "\n") and _DATELINE_AFTER_RE.match(text, end):
        return True
    return _word_before(text, start) in _PLACE_WORDS_BEFORE
