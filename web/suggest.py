"""Suggestions while typing: known entities first (with their type), then indexed words.

An entity suggestion says which trailing part of the typed text it ``replaces`` (the
browser removes that part and adds the entity as a filter); a word suggestion is the
whole query with its last word completed.
"""

from __future__ import annotations

import re
from typing import Any

from search.engine import SearchEngine
from search.understanding.facet_values import value_key

ENTITY_KINDS = ("person", "system", "org", "place", "source")
MAX_ENTITIES = 6
MAX_WORDS = 5


def _name_matches(name_key: str, fragment: str) -> bool:
    """Every typed word is the start of a word of the name, in order (``lloyd aus``)."""
    return (" " + name_key).find(" " + fragment) >= 0 or name_key.startswith(fragment)


def suggest(engine: SearchEngine, text: str) -> list[dict[str, Any]]:
    text = text[:200]
    words = re.findall(r"\S+", text)
    if not words or text.endswith(" ") and len(words[-1]) < 2:
        return []
    entities: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    # the longest trailing run of words (up to 3) that names something wins
    for size in range(min(3, len(words)), 0, -1):
        fragment_words = words[-size:]
        fragment = value_key(" ".join(fragment_words))
        if len(fragment) < 2:
            continue
        found = []
        for kind in ENTITY_KINDS:
            for value, count in engine.facet_totals(kind).items():
                if (kind, value) not in seen and _name_matches(value_key(value), fragment):
                    found.append((count, kind, value))
        for count, kind, value in sorted(found, key=lambda f: (-f[0], f[2]))[:MAX_ENTITIES - len(entities)]:
            seen.add((kind, value))
            entities.append({"type": kind, "value": value, "count": count,
                             "replaces": " ".join(fragment_words)})
        if len(entities) >= MAX_ENTITIES:
            break
    last = words[-1]
    head = text[: text.rstrip().rfind(last)]
    completions = []
    if not text.endswith(" ") and re.fullmatch(r"[\w'-]+", last):
        for word, count in engine.vocabulary(last, limit=MAX_WORDS + 1):
            if word != last.lower():
                completions.append({"type": "word", "value": head + word, "word": word,
                                    "count": count})
    return entities + completions[:MAX_WORDS]
