"""Organisations: which gazetteer hits are really the organisation.

Ambiguous entries (``WHO``, ``ITC``, ``Fed``, ``Wagner``, ``Shell``) are accepted only as
written in the knowledge base (``WHO`` in capitals, in a sentence that is not itself in
capitals), and a capitalised one-word name only when no first name precedes it and no
other capitalised word follows it (``Richard Wagner``, ``Shell Beach``), unless that word
is an organisation word (``Wagner Group``).
"""

from __future__ import annotations

from . import kb
from .matcher import Match, in_caps_context
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
