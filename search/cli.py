"""The ``search`` command line: parses options, calls the library, formats the answer."""

from __future__ import annotations

import functools
import json
import sys
from typing import Any, Callable

import click

from .ingest.dates import parse_date_param
from .engine import SearchEngine
from .errors import InvalidQueryError, SearchError
from .backends.embedded.indexer import index_paths
from .models import SearchRequest
from .entity_views import entity_detail, list_entities, unknown_systems
from .render import (article_text, entities_text, entity_text, progress_line, report_text,
                     results_text, stats_text)
from .backends.embedded.storage import resolve_index_dir

EXIT_SKIPPED = 3  # `search index`: indexed, but some inputs were skipped


class UserError(click.ClickException):
    """A SearchError as the CLI shows it: the message, no traceback."""

    def __init__(self, exc: SearchError):
        message = str(exc)
        if isinstance(exc, InvalidQueryError) and exc.pointer():
            message += "\n" + exc.pointer()
        super().__init__(message)


def handles_errors(fn: Callable) -> Callable:
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except SearchError as exc:
            raise UserError(exc) from None
    return wrapper


index_option = click.option(
    "--index", "index_dir", envvar="SEARCH_INDEX", metavar="DIR",
    help="Index folder (default: $SEARCH_INDEX, else ./search-index).")


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="news-search")
def main() -> None:
    """Full-text search over news articles, with people, weapon systems, organisations,
    places, sources and dates as filters."""


@main.command("index")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--rebuild", is_flag=True, help="Start a new index instead of adding to the existing one.")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Worker processes for analysis (default: one per core).")
@index_option
@handles_errors
def index_command(paths: tuple[str, ...], rebuild: bool, workers: int | None, index_dir: str | None) -> None:
    """Index articles from files and folders (.txt pages, .jsonl, .csv; gzipped or not).

    Only new or changed files are read; articles already in the index are not added
    twice. Exit status 3 means some inputs were skipped (listed at the end).
    """
    on_tty = sys.stderr.isatty()

    def show(progress) -> None:
        click.echo(progress_line(progress), nl=False, err=True)

    try:
        report = index_paths(list(paths), resolve_index_dir(index_dir), rebuild=rebuild,
                             workers=workers, on_progress=show if on_tty else None)
    except KeyboardInterrupt:
        click.echo("\nInterrupted: nothing was committed; the previous index is unchanged.", err=True)
        sys.exit(130)
    if on_tty:
        click.echo("", err=True)
    click.echo(report_text(report), nl=False)
    if not report.clean:
        sys.exit(EXIT_SKIPPED)


def filter_options(fn: Callable) -> Callable:
    """The filters shared by `query` and `export`."""
    options = [
        click.option("--person", multiple=True, help="Only articles mentioning this person (any spelling; repeatable: OR)."),
        click.option("--system", multiple=True, help="Only articles mentioning this weapon system (any alias; repeatable)."),
        click.option("--source", multiple=True, help="Only articles from this outlet (repeatable)."),
        click.option("--org", multiple=True, help="Only articles mentioning this organisation (repeatable)."),
        click.option("--place", multiple=True, help="Only articles mentioning this place (repeatable)."),
        click.option("--since", metavar="DATE", help="Only articles on or after DATE (YYYY, YYYY-MM or YYYY-MM-DD)."),
        click.option("--until", metavar="DATE", help="Only articles on or before DATE (YYYY, YYYY-MM or YYYY-MM-DD)."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def build_request(text: str, person, system, source, org, place, since, until, **extra) -> SearchRequest:
    return SearchRequest(
        text=text, persons=tuple(person), systems=tuple(system), sources=tuple(source),
        orgs=tuple(org), places=tuple(place),
        since=parse_date_param(since, "--since") if since else None,
        until=parse_date_param(until, "--until", end=True) if until else None, **extra)


@main.command("query")
@click.argument("text", nargs=-1)
@filter_options
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance", show_default=True)
@click.option("--limit", type=click.IntRange(1, 100), default=10, show_default=True, help="Results per page.")
@click.option("--page", type=click.IntRange(1, None), default=1, show_default=True)
@click.option("--explain", is_flag=True, help="Print the parsed query.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object.")
@click.option("--strict", is_flag=True, help="Fail on query syntax problems instead of repairing them.")
@click.option("--no-correct", is_flag=True,
              help="Search the words as typed even when a spelling correction finds more.")
@index_option
@handles_errors
def query_command(text, sort, limit, page, explain, as_json, strict, no_correct, index_dir,
                  **filters) -> None:
    """Search: words, "phrases", AND/OR/NOT, +must -mustnot, prefix*, field:value
    (title, body, person, system, source, org, place, year, month, date:[2023-01 TO 2023-03])."""
    request = build_request(" ".join(text), sort=sort, per_page=limit, page=page,
                            correct=not no_correct, **filters)
    results = SearchEngine(resolve_index_dir(index_dir)).search(request, strict=strict)
    if as_json:
        data = results.to_dict()
        if explain:
            data["parsed"] = results.parsed
        click.echo(_dumps(data))
    else:
        click.echo(results_text(results, colour=sys.stdout.isatty(), explain=explain), nl=False)


@main.command("show")
@click.argument("article_id")
@click.option("--json", "as_json", is_flag=True, help="Print the article as JSON.")
@index_option
@handles_errors
def show_command(article_id: str, as_json: bool, index_dir: str | None) -> None:
    """Print one article with its metadata and entities."""
    article = SearchEngine(resolve_index_dir(index_dir)).article(article_id)
    click.echo(_dumps(article.to_dict()) if as_json else article_text(article))


@main.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@index_option
@handles_errors
def stats_command(as_json: bool, index_dir: str | None) -> None:
    """Counts of articles per year, source, person, system, organisation and place."""
    stats = SearchEngine(resolve_index_dir(index_dir)).stats()
    click.echo(_dumps(stats) if as_json else stats_text(stats), nl=as_json)


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--threads", type=click.IntRange(1, 64), default=None,
              help="Threads per process (default: 1).")
@click.option("--processes", type=click.IntRange(1, 64), default=None,
              help="Server processes (default: one per core, at most 8).")
@click.option("--seeds", "seed_paths", multiple=True, type=click.Path(exists=True),
              help="Index these paths first if the index does not exist yet.")
@index_option
@handles_errors
def serve_command(host: str, port: int, threads: int | None, processes: int | None, seed_paths,
                  index_dir: str | None) -> None:
    """Serve the web UI and JSON API with a production WSGI server (waitress)."""
    from web.server import DEFAULT_THREADS, default_processes, serve

    serve(resolve_index_dir(index_dir), host=host, port=port, threads=threads or DEFAULT_THREADS,
          seeds=list(seed_paths), processes=processes or default_processes())


@main.command("entities")
@click.option("--type", "kind", type=click.Choice(["person", "system", "org", "place"]),
              help="Only this kind of entity.")
@click.option("--limit", type=click.IntRange(1, None), default=50, show_default=True)
@click.option("--unknown", is_flag=True,
              help="List designators that look like weapon systems but are not in the knowledge base.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@index_option
@handles_errors
def entities_command(kind, limit, unknown, as_json, index_dir) -> None:
    """People, weapon systems, organisations and places, with article counts, the aliases
    seen in the text, roles and (for systems) the category."""
    engine = SearchEngine(resolve_index_dir(index_dir))
    if unknown:
        rows = unknown_systems(engine)[:limit]
        if as_json:
            click.echo(_dumps([{"designator": d, "articles": c} for d, c in rows]))
        else:
            click.echo("\n".join(f"{c:>6}  {d}" for d, c in rows) or "No unknown designators.")
        return
    found = list_entities(engine, kind, limit)
    if as_json:
        click.echo(_dumps([e.to_dict() for e in found]))
        return
    click.echo(entities_text(found), nl=False)


@main.command("entity")
@click.argument("name")
@click.option("--type", "kind", type=click.Choice(["person", "system", "org", "place"]))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@index_option
@handles_errors
def entity_command(name, kind, as_json, index_dir) -> None:
    """One entity (any alias): its articles, co-mentioned entities and mentions per month."""
    detail = entity_detail(SearchEngine(resolve_index_dir(index_dir)), name, kind)
    click.echo(_dumps(detail.to_dict()) if as_json else entity_text(detail), nl=as_json)


@main.command("export")
@click.argument("text", nargs=-1)
@filter_options
@click.option("--jsonl", is_flag=True, required=True,
              help="One JSON object a line (the hit shape of `query --json` plus body).")
@index_option
@handles_errors
def export_command(text, jsonl, index_dir, **filters) -> None:
    """Stream the matching articles (all of them without a query) as JSON Lines."""
    request = build_request(" ".join(text), **filters)
    for article in SearchEngine(resolve_index_dir(index_dir)).iter_articles(request):
        record = article.to_dict()
        record = {"id": record["id"], "title": record["title"], "date": record["date"],
                  "source": record["source"], "url": record["url"], "score": None,
                  "persons": record["persons"], "systems": record["systems"],
                  "orgs": record["orgs"], "places": record["places"], "highlights": [],
                  "authors": record["authors"], "roles": record["roles"], "body": record["body"]}
        click.echo(json.dumps(record, ensure_ascii=False))
