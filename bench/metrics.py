"""Relevance and latency figures: MAP / nDCG@10 / P@10 / R@100 through pytrec_eval, a paired
randomisation test, percentiles."""

from __future__ import annotations

import random
import statistics

#: pytrec_eval's names for the figures we report, by our names.
MEASURES = {"map": "map", "ndcg@10": "ndcg_cut_10", "p@10": "P_10", "r@100": "recall_100"}


def per_query(run: dict[str, dict[str, float]],
              qrels: dict[str, dict[str, int]]) -> dict[str, dict[str, float]]:
    """``{query: {measure: value}}`` over the judged queries (those with a positive gain):
    binary relevance (any positive gain) for MAP, P@10 and R@100, graded gains for nDCG@10.
    Queries with judgments but no results count as 0 (they are added to the run empty)."""
    import pytrec_eval

    judged = {q: rels for q, rels in qrels.items() if any(g > 0 for g in rels.values())}
    evaluator = pytrec_eval.RelevanceEvaluator(judged, set(MEASURES.values()))
    full_run = {q: run.get(q, {}) or {"__none__": 0.0} for q in judged}
    found = evaluator.evaluate(full_run)
    return {q: {ours: values[theirs] for ours, theirs in MEASURES.items()} for q, values in found.items()}


def evaluate(run: dict[str, dict[str, float]], qrels: dict[str, dict[str, int]]) -> dict[str, float]:
    """The means of :func:`per_query` (MAP, nDCG@10, P@10, R@100) and the number of queries."""
    values = per_query(run, qrels)
    out: dict[str, float] = {m: statistics.fmean(v[m] for v in values.values()) for m in MEASURES}
    out["queries"] = len(values)
    return out


def randomisation_test(a: list[float], b: list[float], rounds: int = 10_000, seed: int = 14) -> float:
    """Two-sided p of a paired randomisation test (Smucker, Allan and Carterette 2007): how
    often swapping each query's pair of scores at random gives a mean difference at least as
    large as the one seen."""
    diffs = [x - y for x, y in zip(a, b)]
    if not diffs:
        return 1.0
    seen = abs(sum(diffs))
    rng = random.Random(seed)
    hits = 0
    for _ in range(rounds):
        if abs(sum(d if rng.random() < 0.5 else -d for d in diffs)) >= seen - 1e-12:
            hits += 1
    return (hits + 1) / (rounds + 1)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (p50, p95) of a list of timings."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]
