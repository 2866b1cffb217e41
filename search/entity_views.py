"""What the index knows about entities: listings (``search entities``) and one entity's
page (``search entity NAME``): articles, co-mentions, mentions per month."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from .engine import SearchEngine
from .entities import entity_kinds, system_info
from .entities.variants import VariantGroup, likely_variants
from .errors import SearchError
from .models import UNDATED, Hit
from .understanding.fields import SEP


class EntityNotFoundError(SearchError):
    """No entity by that name or alias is in the index."""


@dataclass(frozen=True)
class EntitySummary:
    name: str
    kind: str
    articles: int
    aliases: tuple[str, ...]
    roles: tuple[str, ...]
    category: str = ""

    def to_dict(self) -> dict[str, Any]:
        d = {"name": self.name, "type": self.kind, "articles": self.articles,
             "aliases": list(self.aliases), "roles": list(self.roles)}
        if self.category:
            d["category"] = self.category
        return d


@dataclass(frozen=True)
class EntityDetail:
    summary: EntitySummary
    articles: tuple[Hit, ...]
    co_mentions: dict[str, list[tuple[str, int]]]
    per_month: list[tuple[str, int]]

    def to_dict(self) -> dict[str, Any]:
        return {**self.summary.to_dict(),
                "recent_articles": [{"id": h.id, "title": h.title, "date": h.date, "source": h.source}
                                    for h in self.articles],
                "co_mentions": {k: [{"value": v, "count": c} for v, c in vs]
                                for k, vs in self.co_mentions.items()},
                "per_month": [{"month": m, "count": c} for m, c in self.per_month]}


def _pairs(engine: SearchEngine, field: str) -> dict[str, list[tuple[str, int]]]:
    out: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for term, count in engine.terms(field):
        name, _, detail = term.partition(SEP)
        out[name].append((detail, count))
    return out


def list_entities(engine: SearchEngine, kind: str | None = None,
                  limit: int | None = None) -> list[EntitySummary]:
    """Entities by number of articles, with the aliases and roles seen for each."""
    kinds = [kind] if kind else list(entity_kinds())
    aliases, roles = _pairs(engine, "alias"), _pairs(engine, "role")
    out = []
    for k in kinds:
        for name, count in sorted(engine.facet_totals(k).items(), key=lambda kv: (-kv[1], kv[0])):
            seen = sorted(aliases.get(name, []), key=lambda p: (-p[1], p[0]))
            info = system_info(name) if k == "system" else None
            out.append(EntitySummary(
                name, k, count, tuple(a for a, _ in seen if a != name),
                tuple(r for r, _ in sorted(roles.get(name, []), key=lambda p: (-p[1], p[0]))[:5]),
                info["category"] if info else ""))
    out.sort(key=lambda e: (-e.articles, e.kind, e.name))
    return out[:limit] if limit else out


def variant_groups(engine: SearchEngine, kind: str | None = None) -> list[VariantGroup]:
    """Names in the index that may be one entity (people unless ``kind`` says otherwise),
    for review: see :mod:`search.entities.variants`."""
    return likely_variants(engine.facet_totals(kind or "person"), kind or "person")


def unknown_systems(engine: SearchEngine) -> list[tuple[str, int]]:
    """Designators that look like weapon systems but are not in the knowledge base."""
    return sorted(engine.terms("unknown_system"), key=lambda p: (-p[1], p[0]))


def entity_detail(engine: SearchEngine, name: str, kind: str | None = None,
                  articles: int = 10) -> EntityDetail:
    for k in [kind] if kind else entity_kinds():
        values = engine.resolve(k, name)
        counts = engine.facet_totals(k)
        found = [v for v in values if counts.get(v)]
        if found:
            canonical = found[0]
            break
    else:
        raise EntityNotFoundError(
            f"No {kind or 'entity'} called {name!r} in the index. "
            "`search entities` lists them; any alias or spelling works.")
    [summary] = [e for e in list_entities(engine, k) if e.name == canonical]
    docs = engine.docs_for(k, canonical)
    co_mentions = {}
    for other in entity_kinds():
        counts = engine.facet_values_of(other, docs)
        counts.pop(canonical, None)
        co_mentions[other] = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    months = engine.facet_values_of("month", docs)
    per_month = sorted((m, c) for m, c in months.items() if m != UNDATED)
    if months.get(UNDATED):
        per_month.append((UNDATED, months[UNDATED]))
    recent = engine.newest(docs, articles)
    return EntityDetail(summary, tuple(recent), co_mentions, per_month)
