"""Plain-text rendering of results for terminals and pipes."""

from __future__ import annotations

import textwrap
from typing import Any

import click

from .ingest.report import IndexReport, Progress
from .models import Highlight, SearchResults, StoredArticle

FACET_TITLES = {"person": "People", "system": "Systems", "source": "Sources",
                "org": "Organisations", "place": "Places", "year": "Years",
                "collection": "Collections"}


def highlight_text(h: Highlight, colour: bool) -> str:
    """Matches in bold yellow on a terminal, in [brackets] otherwise."""
    out = []
    for text, is_match in h.segments():
        text = " ".join(text.split()) if "\n" in text else text
        if is_match:
            out.append(click.style(text, fg="yellow", bold=True) if colour else f"[{text}]")
        else:
            out.append(text)
    return "".join(out)


def results_text(results: SearchResults, colour: bool, explain: bool = False) -> str:
    lines: list[str] = []
    if explain:
        lines.append(f"Parsed query: {results.parsed}")
        for entity in results.entities:
            lines.append(f"Entity: {entity.text!r} is {entity.kind} {' / '.join(entity.values)} "
                         f"({entity.count:,} articles): its words or its facet")
    for warning in results.warnings:
        lines.append(f"Note: {warning}")
    if results.corrected_from:
        lines.append(f"Showing results for: {results.query} (search instead for "
                     f"{results.corrected_from!r} with --no-correct)")
    if results.suggestion:
        lines.append(f"Did you mean: {results.suggestion}")
    first = (results.page - 1) * results.per_page
    shown = f"{first + 1}-{first + len(results.hits)}" if results.hits else "none"
    lines.append(f"{results.total:,} articles ({shown} shown, page {results.page} of "
                 f"{results.pages}) in {results.took_ms:.0f} ms")
    lines.append("")
    for rank, hit in enumerate(results.hits, start=first + 1):
        title = ("".join(click.style(text, fg="yellow" if is_match else None, bold=True)
                         for text, is_match in hit.title_segments())
                 if colour else hit.title)  # (a pipe gets the title as it is)
        lines.append(f"{rank:>3}. {title}")
        lines.append(f"     {hit.date or 'undated'} | {hit.source} | id {hit.id} | score {hit.score:.2f}")
        if hit.missing:
            lines.append(f"     partial match, missing: {', '.join(hit.missing)}")
        for h in hit.highlights:
            wrapped = textwrap.fill(highlight_text(h, False), width=96, initial_indent="     > ",
                                    subsequent_indent="       ")
            lines.append(_recolour(wrapped) if colour else wrapped)
        if hit.similar:
            lines.append(f"     +{len(hit.similar)} similar: "
                         + ", ".join(f"{o.source} {o.date or 'undated'} id {o.id}" for o in hit.similar))
        lines.append("")
    for facet in results.facets:
        if facet.name not in FACET_TITLES or not facet.values:
            continue
        values = ", ".join(f"{v.value}" + (f" [{v.category}]" if v.category else "")
                           + f" ({v.count})" + ("*" if v.selected else "") for v in facet.values[:8])
        lines.append(f"{FACET_TITLES[facet.name]}: {values}")
    return "\n".join(lines).rstrip() + "\n"


def _recolour(wrapped: str) -> str:
    """Wrap on the bracketed text (so widths are right), then colour the brackets."""
    out, depth = [], 0
    for ch in wrapped:
        if ch == "[" and depth == 0:
            out.append("\x1b[1m\x1b[33m")
            depth = 1
        elif ch == "]" and depth == 1:
            out.append("\x1b[0m")
            depth = 0
        else:
            out.append(ch)
    return "".join(out) + ("\x1b[0m" if depth else "")


def article_text(article: StoredArticle) -> str:
    lines = [article.title, "=" * min(len(article.title), 96), ""]
    meta: list[tuple[str, Any]] = [
        ("id", article.id), ("date", article.date or "undated"), ("source", article.source),
        ("url", article.url), ("authors", ", ".join(article.authors)),
        ("people", ", ".join(p + (f" ({'; '.join(article.roles[p])})" if article.roles.get(p) else "")
                             for p in article.persons)),
        ("systems", ", ".join(article.systems)), ("organisations", ", ".join(article.orgs)),
        ("places", ", ".join(article.places)), ("collection", article.collection),
        ("from", article.origin)]
    meta += sorted(article.extra.items())
    for key, value in meta:
        if value:
            lines.append(f"{key + ':':<15}{value}")
    lines.append("")
    for paragraph in article.body.split("\n\n"):
        lines.append(textwrap.fill(paragraph, width=96))
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def stats_text(stats: dict[str, Any]) -> str:
    lines = [f"Index:     {stats['index']}", f"Articles:  {stats['articles']:,}",
             f"Size:      {stats['size_bytes'] / 1e6:.1f} MB",
             f"Dates:     {stats['first_month'] or '-'} .. {stats['last_month'] or '-'}", ""]
    lines.append("Years: " + ", ".join(f"{y['value']} ({y['count']})" for y in stats["years"]))
    for name, facet in stats["facets"].items():
        top = ", ".join(f"{v['value']} ({v['count']})" for v in facet["top"])
        lines.append(f"{FACET_TITLES[name]} ({facet['distinct']} distinct): {top}")
    return "\n".join(lines) + "\n"


def progress_line(p: Progress) -> str:
    eta = f"ETA {int(p.eta) // 60}:{int(p.eta) % 60:02d}" if p.eta is not None else "ETA --:--"
    pct = f"{100 * p.bytes_done / p.bytes_total:3.0f}%" if p.bytes_total else ""
    return f"\r  {p.articles:,} articles  {p.rate:,.0f}/s  {pct}  {eta}   "


def report_text(report: IndexReport) -> str:
    lines = [f"Indexed {report.added:,} new articles from {report.files_read:,} files "
             f"in {report.seconds:.1f} s ({report.added / max(report.seconds, 1e-9):,.0f}/s); "
             f"{report.total:,} articles in {report.index_dir}."]
    if report.files_unchanged:
        lines.append(f"{report.files_unchanged:,} files unchanged since the last run (not read).")
    if report.updated:
        lines.append(f"{report.updated:,} articles updated (same id, new content).")
    if report.unchanged:
        lines.append(f"{report.unchanged:,} articles were already indexed (same content).")
    if report.duplicates:
        lines.append(f"{report.duplicates:,} articles appeared more than once in the input (same id): indexed once.")
    if report.removed:
        lines.append(f"{report.removed:,} articles removed (their files changed or are gone).")
    for heading, problems in (("Skipped {:,} inputs:", [p for p in report.problems if p.skipped]),
                              ("Read with {:,} notes:", [p for p in report.problems if not p.skipped])):
        if problems:
            lines.append(heading.format(len(problems)))
            lines.extend(f"  {problem}" for problem in problems[:50])
            if len(problems) > 50:
                lines.append(f"  ... and {len(problems) - 50:,} more")
    return "\n".join(lines) + "\n"


def entities_text(entities) -> str:
    lines = []
    for e in entities:
        label = e.name + (f" [{e.category}]" if e.category else "")
        lines.append(f"{e.articles:>6}  {e.kind:<7} {label}")
        if e.roles:
            lines.append(f"{'':16}roles: {'; '.join(e.roles)}")
        if e.aliases:
            lines.append(f"{'':16}also written: {', '.join(e.aliases[:8])}")
    return "\n".join(lines) + "\n" if lines else "No entities.\n"


def entity_text(detail) -> str:
    s = detail.summary
    lines = [f"{s.name} ({s.kind}{', ' + s.category if s.category else ''}): {s.articles} articles"]
    if s.roles:
        lines.append(f"Roles: {'; '.join(s.roles)}")
    if s.aliases:
        lines.append(f"Also written: {', '.join(s.aliases)}")
    lines += ["", "Newest articles:"]
    lines += [f"  {h.date or 'undated'}  {h.source:<16} {h.title}  ({h.id})" for h in detail.articles]
    lines += ["", "Mentioned with:"]
    for kind, values in detail.co_mentions.items():
        if values:
            lines.append(f"  {kind}: {', '.join(f'{v} ({c})' for v, c in values)}")
    lines += ["", "Mentions per month:"]
    peak = max((c for _, c in detail.per_month), default=1)
    lines += [f"  {m:<8} {'#' * max(1, round(30 * c / peak))} {c}" for m, c in detail.per_month]
    return "\n".join(lines) + "\n"
