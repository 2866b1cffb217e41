"""Relevance and latency figures: MAP / nDCG@10 through pytrec_eval, percentiles."""

from __future__ import annotations

import statistics


def evaluate(run: dict[str, dict[str, float]], qrels: dict[str, dict[str, int]]) -> dict[str, float]:
    """Mean MAP (binary: any positive gain is relevant) and graded nDCG@10 over judged queries.

    Queries with judgments but no results count as 0 (they are added to the run empty).
    """
    import pytrec_eval

    judged = {q: rels for q, rels in qrels.items() if any(g > 0 for g in rels.values())}
    evaluator = pytrec_eval.RelevanceEvaluator(judged, {"map", "ndcg_cut_10"})
    full_run = {q: run.get(q, {}) or {"__none__": 0.0} for q in judged}
    per_query = evaluator.evaluate(full_run)
    return {
        "map": statistics.fmean(v["map"] for v in per_query.values()),
        "ndcg@10": statistics.fmean(v["ndcg_cut_10"] for v in per_query.values()),
        "queries": len(per_query),
    }


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (p50, p95) of a list of timings."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]
