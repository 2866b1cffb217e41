"""Plain-text pages, one article a file, as saved from real news sites (the seeds).

These are messy: a leading `` date YYYY-MM-DD`` line, photo captions repeated on two
lines, a site name and an unrelated headline above the article, "Source link" and promo
lines. We keep what is the article and say what is not, rather than trusting line one.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
from collections import Counter
from functools import lru_cache
from typing import BinaryIO, Iterator

from ...analysis import query_terms
from ..dates import parse_date
from ...models import UNKNOWN_SOURCE, Article
from ..sources import source_from_filename, source_from_text
from .base import UTF8_BOM, Format, Problem, ReadOptions, Record, decode, encoding_note, notice

MAX_TITLE_CHARS = 110

_DATE_LINE_RE = re.compile(r"^\s*date\s+(\d{4}-\d{1,2}-\d{1,2})\b\s*(.*)$", re.I)
#: (Possessive: a name's words end where a word does; a long run of capitals split every way
#: among five words took seconds a line.)
_BYLINE_RE = re.compile(r"^By\s+((?:[A-Z][\w.'\u2019-]*+\s?+){1,5})$")
_DATELINE_RE = re.compile(r"^[A-Z][A-Z .'\u2019,-]{2,40}\s+[\u2013\u2014-]{1,2}\s+")
_CREDIT_TAIL_RE = re.compile(r"\s*\([A-Z][\w/ .-]{1,30}\)$")
_BOILERPLATE_RES = [re.compile(p, re.I) for p in (
    r"^source link$", r"^live briefing:", r"live briefing gives you", r"click here\.?$",
    r"^(advertisement|read more|related( articles| stories)?:?|share this( article)?|"
    r"subscribe|sign up)\b", r"^(image|photo|video)( credit)?:", r"^(skip to|jump to) ",
    # Page furniture addressed to the reader, and labels of buttons and embeds.
    r"^(new\s+)?you can now (listen|read|watch)\b", r"^you('re| are) reading an? (excerpt|preview)\b",
    r"\b(text|story|article) is (under|below|above) the (video|image|photo)",
    r"^(expand|collapse|close|play|watch|listen|share|menu|loading\W*|advertisement)$",
)]
#: A line that only names a day: "Saturday 20 November", "12 March 2022".
_DATE_ONLY_RE = re.compile(
    r"^(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s*)?(?:\d{1,2}(?:st|nd|rd|th)?\s+)?"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?(?:\s+\d{1,2}(?:st|nd|rd|th)?)?,?"
    r"(?:\s+\d{4})?$", re.I)
#: All capitals and short: a cross-heading or a promo ("WATCH: LATEST UPDATES"), not prose.
_CAPS_HEADING_RE = re.compile(r"^[^a-z]{3,80}$")
_SENTENCE_END_RE = re.compile(r"[.!?][\"\u201d\u2019']?$")
_ABBREVIATION_RE = re.compile(r"(?:\b[A-Z]\.|\b(?:[A-Z]\.){2,}|\b(?:Mr|Mrs|Ms|Dr|Gen|Lt|Col|Sgt|"
                              r"Capt|Maj|Adm|Gov|Sen|Rep|St|No|Jan|Feb|Aug|Sept|Oct|Nov|Dec)\.)$")


#: A short line found verbatim in this many distinct pages of one folder is the site's
#: template (a promo, a cross-heading, a "listen to this article" button), not the article.
TEMPLATE_MIN_PAGES = 3
_TEMPLATE_MAX_WORDS = 15
_TEMPLATE_SAMPLE_FILES = 2000
_TEMPLATE_HEAD, _TEMPLATE_TAIL = 4096, 2048


def _line_key(line: str) -> str:
    return " ".join(line.split()).casefold()


@lru_cache(maxsize=64)
def template_lines(folder: str) -> frozenset[str]:
    """Short lines that recur verbatim across the text pages of ``folder``: the general
    sign of page furniture, whatever the site. Pages are sampled at their head and tail
    (where furniture sits); identical pages count once, so duplicates are not furniture."""
    try:
        names = sorted(n for n in os.listdir(folder) if n.lower().endswith((".txt", ".text")))
    except OSError:
        return frozenset()
    counts: Counter[str] = Counter()
    seen: set[bytes] = set()
    for name in names[:_TEMPLATE_SAMPLE_FILES]:
        try:
            with open(os.path.join(folder, name), "rb") as f:
                head = f.read(_TEMPLATE_HEAD)
                f.seek(0, os.SEEK_END)
                size = f.tell()
                f.seek(max(len(head), size - _TEMPLATE_TAIL))
                sample = head + b"\n" + f.read(_TEMPLATE_TAIL)
        except OSError:
            continue
        digest = hashlib.sha1(sample).digest()
        if digest in seen:
            continue
        seen.add(digest)
        text = sample.decode("utf-8", errors="replace")
        counts.update({_line_key(line) for line in text.splitlines()
                       if 0 < len(line.split()) <= _TEMPLATE_MAX_WORDS})
    return frozenset(line for line, count in counts.items() if count >= TEMPLATE_MIN_PAGES)


class PlainTextFormat(Format):
    name = "text"
    suffixes = (".txt", ".text")

    one_per_file = True

    def read(self, path: str, stream: BinaryIO, options: ReadOptions) -> Iterator[Record]:
        text, notes = read_page_text(path, stream, options.limits.max_record_bytes)
        yield from notes
        # Parsing looks at the whole page (credits, headlines): not past what can be kept.
        article = parse_page(text[:options.limits.max_article_chars * 5 // 4], path,
                             template_lines(os.path.dirname(os.path.abspath(path))))
        yield article if isinstance(article, Article) else Problem(path, None, article)


def read_page_text(path: str, stream: BinaryIO, max_bytes: int,
                   declared: str = "") -> tuple[str, list[Problem]]:
    """The text of a one-article file, reading at most ``max_bytes`` (a page is never that
    long; what is longer is a bomb or not a page), decoded as UTF-8 or else cp1252; and
    notices saying what was cut or assumed."""
    raw = stream.read(max_bytes + 1)
    notes = []
    if len(raw) > max_bytes:
        raw = raw[:max_bytes]
        notes.append(notice(path, None, f"longer than {max_bytes / 1e6:,.0f} MB: only the first "
                            f"{max_bytes / 1e6:,.0f} MB were read (--max-article-chars)"))
    if raw.startswith(UTF8_BOM):
        raw = raw[3:]
    elif declared:  # the encoding the page declares (HTML <meta charset>)
        try:
            return raw.decode(declared, errors="replace"), notes
        except LookupError:
            pass
    try:  # a cut may split a character: leave its bytes out rather than fall back
        text = codecs.getincrementaldecoder("utf-8")().decode(raw, final=not notes)
    except UnicodeDecodeError as exc:
        text, encoding = decode(raw)
        notes.append(notice(path, raw.count(b"\n", 0, exc.start) + 1, encoding_note(encoding)))
    return text, notes


def _is_boilerplate(line: str) -> bool:
    return any(r.search(line) for r in _BOILERPLATE_RES) or (
        len(line.split()) <= 8 and _CAPS_HEADING_RE.match(line) is not None
        and sum(c.isalpha() for c in line) >= 3)


def _is_caption_repeat(first: str, second: str) -> bool:
    """``caption`` then ``caption AFP``: a photo caption with its credit."""
    if not second.startswith(first):
        return False
    return len(second[len(first):].split()) <= 3


def _looks_like_headline(line: str) -> bool:
    words = line.split()
    return 3 <= len(words) <= 25 and not _SENTENCE_END_RE.search(line) \
        and not _CREDIT_TAIL_RE.search(line) and not _DATE_ONLY_RE.match(line)


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


def parse_page(text: str, path: str = "", template: frozenset[str] = frozenset()) -> Article | str:
    """An Article from one page of text, or the reason it holds none. Lines in ``template``
    (see :func:`template_lines`) are page furniture."""
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
        byline = _BYLINE_RE.match(line) if i < 3 else None
        if byline:
            authors.append(byline.group(1).strip())
            continue
        if _is_boilerplate(line) or (template and _line_key(line) in template):
            continue
        if _CREDIT_TAIL_RE.search(line) and len(line.split()) < 20:
            captions.add(len(kept))  # "US secretary of defense Lloyd Austin (Anadolu)"
        kept.append(line)

    if not kept:
        return "no article text (only page furniture)"
    # Head zone: short lines above the first real paragraph: site names, headlines.
    # Captions there stay in the body; the rest is either the title or page furniture.
    title = ""
    furniture: set[int] = set()
    for i, line in enumerate(kept):
        if i in captions:
            continue
        if len(line.split()) >= 20 or _SENTENCE_END_RE.search(line):
            break
        # The file's first line is its headline (as BBC and most archives save them), even
        # when it shares no word with the text; a later short line must share one.
        if not title and _looks_like_headline(line) and (
                (i == 0 and len(kept) > 1) or _related(line, " ".join(kept[i + 1:]))):
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
                   origin=path, extra={"date from": "the page's date line"} if date else {})
