"""The web app: HTML pages (views.py) and a JSON API (api.py) over one SearchEngine.

``create_app(test_config)`` is the factory (Flask tutorial style). Settings come from the
defaults below, then ``$SEARCH_INDEX``, then ``test_config``.
"""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Any

from flask import Flask, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, NotFound

from search.backend_choice import open_engine
from search.backends.base import SearchBackend
from search.backends.opensearch.connection import BackendError
from search.errors import (ArticleNotFoundError, IndexNotFoundError, InvalidParameterError,
                           InvalidQueryError, QueryTimeoutError, SearchError)
from search.settings import LIMITS
from search.backends.embedded.storage import resolve_index_dir
from search.entity_views import EntityNotFoundError

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
#: The Jinja2 templates: inside the package when installed from a wheel (setup.py copies
#: them there), else the repository's top-level templates/ folder (an editable install).
_PACKAGED_TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")
TEMPLATES = (_PACKAGED_TEMPLATES if os.path.isdir(_PACKAGED_TEMPLATES)
             else os.path.join(REPO_ROOT, "templates"))

#: Settings with their defaults; ``create_app(test_config)`` overrides any of them.
SETTINGS: dict[str, Any] = {
    "SEARCH_INDEX": None,  # index folder; None: $SEARCH_INDEX, else ./search-index
    "SEARCH_BACKEND": None,  # None: $SEARCH_BACKEND, else the embedded index (see search/backend_choice.py)
    "HIGHLIGHTS": 3,  # passages per hit
    "SEND_FILE_MAX_AGE_DEFAULT": 3600,
    "JSON_SORT_KEYS": False,
    "TIME_BUDGET": LIMITS.time_budget,  # seconds a search may take (0: no limit)
}

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, template_folder=TEMPLATES,
                static_folder="static")
    app.config.update(SETTINGS)
    if test_config:
        app.config.update(test_config)
    app.config["SEARCH_INDEX"] = resolve_index_dir(app.config.get("SEARCH_INDEX"))
    app.jinja_env.autoescape = True
    # An article id may hold an encoded "/" (/api/article/%2F0): Werkzeug would merge the
    # "//" and answer its own HTML redirect, which no error handler sees; unmerged, such a
    # path is a plain 404 (JSON under /api/).
    app.url_map.merge_slashes = False
    app.json.sort_keys = False
    app.extensions["search_engine"] = open_engine(
        app.config["SEARCH_INDEX"], app.config.get("SEARCH_BACKEND"),
        limits=replace(LIMITS, time_budget=float(app.config["TIME_BUDGET"])))

    from . import api, health, views
    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(health.bp)

    app.register_error_handler(SearchError, _search_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)
    app.after_request(_security_headers)
    return app


def engine() -> SearchBackend:
    return current_app.extensions["search_engine"]


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _error_response(status: int, title: str, message: str):
    if _wants_json():
        response = jsonify({"error": message, "status": status})
        response.status_code = status
        return response
    return render_template("error.html", status=status, title=title, message=message,
                           query_text=(request.args.get("q") or "")[:1000]), status


def _search_error(error: SearchError):
    if isinstance(error, ArticleNotFoundError):
        return _error_response(404, "Article not found", str(error))
    if isinstance(error, BackendError):  # the cluster is down or refused: not the user's doing
        return _error_response(503, "Search is unavailable", str(error))
    if isinstance(error, EntityNotFoundError):
        return _error_response(404, "Entity not found", str(error))
    if isinstance(error, IndexNotFoundError):
        return _error_response(503, "No index yet", str(error))
    if isinstance(error, QueryTimeoutError):  # (the query's doing, not the server's: 4xx)
        return _error_response(400, "That search took too long", str(error))
    if isinstance(error, (InvalidParameterError, InvalidQueryError)):
        return _error_response(400, "That search cannot be run", str(error))
    return _error_response(400, "That request cannot be served", str(error))


def _http_error(error: HTTPException):
    status = error.code or 500
    if isinstance(error, NotFound):
        message = "There is no page at this address. Start a new search from the box above."
        if _wants_json():
            message = (f"No API endpoint at {request.path}. "
                       "The endpoints are listed at /api/openapi.json.")
        return _error_response(404, "Page not found", message)
    if status == 405:
        return _error_response(405, "Method not allowed",
                               f"{request.method} is not allowed here; use GET.")
    return _error_response(status, error.name, error.description or error.name)


def _unexpected_error(error: Exception):
    current_app.logger.exception("unexpected error on %s", request.full_path)
    return _error_response(500, "Something went wrong",
                           "The server failed to answer this request. It has been logged.")


def _security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response
