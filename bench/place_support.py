"""Are the place values the text's own? A corpus-wide check of issue 15's target "no place
value whose name, alias or demonym the text does not contain".

    python -m bench.place_support [--corpus reuters|war|conll] [--limit N] [--show N]

Runs the product's extraction (``extract_entities(title, body)``) over Reuters-21578 (every
story), the Guardian/NYT war coverage (the three full-text CSVs of ``ukraine-war-news``, 657
records, as ``bench.collections.load_news`` reads them) and CoNLL-2003 ``eng.testa``
(evaluation only), or over one of them; for every place value it asks whether the title and
body contain, as whole words with case and accents folded, one of the place's *support
forms*: its canonical name, a knowledge-base alias (``search/data/places.json``) or a
demonym (``search/entities/demonyms.py``: ``Iranian`` for Iran, ``West German`` for West
Germany, never ``West`` alone). A plural or possessive tail is allowed (``Americans``,
``Britain's``), spaces and hyphens between a form's words are interchangeable
(``Guinea Bissau``); a place read from the story's dateline counts as contained. Prints per
corpus: documents, place values, unsupported values (count and share), the most frequent
(value <- surface) pairs, and the first ``--show`` unsupported values with a snippet around
the words the extractor took for the place (the ``Entities.aliases`` surface), so a reader
can judge each one.

The check is independent of the extractor's rules (its own folding and word boundaries);
it shares only the knowledge base, which defines what a place may be called. It says
nothing of whether a supported value is the right *meaning* ("Jordan" the player), only
that the text names it. ``tests/test_place_support.py`` runs the same check on the seeds
and on hostile texts.
"""

from __future__ import annotations

import argparse
import collections
import re
import time
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterator

from search.entities import extract_entities, kb
from search.entities.demonyms import demonyms
from search.entities.places import dateline_place
from search.models import Entities

CORPORA = ("reuters", "war", "conll")
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2212"), "-")
_QUOTES = dict.fromkeys(map(ord, "\u2019\u2018\u02bc"), "'")
_JOINER_RE = re.compile(r"[\s-]+")
# The Guardian scrape (guard-articles-nato.csv) joins paragraphs without a space, gluing a
# "Read more" link to the word before it ("... says EstoniaRead more"): a word ends there.
_GLUED_READ_MORE_RE = re.compile(r"(?<=[^\W\d_])(?=Read more\b)")


def fold(text: str) -> str:
    """Lower case, accents removed (NFKD), one dash and one apostrophe style, a glued "Read
    more" link cut off the word before it."""
    if "Read more" in text:
        text = _GLUED_READ_MORE_RE.sub(" ", text)
    text = text.translate(_DASHES).translate(_QUOTES)
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return text.lower()


@lru_cache(maxsize=None)
def _demonyms_by_place() -> dict[str, tuple[str, ...]]:
    """Canonical place -> its demonyms. A demonym table key that is an alias (``Burma``) counts
    for the canonical place it names (Myanmar)."""
    out: dict[str, list[str]] = {}
    for adjective, place in demonyms().items():
        for name in {place, *kb.lookup("place", place)}:
            out.setdefault(name, []).append(adjective)
    return {k: tuple(v) for k, v in out.items()}


def support_forms(place: str) -> dict[str, tuple[str, ...]]:
    """What a text may call ``place``, by kind: ``name`` (canonical), ``alias`` (knowledge
    base) and ``demonym``. A value the knowledge base does not know (a venue, a dateline town)
    has only its name."""
    entry = kb.by_name("place").get(place)
    return {"name": (place,), "alias": tuple(a for a in (entry.aliases if entry else ()) if a.strip()),
            "demonym": _demonyms_by_place().get(place, ())}


@lru_cache(maxsize=8192)
def _pattern(place: str, kind: str) -> re.Pattern | None:
    """One regex over the folded text for a place's forms of one kind, whole words only."""
    alternatives = sorted({r"[\s-]+".join(map(re.escape, _JOINER_RE.split(fold(f).strip())))
                           for f in support_forms(place)[kind]}, key=len, reverse=True)
    if not alternatives:
        return None
    return re.compile(r"(?<![^\W_])(?:" + "|".join(alternatives) + r")(?:'s|'|es|s)?(?![^\W_])")


SUPPORT_KINDS = ("name", "alias", "demonym", "dateline")


def support(place: str, title: str, body: str, folded: str | None = None) -> str:
    """How the text supports ``place``: the first of ``name``, ``alias``, ``demonym`` whose
    form it contains, else ``dateline`` when the place is the one the story's dateline names,
    else ``""`` (unsupported)."""
    if folded is None:
        folded = fold(f"{title}\n\n{body}")
    for kind in SUPPORT_KINDS[:3]:
        pattern = _pattern(place, kind)
        if pattern is not None and pattern.search(folded):
            return kind
    line = dateline_place(f"{title}\n\n{body}" if title else body)
    return "dateline" if line is not None and fold(line[2]) == fold(place) else ""


@dataclass(frozen=True)
class Unsupported:
    """A place value no form of which the text contains."""

    doc: str
    value: str
    surfaces: tuple[str, ...]  # what the extractor read as this place (Entities.aliases)
    snippet: str  # the text around the first surface, the surface in [brackets]


def _snippet(text: str, surfaces: tuple[str, ...], radius: int = 45) -> str:
    for surface in surfaces:
        at = text.find(surface)
        if at < 0:
            at = text.lower().find(surface.lower())
        if at >= 0:  # (whitespace collapsed, nothing added: a glued word stays glued)
            end = at + len(surface)
            window = f"{text[max(0, at - radius):at]}[{text[at:end]}]{text[end:end + radius]}"
            return f"...{' '.join(window.split())}..."
    return ""


def unsupported_places(title: str, body: str, doc: str = "",
                       entities: Entities | None = None) -> tuple[list[Unsupported], collections.Counter]:
    """The place values of one article (extracted, or ``entities`` as given) that the text
    does not support, and how many values each kind of support held (``""``: none)."""
    ents = entities if entities is not None else extract_entities(title, body)
    folded = fold(f"{title}\n\n{body}")
    out: list[Unsupported] = []
    kinds: collections.Counter = collections.Counter()
    for value in ents.places:
        how = support(value, title, body, folded)
        kinds[how] += 1
        if not how:
            surfaces = ents.aliases.get(value, ())
            out.append(Unsupported(doc, value, surfaces, _snippet(f"{title}\n\n{body}", surfaces)))
    return out, kinds


def iter_corpus(name: str, limit: int | None = None) -> Iterator[tuple[str, str, str]]:
    """(doc id, title, body) of one corpus, read from ``shared/corpora`` by the bench readers."""
    if name == "reuters":
        from .reuters import default_folder, iter_stories
        for story in iter_stories(default_folder(), limit=limit):
            yield str(story.newid), story.title, story.body
    elif name == "war":
        from .collections import load_news
        docs = [d for d in load_news().docs if ":" in d["id"]]  # the CSV records, not the seeds
        for d in docs[:limit]:
            yield d["id"], d["title"], d["body"]
    elif name == "conll":
        from .conll import default_path, iter_documents
        for doc in iter_documents(default_path("testa"), limit=limit):
            yield str(doc.number), doc.title, doc.body
    else:
        raise ValueError(f"unknown corpus {name!r}; choose from {', '.join(CORPORA)}")


@dataclass
class CorpusReport:
    corpus: str
    documents: int = 0
    values: int = 0
    support: collections.Counter = field(default_factory=collections.Counter)  # kind -> values
    seconds: float = 0.0
    unsupported: list[Unsupported] = field(default_factory=list)

    @property
    def share(self) -> float:
        return len(self.unsupported) / self.values if self.values else 0.0


def check_corpus(name: str, limit: int | None = None) -> CorpusReport:
    report = CorpusReport(name)
    t0 = time.perf_counter()
    for doc, title, body in iter_corpus(name, limit):
        found, kinds = unsupported_places(title, body, doc)
        report.documents += 1
        report.values += sum(kinds.values())
        report.support.update(kinds)
        report.unsupported += found
    report.seconds = time.perf_counter() - t0
    return report


def format_report(report: CorpusReport, show: int = 25) -> str:
    bad = report.unsupported
    held = ", ".join(f"{kind} {report.support[kind]}" for kind in SUPPORT_KINDS)
    lines = [f"{report.corpus}: {report.documents} documents, {report.values} place values, "
             f"{len(bad)} unsupported ({report.share:.2%}); supported first by: {held}; {report.seconds:.1f} s"]
    if bad:
        pairs = collections.Counter(f"{u.value} <- {' / '.join(u.surfaces) or '?'}" for u in bad)
        lines.append("  most frequent: " + ", ".join(f"{p} ({n})" for p, n in pairs.most_common(15)))
        lines.append(f"  first {min(show, len(bad))}:")
        lines += [f"    {u.doc}: {u.value} -- {u.snippet or '(surface not found)'}" for u in bad[:show]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", choices=CORPORA, default=None, help="one corpus (default: all three)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N documents of each corpus")
    parser.add_argument("--show", type=int, default=25, help="unsupported values listed per corpus (25)")
    args = parser.parse_args(argv)
    for name in ([args.corpus] if args.corpus else CORPORA):
        print(format_report(check_corpus(name, args.limit), args.show), flush=True)


if __name__ == "__main__":
    main()
