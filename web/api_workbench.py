"""The workbench in the JSON API: entity, trends, top terms, export and feed, with the same
parameters as their pages (described in openapi.py)."""

from __future__ import annotations

from flask import jsonify, request

from search.errors import InvalidParameterError
from search.terms import top_terms

from . import engine
from .api import bp
from .exports import export_response, json_feed
from .pages import entity_data, feed_args, trends_csv, trends_data
from .params import _int, request_from_args

MAX_TERMS = 100


@bp.route("/entity/<kind>/<path:name>")
def entity(kind: str, name: str):
    data = entity_data(kind, name, _int(request.args, "page", 1, 1, 10**6))
    body = data["detail"].to_dict()
    body.pop("recent_articles", None)
    body.update(total=data["total"], page=data["page"], pages=data["pages"],
                articles=[hit.to_dict() for hit in data["articles"]])
    return jsonify(body)


@bp.route("/trends")
def trends():
    fmt = (request.args.get("format") or "json").strip()
    if fmt not in ("json", "csv"):
        raise InvalidParameterError(f"format must be json or csv, not {fmt[:20]!r}.")
    result, _ = trends_data()
    if result is None:
        raise InvalidParameterError("Give at least one query: /api/trends?q=patriot&q=himars.")
    if fmt == "csv":
        return trends_csv(result)
    return jsonify(result.to_dict())


@bp.route("/terms")
def terms():
    search_request = request_from_args(request.args)
    limit = _int(request.args, "limit", 20, 1, MAX_TERMS)
    found = top_terms(engine(), search_request, limit)
    return jsonify({"query": search_request.text, "terms": [t.to_dict() for t in found]})


@bp.route("/export")
def export():
    fmt = (request.args.get("format") or "jsonl").strip()
    return export_response(engine(), request_from_args(request.args), fmt)


@bp.route("/feed")
def feed():
    return jsonify(json_feed(**feed_args()))
