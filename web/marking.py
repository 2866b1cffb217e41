"""The article page's text as paragraphs of pieces: plain text, query matches, and entity
mentions that link to their facet. Everything stays plain text here; the template escapes
it and wraps matches in <mark> and mentions in <a>."""

from __future__ import annotations

import re
from dataclasses import dataclass

from search.models import StoredArticle

ENTITY_KINDS = (("person", "persons"), ("system", "systems"), ("org", "orgs"), ("place", "places"))
_PARAGRAPH_RE = re.compile(r"\n\s*\n+")


@dataclass(frozen=True)
class Piece:
    """A run of text inside one paragraph: ``parts`` are ``(text, is_match)`` pairs; an
    entity piece carries the facet (kind, canonical name) it links to."""

    parts: tuple[tuple[str, bool], ...]
    kind: str = ""
    name: str = ""


def _surface_forms(kind: str, name: str) -> set[str]:
    forms = {name}
    try:  # aliases from the shipped knowledge base, when the entity is in it
        from search.entities import kb
        entry = kb.by_name(kind).get(name)
        if entry is not None:
            forms.update(entry.surface_forms)
    except Exception:  # the knowledge base is optional for marking
        pass
    if kind == "person" and " " in name:
        forms.add(name.rsplit(" ", 1)[-1])  # "Austin said"
    return {f for f in forms if len(f) >= 2}


def entity_spans(article: StoredArticle, text: str) -> list[tuple[int, int, str, str]]:
    """Non-overlapping (start, end, kind, name) mentions of the article's entities."""
    candidates = []
    for kind, attr in ENTITY_KINDS:
        for name in getattr(article, attr):
            for form in _surface_forms(kind, name):
                pattern = re.compile(rf"(?<![\w-]){re.escape(form)}(?![\w-])")
                for match in pattern.finditer(text):
                    candidates.append((match.start(), match.end(), kind, name))
    # longest first, then leftmost: "Lloyd Austin" beats "Austin"
    candidates.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
    taken: list[tuple[int, int, str, str]] = []
    for span in candidates:
        if all(span[1] <= t[0] or span[0] >= t[1] for t in taken):
            taken.append(span)
    return sorted(taken)


def _parts(text: str, offset: int, matches: list[tuple[int, int]]) -> tuple[tuple[str, bool], ...]:
    """Split text (which starts at ``offset`` in the body) by query-match spans."""
    out, cursor, end = [], offset, offset + len(text)
    for start, stop in matches:
        start, stop = max(start, offset), min(stop, end)
        if start >= stop:
            continue
        if start > cursor:
            out.append((text[cursor - offset:start - offset], False))
        out.append((text[start - offset:stop - offset], True))
        cursor = stop
    if cursor < end:
        out.append((text[cursor - offset:], False))
    return tuple(out)


def paragraphs(article: StoredArticle, matches: list[tuple[int, int]]) -> list[list[Piece]]:
    """The body split into paragraphs of pieces, with matches and entity mentions marked."""
    body = article.body
    entities = entity_spans(article, body)
    bounds, start = [], 0
    for sep in _PARAGRAPH_RE.finditer(body):
        bounds.append((start, sep.start()))
        start = sep.end()
    bounds.append((start, len(body)))
    out = []
    for p_start, p_end in bounds:
        if not body[p_start:p_end].strip():
            continue
        pieces, cursor = [], p_start
        for e_start, e_end, kind, name in entities:
            if e_end <= p_start or e_start >= p_end:
                continue
            if e_start > cursor:
                pieces.append(Piece(_parts(body[cursor:e_start], cursor, matches)))
            pieces.append(Piece(_parts(body[e_start:e_end], e_start, matches), kind, name))
            cursor = e_end
        if cursor < p_end:
            pieces.append(Piece(_parts(body[cursor:p_end], cursor, matches)))
        out.append(pieces)
    return out
