"""A reader for CoNLL-2003 English NER files (``eng.train``, ``eng.testa``; IOB1, four columns).

Documents are cut at ``-DOCSTART-`` lines; each document's text is rebuilt from its tokens
(sentences on lines of their own, the first sentence as the title, spaces removed where
English typography has none: ``U.S. 's``, ``( 1 )``, ``" quoted "``), so that the
extractor reads something close to the original story. Gold entities are the distinct
PER, LOC, ORG and MISC names of each document, as their tokens are written.

The files are research/evaluation use only (see the corpus's PROVENANCE.md): they are read
from ``../shared/corpora/conll2003/`` and never copied.

    for doc in iter_documents(default_path("testa")):
        doc.title, doc.body, doc.gold["PER"]   # "CRICKET - ...", "LONDON 1996-08-30\\n...", {"Phil Simmons"}
"""

from __future__ import annotations

import gzip
import os
from dataclasses import dataclass, field
from typing import Iterator

TYPES = ("PER", "LOC", "ORG", "MISC")
_NO_SPACE_BEFORE = frozenset({",", ".", ";", ":", "!", "?", ")", "]", "}", "%", "'s", "'", "n't", "'re", "'ve",
                              "'ll", "'d", "'m", "'S"})
_NO_SPACE_AFTER = frozenset({"(", "[", "{", "$"})


@dataclass
class ConllDocument:
    number: int  # 1-based, in file order
    title: str
    body: str
    gold: dict[str, set[str]] = field(default_factory=dict)  # type -> distinct names


def default_path(split: str) -> str:
    """``testa``/``train`` -> the staged gzipped file in ``../shared/corpora/conll2003``."""
    root = os.environ.get("CONLL2003_DIR", "")
    here = os.path.dirname(os.path.abspath(__file__))
    while not root and here != os.path.dirname(here):  # the nearest ../shared/corpora/conll2003 up the tree
        here = os.path.dirname(here)
        candidate = os.path.join(here, "shared", "corpora", "conll2003")
        root = candidate if os.path.isdir(candidate) else ""
    return os.path.join(root, f"eng.{split}.gz")


def detokenize(tokens: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """The tokens as text, and each token's character span in it."""
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    quote_open = False
    glue_next = False
    for tok in tokens:
        space = bool(out) and not glue_next and tok not in _NO_SPACE_BEFORE
        if tok == '"':
            if quote_open:
                space = False
            quote_open = not quote_open
        if space:
            out.append(" ")
            pos += 1
        spans.append((pos, pos + len(tok)))
        out.append(tok)
        pos += len(tok)
        glue_next = tok in _NO_SPACE_AFTER or (tok == '"' and quote_open)
    return "".join(out), spans


def _entities(tokens: list[str], tags: list[str]) -> list[tuple[str, int, int]]:
    """(type, first, last+1) spans with conlleval semantics for IOB1."""
    out = []
    cur_type, start = None, 0
    for i, tag in enumerate(tags + ["O"]):
        kind = tag[2:] if tag != "O" else None
        begins = tag.startswith("B-") or kind != cur_type
        if cur_type is not None and (begins or kind is None):
            out.append((cur_type, start, i))
            cur_type = None
        if kind is not None and (begins or cur_type is None):
            cur_type, start = kind, i
    return out


def _document(number: int, sentences: list[list[tuple[str, str]]]) -> ConllDocument:
    lines = []
    gold: dict[str, set[str]] = {t: set() for t in TYPES}
    for sentence in sentences:
        tokens = [t for t, _ in sentence]
        tags = [g for _, g in sentence]
        text, spans = detokenize(tokens)
        lines.append(text)
        for kind, a, b in _entities(tokens, tags):
            gold[kind].add(text[spans[a][0]:spans[b - 1][1]])
    title = lines[0] if lines else ""
    return ConllDocument(number, title, "\n".join(lines[1:]), gold)


def iter_documents(path: str, limit: int | None = None) -> Iterator[ConllDocument]:
    """Documents of one CoNLL-2003 file (plain or gzipped), in order."""
    opener = gzip.open if path.endswith(".gz") else open
    number = 0
    sentences: list[list[tuple[str, str]]] = []
    sentence: list[tuple[str, str]] = []
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if not parts:
                if sentence:
                    sentences.append(sentence)
                    sentence = []
                continue
            if parts[0] == "-DOCSTART-":
                if sentence:
                    sentences.append(sentence)
                    sentence = []
                if sentences:
                    number += 1
                    yield _document(number, sentences)
                    if limit and number >= limit:
                        return
                sentences = []
                continue
            sentence.append((parts[0], parts[-1]))
    if sentence:
        sentences.append(sentence)
    if sentences:
        yield _document(number + 1, sentences)
