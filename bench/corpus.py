"""Writing the benchmark corpora as JSON Lines, outside the repository.

Every engine reads the same file, so all three index exactly the same documents:

* ``write_reuters(folder, copies)``: Reuters-21578 (21,578 stories), repeated ``copies``
  times. Each copy gets its own ``id`` (``r2-123``), which is what our indexer dedupes on,
  so the five copies of a story are five documents with the same text.
* ``write_cranfield(folder)``: Cranfield's 1,400 abstracts as ``{id, title, body}``.

``read_jsonl`` streams the records back for the stock set-ups (Whoosh, FTS5), and
``facet_values`` gives them the same facet values our engine indexes.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from typing import Iterator

from . import cranfield
from .reuters import default_folder, iter_stories

REUTERS_DOCS = 21_578


def write_reuters(folder: str, copies: int = 1, limit: int | None = None,
                  reuters_folder: str | None = None) -> str:
    """``folder/reuters-x{copies}.jsonl`` (written once, reused); returns its path."""
    os.makedirs(folder, exist_ok=True)
    name = f"reuters-x{copies}" + (f"-{limit}" if limit else "") + ".jsonl"
    path = os.path.join(folder, name)
    if os.path.exists(path):
        return path
    stories = list(iter_stories(reuters_folder or default_folder(), limit=limit))
    tmp = path + ".part"
    with open(tmp, "w", encoding="utf-8") as out:
        for copy in range(1, copies + 1):
            for s in stories:
                out.write(json.dumps({
                    "id": f"r{copy}-{s.newid}", "title": s.title, "body": s.body,
                    "date": s.date.isoformat() if s.date else "", "source": "Reuters",
                }) + "\n")
    os.replace(tmp, path)
    return path


def write_cranfield(folder: str) -> str:
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "cranfield.jsonl")
    with open(path, "w", encoding="utf-8") as out:
        for d in cranfield.load_docs():
            out.write(json.dumps({"id": d.id, "title": d.title, "body": d.body}) + "\n")
    return path


def read_jsonl(path: str) -> Iterator[dict]:
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


ENTITY_FACETS = ("person", "system", "org", "place")
FACETS = ENTITY_FACETS + ("source", "year", "month")


def entity_values(rec: dict) -> dict[str, list[str]]:
    """Our extracted entities of one record, by facet name."""
    from search.entities import extract_entities

    e = extract_entities(rec.get("title", ""), rec.get("body", ""))
    return {"person": e.persons, "system": e.systems, "org": e.orgs, "place": e.places}


def facet_values(rec: dict, entities=None) -> dict[str, list[str]]:
    """The anchors' facet values for one record: entities (extracted here, unless an
    ``entities`` table from the sidecar has them), source, year and month."""
    ents = entity_values(rec) if entities is None else entities.get(rec["id"], {})
    date = dt.date.fromisoformat(rec["date"]) if rec.get("date") else None
    values = {name: list(ents.get(name, ())) for name in ENTITY_FACETS}
    values["source"] = [rec.get("source", "unknown")]
    values["year"] = [f"{date.year:04d}" if date else "undated"]
    values["month"] = [f"{date.year:04d}-{date.month:02d}" if date else "undated"]
    return values
