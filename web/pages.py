"""The analyst's workbench pages beside the search page: an entity's page, attention over
time (trends), every value of a facet, export and feeds. Each parses the URL, calls the
library and hands plain data to a template; every page has a JSON twin under /api/."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from typing import Any

from flask import Response, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from search.entity_views import entity_detail
from search.errors import InvalidParameterError
from search.models import FACET_FIELDS, Facet, FacetValue
from search.trends import INTERVALS, MAX_SERIES, attention

from . import engine
from .exports import _cell, atom_feed, export_response, newest
from .params import UrlState, _int, request_from_args
from .timeline import build_timeline
from .trendchart import build_chart
from .views import FACET_LABELS, FILTER_LABELS, _pages, bp, entity_url

ENTITY_PAGE_SIZE = 20
FACET_PAGE_SIZE = 50
KINDS = ("person", "system", "org", "place", "source")


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise InvalidParameterError(f"{kind[:20]!r} is not an entity type; use one of {', '.join(KINDS)}.")
    return kind


def entity_data(kind: str, name: str, page: int) -> dict[str, Any]:
    """What the entity page and /api/entity show: the CLI's ``search entity`` (summary,
    co-mentions, mentions per month) plus a page of its articles, newest first."""
    kind = _kind(kind)
    if len(name) > 200:
        raise InvalidParameterError("An entity name may be at most 200 characters long.")
    the_engine = engine()
    detail = entity_detail(the_engine, name, kind, articles=0)
    canonical = detail.summary.name
    docs = the_engine.docs_for(kind, canonical)
    pages = max(1, -(-len(docs) // ENTITY_PAGE_SIZE))
    if page > pages:
        raise InvalidParameterError(f"page must be between 1 and {pages}.")
    articles = the_engine.newest(docs, ENTITY_PAGE_SIZE, (page - 1) * ENTITY_PAGE_SIZE)
    return {"detail": detail, "articles": articles, "page": page, "pages": pages,
            "total": len(docs)}


@bp.route("/entity/<kind>/<path:name>")
def entity(kind: str, name: str):
    page = _int(request.args, "page", 1, 1, 10**6)
    data = entity_data(kind, name, page)
    detail = data["detail"]
    canonical = detail.summary.name
    scoped = UrlState(MultiDict([(kind, canonical)]), url_for("views.search"))
    months = Facet("month", tuple(FacetValue(m, c) for m, c in detail.per_month))
    page_state = UrlState(MultiDict(), url_for("views.entity", kind=kind, name=canonical))
    trend = f'{kind}:"{canonical}"' if '"' not in canonical else canonical
    return render_template(
        "entity.html", kind=kind, kind_label=FILTER_LABELS[kind], detail=detail,
        summary=detail.summary, articles=data["articles"], page=data["page"],
        pages=_pages(data["page"], data["pages"]), last_page=data["pages"], total=data["total"],
        page_url=lambda n: page_state.page(n), state=scoped, timeline=build_timeline(months),
        co_mentions=[(FACET_LABELS[k], k, vs) for k, vs in detail.co_mentions.items() if vs],
        entity_url=entity_url, search_url=scoped.with_(),
        trends_url=url_for("views.trends", q=trend),
        co_search=lambda k, v: scoped.add(k, v), hidden=[(kind, canonical)])


def trends_data():
    queries = [q for q in request.args.getlist("q") if q.strip()]
    if any(len(q) > 1000 for q in queries):
        raise InvalidParameterError("q may be at most 1000 characters long.")
    if len(queries) > MAX_SERIES:
        raise InvalidParameterError(f"At most {MAX_SERIES} queries can be compared at once: "
                                    "remove one.")
    interval = (request.args.get("interval") or "").strip()
    if interval and interval not in INTERVALS:
        raise InvalidParameterError(f"interval must be one of {', '.join(INTERVALS)}, not {interval[:20]!r}.")
    base = request_from_args(MultiDict([(k, v) for k, v in request.args.items(multi=True)
                                        if k not in ("q", "interval", "measure", "format")]))
    if not queries:
        return None, base
    return attention(engine(), queries, interval=interval, since=base.since, until=base.until,
                     base=base), base


def trends_csv(trends) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_cell(c) for c in ["period", "all articles",
                                         *[f"{s.query} (count)" for s in trends.series],
                                         *[f"{s.query} (share)" for s in trends.series]]])
    shares = [s.shares(trends.totals) for s in trends.series]
    for i, period in enumerate(trends.periods):
        writer.writerow([period, trends.totals[i], *[s.counts[i] for s in trends.series],
                         *[f"{sh[i]:.6f}" for sh in shares]])
    response = Response(buffer.getvalue(), mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = 'attachment; filename="trends.csv"'
    return response


@bp.route("/trends")
def trends():
    trends, base = trends_data()
    if trends is not None and request.args.get("format") == "csv":
        return trends_csv(trends)
    measure = request.args.get("measure") or "count"
    if measure not in ("count", "share"):
        raise InvalidParameterError("measure must be 'count' or 'share'.")
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "format"]
    state = UrlState(MultiDict(), url_for("views.trends"))
    state.pairs = args

    def with_(**changes: str) -> str:
        pairs = [(k, v) for k, v in args if k not in changes]
        pairs += [(k, v) for k, v in changes.items() if v]
        return state._url(pairs)

    def without_query(index: int) -> str:
        seen = -1
        pairs = []
        for k, v in args:
            if k == "q" and v.strip():
                seen += 1
                if seen == index:
                    continue
            pairs.append((k, v))
        return state._url(pairs)

    queries = [q for q in request.args.getlist("q") if q.strip()]
    others = lambda q: [x for x in queries if x != q]
    search_links = [url_for("views.search", q=q, cmp=others(q)) for q in queries]
    return render_template(
        "trends.html", trends=trends, measure=measure, queries=queries, intervals=INTERVALS,
        max_series=MAX_SERIES, chart=build_chart(trends, measure) if trends else None,
        with_=with_, without_query=without_query, search_links=search_links,
        csv_url=with_(format="csv"), json_url=url_for("api.trends") + state.query_string(),
        hidden=[(k, v) for k, v in args if k not in ("q",)], base=base)


@bp.route("/facet/<name>")
def facet_values(name: str):
    """Every value of one facet for the current search, paged, searchable ("show all")."""
    if name not in FACET_FIELDS:
        raise InvalidParameterError(f"{name[:20]!r} is not a facet; use one of {', '.join(FACET_FIELDS)}.")
    page = _int(request.args, "fpage", 1, 1, 10**6)
    within = (request.args.get("fq") or "").strip()[:200]
    search_request = replace(request_from_args(request.args), per_page=1, highlights=0,
                             page=1, facet_limit=1_000_000)
    results = engine().search(search_request)
    facet = results.facet(name)
    values = list(facet.values) if facet else []
    if within:
        key = within.casefold()
        values = [v for v in values if key in v.value.casefold()]
    last = max(1, -(-len(values) // FACET_PAGE_SIZE))
    page = min(page, last)
    shown = values[(page - 1) * FACET_PAGE_SIZE: page * FACET_PAGE_SIZE]
    state = UrlState(request.args, url_for("views.search"))
    here = UrlState(request.args, url_for("views.facet_values", name=name))
    here.pairs += [(k, v) for k in ("fq",) for v in request.args.getlist(k) if v]
    return render_template(
        "facet.html", name=name, label=FACET_LABELS[name], values=shown, total=len(values),
        page=page, last_page=last, pages=_pages(page, last), within=within, results=results,
        state=state, page_url=lambda n: here.with_(fpage=str(n) if n > 1 else "", keep_page=True),
        entity_url=entity_url, hidden=state.hidden_fields(),
        back_url=state.with_(keep_page=True))


def _export(fmt: str):
    search_request = request_from_args(request.args)
    return export_response(engine(), search_request, fmt)


@bp.route("/export.csv")
def export_csv():
    return _export("csv")


@bp.route("/export.jsonl")
def export_jsonl():
    return _export("jsonl")


def feed_args() -> dict[str, Any]:
    search_request = request_from_args(request.args, highlights=1)
    results = newest(engine(), search_request)
    state = UrlState(request.args, url_for("views.search"))
    title = "News search: " + (search_request.text or "all articles")
    filters = [f"{name} {v}" for name, vs in search_request.filters().items() for v in vs]
    if filters:
        title += " (" + ", ".join(filters) + ")"
    return {"results": results, "title": title, "self_url": request.url,
            "html_url": request.host_url.rstrip("/") + state.with_(sort="date"),
            "article_url": lambda i: url_for("views.article", article_id=i, _external=True)}


@bp.route("/feed")
def feed():
    body = atom_feed(**feed_args())
    return Response(body, mimetype="application/atom+xml; charset=utf-8")
