"""HTML pages: parse the URL, call the library, hand plain data to the templates."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, current_app, render_template, request, url_for

from search.engine import MAX_RESULT_WINDOW
from search.models import FACET_FIELDS, Facet, SearchResults

from . import engine
from .marking import paragraphs
from .query_chips import entity_chips
from .params import FACET_EXPANDED, FACET_SHOWN, UrlState, expanded_facets, request_from_args
from .timeline import build_timeline

bp = Blueprint("views", __name__)

FACET_LABELS = {"person": "People", "system": "Weapon systems", "source": "Sources",
                "org": "Organisations", "place": "Places", "collection": "Collections"}
FILTER_LABELS = {"person": "Person", "system": "System", "source": "Source",
                 "org": "Organisation", "place": "Place", "collection": "Collection"}
SORT_LABELS = (("relevance", "Relevance"), ("date", "Newest first"))


@dataclass
class FacetView:
    name: str
    label: str
    groups: list[tuple[str, list[dict[str, Any]]]]  # (category or "", values)
    more_url: str = ""
    less_url: str = ""
    selected: int = 0
    shown: int = 0
    values: list[dict[str, Any]] = field(default_factory=list)


def _facet_views(results: SearchResults, state: UrlState, expanded: tuple[str, ...]) -> list[FacetView]:
    views = []
    for name in FACET_FIELDS:
        facet: Facet | None = results.facet(name)
        values = list(facet.values) if facet else []
        shown_limit = FACET_EXPANDED if name in expanded else FACET_SHOWN
        unselected = [v for v in values if not v.selected]
        chosen = [v for v in values if v.selected]
        visible = chosen + unselected[:shown_limit]
        items = [{"value": v.value, "count": v.count, "selected": v.selected,
                  "category": v.category, "url": state.toggle(name, v.value)} for v in visible]
        view = FacetView(name, FACET_LABELS[name], [], selected=len(chosen), shown=len(items),
                         values=items)
        if name == "system":
            groups: dict[str, list[dict[str, Any]]] = {}
            for item in sorted(items, key=lambda i: (not i["selected"], -i["count"], i["value"])):
                groups.setdefault(item["category"] or "other", []).append(item)
            view.groups = sorted(groups.items(), key=lambda g: (-sum(i["count"] for i in g[1]), g[0]))
        else:
            view.groups = [("", items)]
        if len(unselected) > shown_limit:
            view.more_url = state.add("more", name) + f"#facet-{name}"
        if name in expanded:
            view.less_url = state.toggle("more", name) + f"#facet-{name}"
        views.append(view)
    return views


def _chips(state: UrlState) -> list[dict[str, str]]:
    chips = []
    for name in FACET_FIELDS:
        for value in state.getlist(name):
            chips.append({"kind": name, "label": FILTER_LABELS[name], "value": value,
                          "url": state.toggle(name, value)})
    since, until = state.get("since"), state.get("until")
    if since or until:
        text = f"{since or '…'} – {until or '…'}"
        chips.append({"kind": "date", "label": "Dates", "value": text,
                      "url": state.with_(drop=("since", "until"))})
    return chips


def _pages(current: int, last: int) -> list[int | None]:
    """Page numbers to link, None for a gap: 1 … 4 5 [6] 7 8 … 40."""
    wanted = {1, last, *range(current - 2, current + 3)}
    out: list[int | None] = []
    for number in sorted(n for n in wanted if 1 <= n <= last):
        if out and out[-1] is not None and number - out[-1] > 1:
            out.append(None)
        out.append(number)
    return out


@bp.route("/")
@bp.route("/search")
def search():
    state = UrlState(request.args, url_for("views.search"))
    search_request = request_from_args(request.args, highlights=current_app.config["HIGHLIGHTS"])
    expanded = expanded_facets(request.args)
    results = engine().search(search_request)
    last_page = min(results.pages, max(1, MAX_RESULT_WINDOW // results.per_page))
    first_shown = (results.page - 1) * results.per_page + 1
    return render_template(
        "search.html", state=state, req=search_request, results=results,
        facets=_facet_views(results, state, expanded), chips=_chips(state),
        timeline=build_timeline(results.facet("month")),
        pages=_pages(results.page, last_page), last_page=last_page,
        first_shown=first_shown, last_shown=first_shown + len(results.hits) - 1,
        sorts=SORT_LABELS, labels=FILTER_LABELS,
        suggestion_url=state.with_(q=results.suggestion) if results.suggestion else "",
        article_q=search_request.text, entity_chips=entity_chips(results, state))


def _safe_url(url: str) -> str:
    """Only http(s) links leave the site: a stored ``javascript:`` URL is shown as text."""
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return ""
    return url.strip() if scheme in ("http", "https") else ""


@bp.route("/article/<article_id>")
def article(article_id: str):
    query_text = (request.args.get("q") or "").strip()[:1000]
    the_engine = engine()
    stored = the_engine.article(article_id)
    matches = the_engine.match_spans(query_text, stored.body) if query_text else []
    title_matches = the_engine.match_spans(query_text, stored.title) if query_text else []
    search_state = UrlState(request.args, url_for("views.search"))
    return render_template(
        "article.html", article=stored, q=query_text, paragraphs=paragraphs(stored, matches),
        title_segments=_segments(stored.title, title_matches),
        safe_url=_safe_url(stored.url), related=the_engine.more_like(article_id),
        sharing=the_engine.sharing_entities(article_id), labels=FILTER_LABELS,
        facet_labels=FACET_LABELS,
        back_url=search_state.with_(keep_page=True),
        facet_url=lambda kind, value: url_for("views.search", **{kind: value}))


def _segments(text: str, spans: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    out, cursor = [], 0
    for start, end in spans:
        if start > cursor:
            out.append((text[cursor:start], False))
        out.append((text[start:end], True))
        cursor = end
    if cursor < len(text):
        out.append((text[cursor:], False))
    return out
