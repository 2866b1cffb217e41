"""A lenient reader for the Reuters-21578 collection (SGML, ``reut2-*.sgm[.gz]``).

The files are not XML (control-character references such as ``&#3;``, a bare ``>`` in
``&lt;IBM>``, one non-UTF-8 byte in reut2-017), so stories are cut out with regular
expressions, decoded as latin-1 (every other byte is ASCII) and unescaped leniently.
See ``../shared/corpora/reuters21578/PROVENANCE.md`` for the collection's quirks.

    for story in iter_stories("../shared/corpora/reuters21578"):
        story.title, story.body, story.places   # ("...", "WASHINGTON, March 2 - ...", ("usa",))
"""

from __future__ import annotations

import datetime as dt
import glob
import gzip
import html
import os
import re
from dataclasses import dataclass
from typing import Iterator

_STORY_RE = re.compile(r"<REUTERS\b([^>]*)>(.*?)</REUTERS>", re.S)
_ATTR_RE = re.compile(r'(\w+)="([^"]*)"')
_CONTROL_REF_RE = re.compile(r"&#(\d+);")
_DATE_RE = re.compile(r"<DATE>\s*(\d{1,2})-([A-Za-z]{3})-(\d{4})")
_MONTHS = {m: i for i, m in enumerate(
    ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), 1)}
_TAG_LIST_RE = {name: re.compile(rf"<{name}>(.*?)</{name}>", re.S)
                for name in ("TOPICS", "PLACES", "PEOPLE", "ORGS", "EXCHANGES", "COMPANIES")}
_D_RE = re.compile(r"<D>(.*?)</D>", re.S)
_TEXT_RE = re.compile(r"<TEXT\b[^>]*>(.*?)</TEXT>", re.S)
_FIELD_RE = {name: re.compile(rf"<{name}>(.*?)</{name}>", re.S) for name in ("TITLE", "DATELINE", "BODY")}
_TAG_RE = re.compile(r"</?[A-Z]+\b[^>]*>")
_REUTER_TAIL_RE = re.compile(r"\s*Reuter\s*$")


@dataclass(frozen=True)
class ReutersStory:
    """One story and its editor-assigned tags (lower-case slugs such as ``west-germany``)."""

    newid: int
    date: dt.date | None
    title: str
    body: str  # dateline included ("WASHINGTON, March 2 - ..."); the trailing "Reuter" removed
    topics: tuple[str, ...]
    places: tuple[str, ...]
    people: tuple[str, ...]
    orgs: tuple[str, ...]
    exchanges: tuple[str, ...] = ()
    lewis_split: str = ""
    text_type: str = ""  # "" (normal), "BRIEF" (title only) or "UNPROC" (unstructured text)


def _unescape(text: str) -> str:
    """``&lt;`` -> ``<``; control-character references dropped (they are transmission codes)."""
    text = _CONTROL_REF_RE.sub(lambda m: "" if int(m.group(1)) < 32 or int(m.group(1)) == 127
                               else chr(int(m.group(1))), text)
    return html.unescape(text)


def _clean(text: str) -> str:
    return _unescape(text).strip()


def _tags(raw: str, name: str) -> tuple[str, ...]:
    m = _TAG_LIST_RE[name].search(raw)
    return tuple(d.strip() for d in _D_RE.findall(m.group(1))) if m else ()


def _date(raw: str) -> dt.date | None:
    m = _DATE_RE.search(raw)  # only the D-MON-YYYY prefix: the times are irregular
    if not m:
        return None
    try:
        return dt.date(int(m.group(3)), _MONTHS[m.group(2).upper()], int(m.group(1)))
    except (KeyError, ValueError):
        return None


def parse_story(attrs: str, raw: str) -> ReutersStory:
    """One ``<REUTERS ...>...</REUTERS>`` element (attributes and inner SGML) to a story."""
    attr = dict(_ATTR_RE.findall(attrs))
    text_m = _TEXT_RE.search(raw)
    text = text_m.group(1) if text_m else ""
    type_m = re.search(r'<TEXT\s+TYPE="(\w+)"', raw)
    fields = {name: (rx.search(text).group(1) if rx.search(text) else "") for name, rx in _FIELD_RE.items()}
    if fields["TITLE"] or fields["BODY"]:
        title = " ".join(_clean(fields["TITLE"]).split())
        dateline = " ".join(_clean(fields["DATELINE"]).split())
        body = _REUTER_TAIL_RE.sub("", _clean(fields["BODY"]))
        body = f"{dateline} {body}".strip() if dateline else body
    else:  # UNPROC: raw text straight inside TEXT
        title, body = "", _REUTER_TAIL_RE.sub("", _clean(_TAG_RE.sub("", text)))
    return ReutersStory(
        newid=int(attr.get("NEWID", "0") or 0), date=_date(raw), title=title, body=body,
        topics=_tags(raw, "TOPICS"), places=_tags(raw, "PLACES"), people=_tags(raw, "PEOPLE"),
        orgs=_tags(raw, "ORGS"), exchanges=_tags(raw, "EXCHANGES"),
        lewis_split=attr.get("LEWISSPLIT", ""), text_type=type_m.group(1) if type_m else "")


def _read(path: str) -> str:
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        return f.read().decode("latin-1")  # ASCII except one 0xFC in reut2-017


def iter_stories(folder: str, limit: int | None = None) -> Iterator[ReutersStory]:
    """Every story in ``folder``'s ``reut2-*.sgm`` / ``.sgm.gz`` files, in file and NEWID order."""
    paths = sorted(glob.glob(os.path.join(folder, "reut2-*.sgm.gz")) +
                   glob.glob(os.path.join(folder, "reut2-*.sgm")))
    count = 0
    for path in paths:
        for m in _STORY_RE.finditer(_read(path)):
            if limit is not None and count >= limit:
                return
            yield parse_story(m.group(1), m.group(2))
            count += 1


def default_folder() -> str:
    """``../shared/corpora/reuters21578`` next to the project, or ``$REUTERS21578``."""
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    default = os.path.join(os.path.dirname(here), "shared", "corpora", "reuters21578")
    while not os.path.isdir(default) and here != os.path.dirname(here):  # a worktree nested deeper
        here = os.path.dirname(here)
        default = os.path.join(here, "shared", "corpora", "reuters21578")
    return os.environ.get("REUTERS21578", default)
