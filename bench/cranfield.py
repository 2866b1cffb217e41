"""Cranfield 1400: documents, queries and graded relevance judgments.

    docs = load_docs()            # [CranDoc(id="1", title=..., body=...), ...]
    queries = load_queries()      # {"1": "what similarity laws ...", ...}  keyed 1..225
    qrels = load_qrels()          # {"1": {"184": 3, ...}}  gain = 5 - code

Two quirks from ``../shared/corpora/cranfield/PROVENANCE.md`` are handled here so that no
caller can get them wrong:

* cran.qry numbers its queries 001..365 with gaps, but cranqrel numbers them 1..225 in
  file order: queries are keyed by their position in the file, not by ``.I``.
* Codes are inverted (1 = most relevant). Gains are ``5 - code`` for codes 1-4; the one
  ``-1`` line per query is read as "no interest" and dropped.
"""

from __future__ import annotations

import gzip
import os
import re
from dataclasses import dataclass


def default_folder() -> str:
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return os.environ.get("CRANFIELD", os.path.join(os.path.dirname(here), "shared", "corpora", "cranfield"))


@dataclass(frozen=True)
class CranDoc:
    id: str
    title: str
    body: str  # the .W abstract


def _read(folder: str, name: str) -> str:
    path = os.path.join(folder, name)
    if os.path.exists(path + ".gz"):
        with gzip.open(path + ".gz", "rt", encoding="ascii") as f:
            return f.read()
    with open(path, encoding="ascii") as f:
        return f.read()


def _records(text: str) -> list[tuple[str, dict[str, str]]]:
    """SMART records: ``.I id`` then ``.X`` markers on their own lines."""
    out = []
    for chunk in re.split(r"^\.I\s+", text, flags=re.M)[1:]:
        head, _, rest = chunk.partition("\n")
        fields: dict[str, list[str]] = {}
        current = None
        for line in rest.split("\n"):
            m = re.fullmatch(r"\.([A-Z])\s*", line)
            if m:
                current = m.group(1)
                fields.setdefault(current, [])
            elif current:
                fields[current].append(line)
        out.append((head.strip(), {k: " ".join(" ".join(v).split()) for k, v in fields.items()}))
    return out


def load_docs(folder: str | None = None) -> list[CranDoc]:
    text = _read(folder or default_folder(), "cran.all.1400")
    return [CranDoc(i, f.get("T", ""), f.get("W", "")) for i, f in _records(text)]


def load_queries(folder: str | None = None) -> dict[str, str]:
    """Query text keyed by its 1-based position in cran.qry (the qrels' numbering)."""
    text = _read(folder or default_folder(), "cran.qry")
    return {str(n): f.get("W", "") for n, (_, f) in enumerate(_records(text), 1)}


def load_qrels(folder: str | None = None) -> dict[str, dict[str, int]]:
    """Graded judgments: ``{query: {doc: gain}}`` with gain 4 (code 1) .. 1 (code 4)."""
    qrels: dict[str, dict[str, int]] = {}
    for line in _read(folder or default_folder(), "cranqrel").splitlines():
        parts = line.split()
        if len(parts) != 3:
            continue
        q, d, code = parts[0], parts[1], int(parts[2])
        qrels.setdefault(q, {})
        if 1 <= code <= 4:
            qrels[q][d] = 5 - code
    return qrels
