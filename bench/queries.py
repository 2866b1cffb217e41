"""The fixed query set: 200 queries drawn deterministically (seeded) from Reuters titles.

Half are short (1-2 content words of one title: every word required), half long (5-8
words of one title, read as natural language: any word may match, more is better).
Words are lower-cased so that no title word turns into an AND/OR/NOT operator.
"""

from __future__ import annotations

import random
import re
from typing import Iterable

BROAD = ("oil", "trade", "bank")
_WORD_RE = re.compile(r"[a-z0-9]+(?:[.'-][a-z0-9]+)*")


def make_queries(records: Iterable[dict], count: int = 200, seed: int = 5) -> list[str]:
    from search.analysis import stop_words

    stops = stop_words()
    titles = sorted({r["title"] for r in records if r.get("title")})
    rng = random.Random(seed)
    short: list[str] = []
    long: list[str] = []
    while len(short) < count // 2 or len(long) < count - count // 2:
        words = _WORD_RE.findall(rng.choice(titles).lower())
        content = [w for w in dict.fromkeys(words) if len(w) >= 4 and w.isalpha() and w not in stops]
        if len(short) < count // 2 and content:
            k = min(len(content), rng.choice((1, 2)))
            picked = sorted(rng.sample(range(len(content)), k))
            short.append(" ".join(content[i] for i in picked))
        elif len(long) < count - count // 2 and len(words) >= 6:
            long.append(" ".join(words[: rng.randint(5, min(8, len(words)))]))
    mixed = []
    for s, l in zip(short, long):
        mixed += [s, l]
    return mixed
