"""Facet counting: the two ways _Column counts a result set agree with a count by hand."""

import numpy as np

from search.backends.embedded.facets import DENSE_FRACTION, Scope, _Column


def _column(rng: np.random.Generator, doc_count: int) -> tuple[_Column, list[tuple[int, int]]]:
    """Values 0-2 held by many documents (bitsets), 3-39 by few, and 40-44 by none (empty
    runs in the middle and at the end of the pair arrays)."""
    pairs = set()
    for value in range(3):
        for doc in rng.choice(doc_count, doc_count // 3, replace=False).tolist():
            pairs.add((doc, value))
    for value in range(3, 40, 2):  # odd values only: every other run is empty
        for doc in rng.choice(doc_count, int(rng.integers(1, 6)), replace=False).tolist():
            pairs.add((doc, value))
    docs, values = (np.array(x) for x in zip(*sorted(pairs)))
    names = [f"v{i:02d}" for i in range(45)]
    return _Column(names, docs, values, doc_count), sorted(pairs)


def test_both_ways_of_counting_agree_with_a_count_by_hand():
    rng = np.random.default_rng(5)
    doc_count = 640
    column, pairs = _column(rng, doc_count)
    assert len(column._dense) == 3 and doc_count // 3 * DENSE_FRACTION >= doc_count
    for density in (0.0, 0.002, 0.05, 0.3, 0.9, 1.0):
        mask = rng.random(doc_count) < density
        by_hand = np.zeros(45, dtype=np.int64)
        for doc, value in pairs:
            by_hand[value] += mask[doc]
        assert by_hand.tolist() == column._count_many(Scope(mask)).tolist()
        assert by_hand.tolist() == column._count_few(np.flatnonzero(mask)).tolist()
        assert by_hand.tolist() == column.count_array(Scope(mask)).tolist()


def test_documents_after_the_last_one_with_a_value_count_nothing():
    # The last documents of an index often have no value of a facet (no person named):
    # the document-major table still has a start for each, so counting needs no bounds test.
    rng = np.random.default_rng(6)
    column, pairs = _column(rng, 640)
    wider = _Column(column.names, column.docs, column.values, 700)
    mask = np.zeros(700, dtype=bool)
    mask[::3] = True
    by_hand = np.zeros(45, dtype=np.int64)
    for doc, value in pairs:
        by_hand[value] += mask[doc]
    assert by_hand.tolist() == wider._count_few(np.flatnonzero(mask)).tolist()
    assert by_hand.tolist() == wider._count_many(Scope(mask)).tolist()
    assert wider.values_of(699) == () and wider.values_of(5) == tuple(
        column.names[v] for d, v in pairs if d == 5)
