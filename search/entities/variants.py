"""Likely duplicates among entity names, for a person to review (``search entities --variants``).

Names the extractor could not merge with certainty (``Zelanski`` and ``Volodymyr Zelensky``,
``Medwedczuk`` and ``Viktor Medvedchuk``) are grouped when they share a surname key or a
surname *skeleton* (its consonants as they sound, whatever the transliteration: see
:func:`names.skeleton`), and kept together when their first names agree or one has none,
and the names are alike (rapidfuzz's ratio over the folded names). Nothing is merged here:
the user decides, and may add the spelling as an alias in an entity file (``--kb``).
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from .kb import key
from .names import name_key, name_tokens, skeleton

MIN_SCORE = 70.0  # rapidfuzz ratio (0-100) of the folded names: below it, a shared surname is chance


@dataclass(frozen=True)
class VariantGroup:
    """Names that may be one entity, most mentioned first, with how alike they are (0-100)."""

    kind: str
    names: tuple[tuple[str, int], ...]  # (name, articles)
    score: float

    def to_dict(self) -> dict:
        return {"type": self.kind, "score": round(self.score, 1),
                "names": [{"name": n, "articles": c} for n, c in self.names]}


def _parts(name: str, kind: str) -> tuple[str, str, str]:
    """(first-name key, surname key, surname skeleton) of a person; for other kinds the whole
    name stands as the "surname"."""
    if kind != "person":
        return "", key(name), skeleton(name)
    tokens = name_tokens(name)
    nk = name_key(name).split()
    if not nk:
        return "", "", ""
    return (nk[0] if len(nk) > 1 else ""), nk[-1], skeleton(tokens[-1]) if tokens else ""


def _firsts_agree(a: str, b: str) -> bool:
    if not a or not b:
        return True  # a bare surname may be anyone of that name
    return a == b or skeleton(a) == skeleton(b) or fuzz.ratio(a, b) >= 75


def likely_variants(names: dict[str, int], kind: str = "person", min_score: float = MIN_SCORE) -> list[VariantGroup]:
    """Groups of two or more names (with their article counts) that may be one entity,
    the most mentioned groups first."""
    parts = {n: _parts(n, kind) for n in names}
    buckets: dict[str, list[str]] = {}
    for n, (_, surname, sk) in parts.items():
        for bucket in {f"k:{surname}", f"s:{sk}"}:
            if len(bucket) > 4:  # (a skeleton of one or two letters groups unrelated names)
                buckets.setdefault(bucket, []).append(n)
    # union-find over the pairs that pass, within each bucket
    parent = {n: n for n in names}

    def root(n: str) -> str:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    scores: dict[str, float] = {}
    for members in buckets.values():
        if len(members) < 2 or len(members) > 200:
            continue
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                if not _firsts_agree(parts[a][0], parts[b][0]):
                    continue
                fa, fb = key(a), key(b)
                score = max(fuzz.ratio(fa, fb), fuzz.partial_ratio(fa, fb) if min(len(fa), len(fb)) >= 5 else 0)
                if score < min_score:
                    continue
                ra, rb = root(a), root(b)
                if ra != rb:
                    parent[ra] = rb
                    scores[rb] = min(scores.pop(ra, 100.0), scores.get(rb, 100.0), score)
                else:
                    scores[rb] = min(scores.get(rb, 100.0), score)
    groups: dict[str, list[str]] = {}
    for n in names:
        groups.setdefault(root(n), []).append(n)
    out = [VariantGroup(kind, tuple(sorted(((n, names[n]) for n in members), key=lambda p: (-p[1], p[0]))),
                        scores.get(r, 100.0))
           for r, members in groups.items() if len(members) > 1]
    out.sort(key=lambda g: (-sum(c for _, c in g.names), g.names[0][0]))
    return out
