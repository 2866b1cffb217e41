"""Collapsing a result set to one article per story (dedup.Stories) against a count by hand."""

import numpy as np

from search.dedup import _KIND, Stories


def _stories(rng: np.random.Generator, doc_count: int) -> Stories:
    """Exact copies (``x`` keys, groups of 1-6), and headlines without text (``e``) that
    join the story of an article with their title (``t``)."""
    docs, codes = [], []
    group = rng.integers(0, doc_count // 3, doc_count)
    for doc in range(doc_count):
        if doc % 7 == 3:  # a headline-only copy of the title of article doc - 3
            docs.append(doc)
            codes.append(_KIND["e"] << 32 | int(group[doc - 3]) + 1)
            continue
        docs += [doc, doc]
        codes += [_KIND["x"] << 32 | int(group[doc]), _KIND["t"] << 32 | int(group[doc]) + 1]
    return Stories(doc_count, np.array(docs), np.array(codes, dtype=np.uint64))


def _by_hand(stories: Stories, mask: np.ndarray) -> np.ndarray:
    out = mask.copy()
    first: dict[int, int] = {}
    for doc in sorted(np.flatnonzero(mask).tolist(), key=lambda d: (stories.headline_only[d], d)):
        story = int(stories.story[doc])
        if story >= 0:
            if story in first:
                out[doc] = False
            else:
                first[story] = doc
    return out


def test_collapse_keeps_the_first_article_of_each_story_whatever_the_mask():
    rng = np.random.default_rng(3)
    doc_count = 700
    stories = _stories(rng, doc_count)
    assert stories.grouped.sum() > doc_count // 2 and stories.headline_only.any()
    for density in (0.0, 0.01, 0.1, 0.5, 0.9, 1.0):  # (few copies held, and mostly copies)
        mask = rng.random(doc_count) < density
        before = mask.copy()
        expected = _by_hand(stories, mask)
        got = stories.collapse(mask)
        assert got.tolist() == expected.tolist(), density
        assert mask.tolist() == before.tolist()  # (the caller's mask is left alone)
    # whole stories held (copies mostly match alike), some without their first article
    story_of = np.where(stories.grouped, stories.story, np.arange(doc_count))
    for share in (0.1, 0.5):
        mask = np.isin(story_of, rng.choice(doc_count, int(doc_count * share)))
        mask &= rng.random(doc_count) < 0.8
        assert stories.collapse(mask).tolist() == _by_hand(stories, mask).tolist(), share
    live = np.ones(doc_count, dtype=bool)
    live[::11] = False
    assert stories.collapse_all(live).tolist() == _by_hand(stories, live).tolist()
