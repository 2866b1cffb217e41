"""HTML pages: parse the URL, call the library, hand plain data to the templates."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import quote, urlsplit

from flask import Blueprint, current_app, render_template, request, url_for
from markupsafe import Markup, escape

from search.understanding.request_rules import MAX_RESULT_WINDOW
from search.terms import top_terms
from search.models import FACET_FIELDS, Facet, SearchResults

from . import engine, fragments
from .marking import paragraphs
from .query_chips import entity_chips
from .params import FACET_EXPANDED, FACET_SHOWN, UrlState, expanded_facets, request_from_args
from .timeline import build_timeline, overall_timeline

bp = Blueprint("views", __name__)

FACET_LABELS = {"person": "People", "system": "Weapon systems", "source": "Sources",
                "org": "Organisations", "place": "Places", "collection": "Collections"}
FILTER_LABELS = {"person": "Person", "system": "System", "source": "Source",
                 "org": "Organisation", "place": "Place", "collection": "Collection"}
SORT_LABELS = (("relevance", "Relevance"), ("date", "Newest first"))


@dataclass(slots=True)
class FacetItem:
    """One facet value as the sidebar shows it. An object, not a dict: the template reads
    ``v.value`` as an attribute first, and a dict answers that with an exception each time
    (a results page reads some 400 of them)."""

    value: str
    count: int
    selected: bool
    id: str
    category: str
    url: str
    exclude_url: str


@dataclass
class FacetView:
    name: str
    label: str
    groups: list[tuple[str, list[FacetItem]]]  # (category or "", values)
    more_url: str = ""
    less_url: str = ""
    selected: int = 0
    shown: int = 0
    all_url: str = ""
    values: list[FacetItem] = field(default_factory=list)


def _facet_views(results: SearchResults, state: UrlState, expanded: tuple[str, ...]) -> list[FacetView]:
    views = []
    all_query = state.without("page", "more").query_string()  # the "All <facet>" pages
    for name in FACET_FIELDS:
        facet: Facet | None = results.facet(name)
        values = list(facet.values) if facet else []
        shown_limit = FACET_EXPANDED if name in expanded else FACET_SHOWN
        unselected = [v for v in values if not v.selected]
        chosen = [v for v in values if v.selected]
        visible = chosen + unselected[:shown_limit]
        items = [FacetItem(v.value, v.count, v.selected, f"f-{name}-{i}", v.category,
                           state.toggle(name, v.value), state.exclude(name, v.value))
                 for i, v in enumerate(visible)]
        view = FacetView(name, FACET_LABELS[name], [], selected=len(chosen), shown=len(items),
                         values=items, all_url=f"{request.script_root}/facet/{name}{all_query}")
        if name == "system":
            groups: dict[str, list[FacetItem]] = {}
            for item in sorted(items, key=lambda i: (not i.selected, -i.count, i.value)):
                groups.setdefault(item.category or "other", []).append(item)
            view.groups = sorted(groups.items(), key=lambda g: (-sum(i.count for i in g[1]), g[0]))
        else:
            view.groups = [("", items)]
        if len(unselected) > shown_limit:
            view.more_url = state.add("more", name) + f"#facet-{name}"
        if name in expanded:
            view.less_url = state.toggle("more", name) + f"#facet-{name}"
        views.append(view)
    return views


for _piece in (fragments.hit_item, fragments.facet_rows, fragments.timeline_bars):
    bp.add_app_template_global(_piece)


@bp.app_template_global()
def entity_url(kind: str, name: str) -> str:
    """The entity page of a facet value (sources have one too). Built by hand, not with
    url_for: a results page links a few hundred of them."""
    return f"{request.script_root}/entity/{kind}/{_quoted(name)}"


@lru_cache(maxsize=50_000)
def _quoted(name: str) -> str:
    return quote(name, safe="")


@bp.app_template_global()
def about_link(kind: str, name: str) -> Markup:
    """The "›" link from a chip to its entity page, rendered once per entity (a results page
    has about a hundred chips; Jinja escaping each part every time cost 7% of the page)."""
    return _about_link(request.script_root, kind, name)


@lru_cache(maxsize=50_000)
def _about_link(root: str, kind: str, name: str, css: str = "chip-about chip-") -> Markup:
    # (an f-string of escaped parts, as ``Markup.format`` would give: its formatter, in
    # Python, cost more than the rest of a chip, once per new entity on a page)
    kind, root, css = escape(kind), escape(root), escape(css)
    return Markup(f'<a class="{css}{kind}" href="{root}/entity/{kind}/{escape(_quoted(name))}">'
                  f'<span class="visually-hidden">About {escape(name)}</span>›</a>')


@bp.app_template_global()
def facet_about_link(kind: str, name: str) -> Markup:
    """:func:`about_link` beside a facet value."""
    return _about_link(request.script_root, kind, name, "facet-about facet-about-")


def _chips(state: UrlState) -> list[dict[str, str]]:
    chips = []
    for name in FACET_FIELDS:
        for value in state.getlist(name):
            chips.append({"kind": name, "label": FILTER_LABELS[name], "value": value,
                          "url": state.toggle(name, value)})
        for value in state.getlist(f"not_{name}"):
            chips.append({"kind": name, "label": f"Not {FILTER_LABELS[name].lower()}",
                          "value": value, "url": state.toggle(f"not_{name}", value),
                          "negated": "1"})
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
    the_engine = engine()
    results = the_engine.search(search_request)
    last_page = min(results.pages, max(1, MAX_RESULT_WINDOW // results.per_page))
    first_shown = (results.page - 1) * results.per_page + 1
    if search_request.since or search_request.until:
        # A date range is selected: the chart keeps the months outside it in view.
        timeline = overall_timeline(the_engine, search_request)
    else:
        timeline = build_timeline(results.facet("month"))
    compared = state.getlist("cmp")
    export_query = state.without("page", "more", "cmp", "sort", "limit").query_string()
    current = trend_query(search_request)
    return render_template(
        "search.html", state=state, req=search_request, results=results,
        facets=_facet_views(results, state, expanded), chips=_chips(state),
        timeline=timeline, facet_state=state.hidden_fields(exclude=(*FACET_FIELDS, "page")),
        compare_url=f"{request.script_root}/trends?" + "&".join(
            "q=" + quote(q, safe="") for q in dict.fromkeys([*compared, current]) if q)[:8000]
        if current else "",
        export_query=export_query, terms_url=f"{request.script_root}/api/terms{export_query}",
        terms=top_terms(the_engine, search_request, 15) if request.args.get("terms") == "1" else None,
        pages=_pages(results.page, last_page), last_page=last_page,
        first_shown=first_shown, last_shown=first_shown + len(results.hits) - 1,
        sorts=SORT_LABELS, labels=FILTER_LABELS,
        suggestion_url=state.with_(q=results.suggestion) if results.suggestion else "",
        article_q=search_request.text, entity_chips=entity_chips(results, state))


def trend_query(req) -> str:
    """The search as one query for a trends series: its text plus its filters written as
    ``field:"value"`` (the query syntax's own), so the series counts what the search does."""
    parts = [req.text] if req.text else []
    for name, values in req.filters().items():
        if values:
            terms = [f'{name}:"{v}"' for v in values if '"' not in v]
            parts.append(terms[0] if len(terms) == 1 else "(" + " OR ".join(terms) + ")")
    for name, value in req.excluded:
        if '"' not in value:
            parts.append(f'-{name}:"{value}"')
    return " ".join(parts)


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


from . import pages  # noqa: E402,F401  (the workbench pages register on this blueprint)
