"""Plain-text pages, one article a file, as saved from real news sites (the seeds).

These are messy: a leading `` date YYYY-MM-DD`` line, photo captions repeated on two
lines, a site name and an unrelated headline above the article, "Source link" and promo
lines. We keep what is the article and say what is not, rather than trusting line one.
"""

from __future__ import annotations

import re
from typing import BinaryIO, Iterator

from ...analysis import query_terms
from ..dates import parse_date
from ...models import UNKNOWN_SOURCE, Article
from ..sources import source_from_filename, source_from_text
from .base import Format, Problem, Record

MAX_TITLE_CHARS = 110

_DATE_LINE_RE = re.compile(r"^\s*date\s+(\d{4}-\d{1,2}-\d{1,2})\b\s*(.*)$", re.I)
_BYLINE_RE = re.compile(r"^By\s+((?:[A-Z][\w.'\u2019-]*\s?){1,5})$")
_DATELINE_RE = re.compile(r"^[A-Z][A-Z .'\u2019,-]{2,40}\s+[\u2013\u2014-]{1,2}\s+")
_CREDIT_TAIL_RE = re.compile(r"\s*\([A-Z][\w/ .-]{1,30}\)$")
_BOILERPLATE_RES = [re.compile(p, re.I) for p in (
    r"^source link$", r"^live briefing:", r"live briefing gives you", r"click here\.?$",
    r"^(advertisement|read more|related( articles| stories)?:?|share this( article)?|"
    r"subscribe|sign up)\b", r"^(image|photo|video)( credit)?:", r"^(skip to|jump to) ",
)]
_SENTENCE_END_RE = re.compile(r"[.!?][\"\u201d\u2019']?$")
_ABBREVIATION_RE = re.compile(r"(?:\b[A-Z]\.|\b(?:[A-Z]\.){2,}|\b(?:Mr|Mrs|Ms|Dr|Gen|Lt|Col|Sgt|"
                              r"Capt|Maj|Adm|Gov|Sen|Rep|St|No|Jan|Feb|Aug|Sept|Oct|Nov|Dec)\.)$")


class PlainTextFormat(Format):
    name = "text"
    suffixes = (".txt", ".text")

    def read(self, path: str, stream: BinaryIO) -> Iterator[Record]:
        raw = stream.read()
        if raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield Problem(path, raw.count(b"\n", 0, exc.start) + 1,
                          f"not valid UTF-8 (byte {exc.start})")
            return
        article = parse_page(text, path)
        yield article if isinstance(article, Article) else Problem(path, None, article)


def _is_boilerplate(line: str) -> bool:
    return any(r.search(line) for r in _BOILERPLATE_RES)


def _is_caption_repeat(first: str, second: str) -> bool:
    """``caption`` then ``caption AFP``: a photo caption with its credit."""
    if not second.startswith(first):
        return False
    return len(second[len(first):].split()) <= 3


def _looks_like_headline(line: str) -> bool:
    words = line.split()
    return 3 <= len(words) <= 25 and not _SENTENCE_END_RE.search(line) \
        and not _CREDIT_TAIL_RE.search(line)


def _related(headline: str, body: str) -> bool:
    """A headline that shares no content word with the body is someone else's."""
    head_terms = {t for t in query_terms(headline) if len(t) > 3}
    return bool(head_terms & set(query_terms(body))) if head_terms else False


def lead_sentence(paragraph: str, limit: int = MAX_TITLE_CHARS) -> str:
    """The first sentence of a paragraph, without a dateline, cut on a word boundary."""
    text = _DATELINE_RE.sub("", paragraph.strip())
    words, sentence = text.split(), []
    for word in words:
        sentence.append(word)
        if _SENTENCE_END_RE.search(word) and not _ABBREVIATION_RE.search(word):
            break
    out = " ".join(sentence)
    if len(out) > limit:
        out = out[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "\u2026"
    return out


def parse_page(text: str, path: str = "") -> Article | str:
    """An Article from one page of text, or the reason it holds none."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.strip() for line in text.split("\n")]
    lines = [line for line in lines if line]
    if not lines:
        return "no text"
    date = None
    match = _DATE_LINE_RE.match(lines[0])
    if match:
        date = parse_date(match.group(1))
        lines = ([match.group(2).strip()] if match.group(2).strip() else []) + lines[1:]

    authors: list[str] = []
    kept: list[str] = []
    captions: set[int] = set()  # indexes into kept
    for i, line in enumerate(lines):
        if i + 1 < len(lines) and _is_caption_repeat(line, lines[i + 1]):
            captions.add(len(kept))  # keep the credited copy only: the next line
            continue
        byline = _BYLINE_RE.match(line)
        if byline and i < 3:
            authors.append(byline.group(1).strip())
            continue
        if _is_boilerplate(line):
            continue
        if _CREDIT_TAIL_RE.search(line) and len(line.split()) < 20:
            captions.add(len(kept))  # "US secretary of defense Lloyd Austin (Anadolu)"
        kept.append(line)

    # Head zone: short lines above the first real paragraph: site names, headlines.
    # Captions there stay in the body; the rest is either the title or page furniture.
    title = ""
    furniture: set[int] = set()
    for i, line in enumerate(kept):
        if i in captions:
            continue
        if len(line.split()) >= 20 or _SENTENCE_END_RE.search(line):
            break
        if not title and _looks_like_headline(line) and _related(line, " ".join(kept[i + 1:])):
            title = line
        furniture.add(i)
    if len(furniture) == len(kept):  # nothing but short lines: they are the article
        furniture = {kept.index(title)} if title else set()
    body_lines = [line for i, line in enumerate(kept) if i not in furniture]
    if not title:
        prose = [l for i, l in enumerate(kept) if i not in furniture and i not in captions]
        title = lead_sentence((prose or body_lines or kept)[0])
    body = "\n\n".join(body_lines)
    if not body.strip() and not title:
        return "no article text"
    source = source_from_text(text) or source_from_filename(path) or UNKNOWN_SOURCE
    return Article(title=title, body=body, date=date, source=source, authors=tuple(authors),
                   origin=path)
