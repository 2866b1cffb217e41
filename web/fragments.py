"""The results page's repeated pieces, built here as escaped HTML, one call each: the hits
(``hit_item``: title and passages with their ``<mark>``s, entity chips, the "+N similar"
list), the facet value rows and the timeline's bars.

A results page repeats them a few hundred times: in the templates each was a loop with an
escape and a markup object per value and a call (``state.add``, ``url_for``, ``about_link``)
per link, more than half of the page's rendering time. Every value from the index or the
URL is escaped here as ``markupsafe.escape`` escapes it (``_esc``), as Jinja's autoescaping
does, so the HTML is the same byte for byte (``tests/test_web.py`` renders the templates
they replaced beside them); only the constant markup around them is written as is."""

from __future__ import annotations

from typing import Iterable, Sequence
from urllib.parse import quote, quote_plus, urlencode

from flask import request
from markupsafe import Markup, escape

from search.models import Hit

from .params import UrlState

#: What ``url_for`` leaves unquoted in a path segment (werkzeug's ``BaseConverter.to_url``).
_PATH_SAFE = "!$&'()*+,/:;=@"


def _esc(value) -> str:
    """``markupsafe.escape(value)`` as a plain string, the same characters: a string is
    escaped with five ``str.replace`` calls, a third of the cost of ``escape``, whose
    ``Markup`` result is made in Python (a results page escapes some 700 values here)."""
    if type(value) is str:
        return (value.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
                .replace("'", "&#39;").replace('"', "&#34;"))
    return str(escape(value))


def article_href(article_id: str) -> str:
    """``url_for("views.article", article_id=...)``, without the routing map: a results page
    links each hit and each of its similar articles (about fifty)."""
    return f"{request.script_root}/article/{quote(article_id, safe=_PATH_SAFE)}"


def marked(text: str, matches: Sequence[tuple[int, int]]) -> Markup:
    """``text`` escaped, with its ``[start, end)`` matches in ``<mark>``."""
    if not matches:
        return Markup(_esc(text))
    out, cursor = [], 0
    for start, end in matches:
        if start > cursor:
            out.append(_esc(text[cursor:start]))
        out.append(f"<mark>{_esc(text[start:end])}</mark>")
        cursor = end
    if cursor < len(text):
        out.append(_esc(text[cursor:]))
    return Markup("".join(out))


def similar_items(others: Iterable[Hit], query_string: str) -> Markup:
    """The ``<li>`` of each other copy of a hit's story."""
    qs = _esc(query_string)
    root = _esc(request.script_root)
    return Markup("".join(
        f'\n    <li><a href="{root}/article/{_esc(quote(o.id, safe=_PATH_SAFE))}{qs}">'
        f'{_esc(o.title or "(untitled)")}</a>\n'
        f'      <span class="hit-meta">{_esc(o.date or "undated")} · {_esc(o.source)}</span></li>\n'
        "    " for o in others))


def entity_chips(hit: Hit, state: UrlState, labels: dict[str, str], about) -> Markup:
    """A hit's entity chips (up to five of each kind), each a filter link and the link to
    its entity page (``about(kind, name)``, a ``Markup``)."""
    out = []
    # (a page's hits share many entities: each chip is built once a page, kept with the state)
    built = state.__dict__.setdefault("_chips", {})
    for kind, names in (("person", hit.persons), ("system", hit.systems), ("org", hit.orgs),
                        ("place", hit.places)):
        for name in names[:5]:
            chip = built.get((kind, name))
            if chip is None:
                label, safe_name = _esc(labels[kind]), _esc(name)
                selected = " is-selected" if state.has(kind, name) else ""
                chip = built[(kind, name)] = (
                    f'\n    <li class="chip-pair"><a class="chip chip-{kind}{selected}" '
                    f'href="{_esc(state.add(kind, name))}"\n           title="Filter: {label} '
                    f'{safe_name}"><span class="visually-hidden">Filter by {label}: </span>'
                    f'{safe_name}</a>{about(kind, name)}</li>\n    ')
            out.append(chip)
    return Markup("".join(out))


def facet_rows(name: str, values: Iterable, about) -> Markup:
    """A facet's value rows (``_facets.html``): the checkbox, its label and count, the
    exclude link and the link to the value's entity page (``about(name, value)``)."""
    out = []
    safe_name = _esc(name)
    for v in values:
        vid, value = _esc(v.id), _esc(v.value)
        row_class, checked = (" is-selected", " checked") if v.selected else ("", "")
        out.append(
            f'\n        <li class="facet-row{row_class}"><input class="facet-check" type="checkbox" '
            f'id="{vid}" name="{safe_name}" value="{value}" data-url="{_esc(v.url)}"{checked}>\n'
            f'          <label class="facet-value" for="{vid}"><span class="facet-label" id="{vid}l">'
            f'{value}</span> <span class="count">{v.count:,}<span class="visually-hidden"> articles'
            f'</span></span></label>\n          <a class="facet-not" href="{_esc(v.exclude_url)}" '
            f'aria-labelledby="w-not {vid}l">−</a>{about(name, v.value)}</li>\n        ')
    return Markup("".join(out))


def timeline_bars(timeline, state: UrlState) -> Markup:
    """The timeline's bars (``_timeline.html``): each a link selecting its month, with its
    count as a title and a label, and two rectangles (the hit area and the bar)."""
    kept = urlencode([(k, v) for k, v in state.pairs if k not in ("since", "until", "page")])
    head = _esc(f"{state.path}?{kept}&" if kept else f"{state.path}?")
    ranged, height = timeline.ranged, _esc(timeline.height)
    out = []
    for bar in timeline.bars:
        month, label = _esc(bar.month), _esc(bar.label)
        month_q = _esc(quote_plus(bar.month))
        x, width = _esc(bar.x), _esc(bar.width)
        articles = f"{_esc(bar.count)} article{'' if bar.count == 1 else 's'}"
        selected = (" (selected)" if bar.selected else "") if ranged else ""
        out.append(
            f'\n    <a class="timeline-bar{"" if bar.selected else " is-outside"}" '
            f'href="{head}since={month_q}&amp;until={month_q}" data-month="{month}"\n'
            f'       data-x="{x}" data-width="{width}"\n'
            f'       aria-label="{label}: {articles}{selected}">\n'
            f'      <title>{label}: {articles}</title>\n'
            f'      <rect class="bar-hit" x="{x}%" y="0" width="{width}%" height="{height}"></rect>\n'
            f'      <rect class="bar{"" if bar.count else " is-empty"}" x="{x}%" y="{_esc(bar.y)}" '
            f'width="{width}%" height="{_esc(bar.height)}"></rect>\n    </a>\n    ')
    return Markup("".join(out))


def hit_item(hit: Hit, state: UrlState, query_string: str, labels: dict[str, str], about) -> Markup:
    """One hit of the results list (``_hits.html``): its title (a link to the article, the
    search carried along), date and source, the words a partial match lacks, its passages,
    the other copies of its story (a ``<details>``, which opens without JavaScript), and its
    entity chips. A results page has ten: as a template, with the calls and escapes of each
    piece, this was a quarter of the page's rendering."""
    title = marked(hit.title, hit.title_matches) if hit.title else "(untitled)"
    if hit.date:
        date = _esc(hit.date)
        when = f'<time datetime="{date}">{date}</time>'
    else:
        when = '<span class="undated">undated</span>'
    missing = ("<p class=\"hit-partial\">Partial match, missing: "
               + ", ".join(f"<s>{_esc(word)}</s>" for word in hit.missing) + "</p>"
               if hit.missing else "")
    passages = "".join(f'\n  <p class="passage">{marked(h.text, h.matches)}</p>\n  '
                       for h in hit.highlights)
    similar = (f'\n<details class="hit-similar">\n  <summary>+{len(hit.similar)} similar</summary>\n'
               f'  <ul>\n    {similar_items(hit.similar, query_string)}\n  </ul>\n</details>\n'
               if hit.similar else "")
    chips = (f'\n  <ul class="chips hit-entities" aria-label="Entities in this article">\n'
             f'    {entity_chips(hit, state, labels, about)}\n  </ul>\n  '
             if hit.persons or hit.systems or hit.orgs or hit.places else "")
    return Markup(
        f'<li class="hit">\n  <h2 class="hit-title"><a href="{_esc(article_href(hit.id))}'
        f'{_esc(query_string)}">{title}</a></h2>\n  <p class="hit-meta">\n    {when}\n'
        f'    <span class="sep" aria-hidden="true">·</span>\n'
        f'    <a class="hit-source" href="{_esc(state.add("source", hit.source))}" '
        f'title="Filter by this source">{_esc(hit.source)}</a>\n  </p>\n  {missing}\n'
        f'  {passages}\n  \n{similar}\n  \n  {chips}\n</li>')
