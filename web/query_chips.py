"""Chips for the entities the query text names: each says what the words were taken for
(``patriot`` → Weapon system Patriot) and offers two links that work without JavaScript:
make it a filter (the words leave the query, the entity becomes a facet selection, so only
tagged articles remain), or remove it from the query."""

from __future__ import annotations

import re
from typing import Any

from werkzeug.datastructures import MultiDict

from search.models import SearchResults

from .params import UrlState

KIND_LABELS = {"person": "Person", "system": "Weapon system", "org": "Organisation",
               "place": "Place"}
PARAMS = {"person": "person", "system": "system", "org": "org", "place": "place"}


def _without(text: str, words: str) -> str:
    """The query text with the first occurrence of ``words`` (as whole words) taken out."""
    pattern = r"(?<!\w)" + re.escape(words) + r"(?!\w)"
    return " ".join(re.sub(pattern, " ", text, count=1).split())


def entity_chips(results: SearchResults, state: UrlState) -> list[dict[str, Any]]:
    chips = []
    for entity in results.entities:
        rest = _without(results.query, entity.text)
        pairs = [(k, v) for k, v in state.pairs if k not in ("q", "page")]
        pairs += [("q", rest)] if rest else []
        pairs += [(PARAMS[entity.kind], v) for v in entity.values
                  if (PARAMS[entity.kind], v) not in pairs]
        filter_url = UrlState(MultiDict(pairs), state.path).with_()
        chips.append({"kind": entity.kind, "label": KIND_LABELS.get(entity.kind, entity.kind),
                      "text": entity.text, "values": list(entity.values), "count": entity.count,
                      "filter_url": filter_url, "remove_url": state.with_(q=rest)})
    return chips
