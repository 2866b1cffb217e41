"""The JSON API: the same parameters as the pages, the same shapes as the CLI's --json."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, request

from search.errors import InvalidParameterError
from search.understanding.facet_values import value_key
from search.models import FACET_FIELDS

ENTITY_FACETS = tuple(f for f in FACET_FIELDS if f != "collection")  # a folder is no entity

from . import engine
from .openapi import openapi_document
from .params import _int, request_from_args
from .suggest import suggest

bp = Blueprint("api", __name__, url_prefix="/api")

MAX_ENTITY_LIMIT = 500


@bp.route("/search")
def search():
    search_request = request_from_args(request.args, highlights=current_app.config["HIGHLIGHTS"])
    results = engine().search(search_request)
    body = results.to_dict()
    body["pages"] = results.pages
    body["per_page"] = results.per_page
    return jsonify(body)


@bp.route("/article/<article_id>")
def article(article_id: str):
    the_engine = engine()
    stored = the_engine.article(article_id)
    body = stored.to_dict()
    body["related"] = [hit.to_dict() for hit in the_engine.more_like(article_id)]
    body["sharing_entities"] = [dict(hit.to_dict(), shared=names)
                                for hit, names in the_engine.sharing_entities(article_id)]
    return jsonify(body)


@bp.route("/suggest")
def suggestions():
    text = request.args.get("q") or ""
    if len(text) > 200:
        raise InvalidParameterError("q may be at most 200 characters long for suggestions.")
    return jsonify({"query": text, "suggestions": suggest(engine(), text)})


def _limit(default: int) -> int:
    # (one parser for every whole-number parameter: "²" passes str.isdigit but not int())
    return _int(request.args, "limit", default, 1, MAX_ENTITY_LIMIT)


@bp.route("/entities")
def entities():
    kinds = [k.strip() for k in request.args.getlist("type") if k.strip()] or list(ENTITY_FACETS)
    unknown = [k for k in kinds if k not in ENTITY_FACETS]
    if unknown:
        raise InvalidParameterError(
            f"type: {unknown[0][:40]!r} is not an entity type; use one of {', '.join(ENTITY_FACETS)}.")
    limit = _limit(20)
    prefix = value_key(request.args.get("q") or "")
    body: dict[str, Any] = {}
    for kind in dict.fromkeys(kinds):
        totals = engine().facet_totals(kind)
        ranked = sorted(((v, c) for v, c in totals.items()
                         if not prefix or (" " + value_key(v)).find(" " + prefix) >= 0),
                        key=lambda vc: (-vc[1], vc[0]))
        body[kind] = [{"value": v, "count": c} for v, c in ranked[:limit]]
    return jsonify(body)


@bp.route("/openapi.json")
def openapi():
    return jsonify(openapi_document(request.host_url.rstrip("/")))


from . import api_workbench  # noqa: E402,F401  (entity, trends, terms, export, feed)
