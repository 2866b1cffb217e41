"""``/healthz``: whether this server process can answer searches, for a load balancer or
a supervisor's probe. Cheap (no search is run) and always JSON: 200 with the article count
when the index opens, 503 with the reason when it does not."""

from __future__ import annotations

import os

from flask import Blueprint, jsonify

from search.errors import SearchError

from . import engine

bp = Blueprint("health", __name__)


@bp.route("/healthz")
def healthz():
    try:
        articles = engine().article_count()
    except SearchError as exc:
        return jsonify({"status": "unavailable", "error": str(exc), "pid": os.getpid()}), 503
    return jsonify({"status": "ok", "articles": articles, "pid": os.getpid()})
