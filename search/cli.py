"""The ``search`` command line: parses options, calls the library, formats the answer."""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import signal
import sys
import threading
from dataclasses import replace
from typing import Any, Callable

import click

from .ingest.dates import parse_date_param
from .ingest.formats import ReadOptions
from .backend_choice import backend_spec, open_engine
from .errors import InvalidQueryError, SearchError
from .backends.embedded.indexer import index_paths
from .backends.embedded.interrupts import stop_on_signals
from .models import SearchRequest
from .settings import INGEST_LIMITS, LIMITS, Limits
from .entity_views import entity_detail, list_entities, unknown_systems, variant_groups
from .entities import user_kb
from .render import (article_text, entities_text, entity_text, progress_line, report_text,
                     results_text, stats_text)
from .backends.embedded.storage import resolve_index_dir
from .backends.opensearch.connection import is_cluster_address, parse_address
from .backends.opensearch.loader import index_into_cluster

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


_index_dir_option = click.option(
    "--index", "index_dir", envvar="SEARCH_INDEX", metavar="DIR",
    help="Index folder (default: $SEARCH_INDEX, else ./search-index).")
_backend_option = click.option(
    "--backend", envvar="SEARCH_BACKEND", metavar="URL", expose_value=False,
    callback=lambda ctx, _param, value: ctx.meta.__setitem__("backend", value),
    help="embedded (default: the --index folder) or a cluster, e.g. opensearch://127.0.0.1:9200/news "
         "(default: $SEARCH_BACKEND; credentials from $OPENSEARCH_USERNAME/$OPENSEARCH_PASSWORD).")


def index_option(fn: Callable) -> Callable:
    """``--index`` and ``--backend``: where the articles are."""
    return _backend_option(_index_dir_option(fn))


def _engine(index_dir: str | None, limits: Limits = LIMITS):
    """The engine the command's --backend / --index name."""
    return open_engine(index_dir, click.get_current_context().meta.get("backend"), limits)


time_limit_option = click.option(
    "--time-limit", type=click.FloatRange(0, 3600), default=LIMITS.time_budget, show_default=True,
    metavar="SECONDS", help="Stop a search that takes longer, with a message (0: no limit).")


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
@click.option("--collection", metavar="NAME",
              help="Collection of these articles (default: their folder under each PATH).")
@click.option("--dayfirst", "date_order", flag_value="dayfirst",
              help="Read dates like 12/03/2022 as 12 March (default: report them, undated).")
@click.option("--monthfirst", "date_order", flag_value="monthfirst",
              help="Read dates like 12/03/2022 as December 3.")
@click.option("--max-file-mb", type=click.IntRange(1, None), default=None,
              help=f"Unpacked MB read from one file [default: {INGEST_LIMITS.max_file_bytes >> 20}].")
@click.option("--max-article-chars", type=click.IntRange(1000, None), default=None,
              help=f"Longer articles are cut [default: {INGEST_LIMITS.max_article_chars}].")
@click.option("--kb", "kb_file", type=click.Path(dir_okay=False), default=None,
              help="Your own entities and aliases (JSON, see README); kept in the index folder for later runs.")
@index_option
@handles_errors
def index_command(paths: tuple[str, ...], rebuild: bool, workers: int | None, index_dir: str | None,
                  collection: str | None = None, date_order: str | None = None,
                  max_file_mb: int | None = None, max_article_chars: int | None = None,
                  kb_file: str | None = None) -> None:
    """Index articles from files and folders (.txt pages, .jsonl, .csv, .html, RSS/Atom
    feeds, .warc; gzipped or not).

    Only new or changed files are read; articles already in the index are not added
    twice. Exit status 3 means some inputs were skipped (listed at the end).
    """
    if kb_file:
        user_kb.use(kb_file)  # (checked before anything is read)
    else:
        user_kb.use_for_index(resolve_index_dir(index_dir))
    on_tty = sys.stderr.isatty()

    def show(progress) -> None:
        click.echo(progress_line(progress), nl=False, err=True)

    backend = backend_spec(click.get_current_context().meta.get("backend"))
    options = read_options(collection, date_order, max_file_mb, max_article_chars)
    report = None
    with stop_on_signals() as stop:
        try:
            if is_cluster_address(backend):
                report = index_into_cluster(list(paths), parse_address(backend), rebuild=rebuild,
                                            workers=workers, on_progress=show if on_tty else None,
                                            options=options)
            else:
                report = index_paths(list(paths), resolve_index_dir(index_dir), rebuild=rebuild,
                                     workers=workers, on_progress=show if on_tty else None,
                                     options=options)
        except KeyboardInterrupt:
            _ignore_stop_signals()  # the clean-up is done; a second Ctrl-C changes nothing
    if report is None:
        if is_cluster_address(backend):
            click.echo("\nInterrupted: what was sent is in the cluster index; run the command "
                       "again for the rest (nothing is added twice).", err=True)
        else:
            click.echo("\nInterrupted: nothing was committed; the previous index is unchanged.",
                       err=True)
        sys.exit(128 + (stop.signum or signal.SIGINT))
    if kb_file:
        user_kb.keep_in_index(kb_file, resolve_index_dir(index_dir))
    if on_tty:
        click.echo("", err=True)
    click.echo(report_text(report), nl=False)
    interrupted = report.interrupted or stop.signum  # (held during the commit, or after it)
    if interrupted:
        click.echo("Interrupted after the commit: the changes above are in the index.", err=True)
        sys.exit(128 + interrupted)
    if not report.clean:
        sys.exit(EXIT_SKIPPED)


def _ignore_stop_signals() -> None:
    """From now on (the handlers stop_on_signals restores included) the process exits."""
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, signal.SIG_IGN)


def read_options(collection, date_order, max_file_mb, max_article_chars) -> ReadOptions:
    limits = dataclasses.replace(
        INGEST_LIMITS, **({"max_file_bytes": max_file_mb << 20} if max_file_mb else {}),
        **({"max_article_chars": max_article_chars} if max_article_chars else {}))
    return ReadOptions(limits=limits, date_order=date_order or "", collection=(collection or "").strip())


def filter_options(fn: Callable) -> Callable:
    """The filters shared by `query` and `export`."""
    options = [
        click.option("--person", multiple=True, help="Only articles mentioning this person (any spelling; repeatable: OR)."),
        click.option("--system", multiple=True, help="Only articles mentioning this weapon system (any alias; repeatable)."),
        click.option("--source", multiple=True, help="Only articles from this outlet (repeatable)."),
        click.option("--org", multiple=True, help="Only articles mentioning this organisation (repeatable)."),
        click.option("--place", multiple=True, help="Only articles mentioning this place (repeatable)."),
        click.option("--collection", multiple=True,
                     help="Only articles of this collection: the folder they were indexed from (repeatable)."),
        click.option("--since", metavar="DATE", help="Only articles on or after DATE (YYYY, YYYY-MM or YYYY-MM-DD)."),
        click.option("--until", metavar="DATE", help="Only articles on or before DATE (YYYY, YYYY-MM or YYYY-MM-DD)."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def build_request(text: str, person, system, source, org, place, since, until, collection=(),
                  **extra) -> SearchRequest:
    return SearchRequest(
        text=text, persons=tuple(person), systems=tuple(system), sources=tuple(source),
        orgs=tuple(org), places=tuple(place), collections=tuple(collection),
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
@time_limit_option
@index_option
@handles_errors
def query_command(text, sort, limit, page, explain, as_json, strict, no_correct, time_limit,
                  index_dir, **filters) -> None:
    """Search: words, "phrases", AND/OR/NOT, +must -mustnot, prefix*, field:value
    (title, body, person, system, source, org, place, year, month, date:[2023-01 TO 2023-03])."""
    request = build_request(" ".join(text), sort=sort, per_page=limit, page=page,
                            correct=not no_correct, **filters)
    results = _engine(index_dir, replace(LIMITS, time_budget=time_limit)).search(request, strict=strict)
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
    article = _engine(index_dir).article(article_id)
    click.echo(_dumps(article.to_dict()) if as_json else article_text(article))


@main.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@index_option
@handles_errors
def stats_command(as_json: bool, index_dir: str | None) -> None:
    """Counts of articles per year, source, person, system, organisation and place."""
    stats = _engine(index_dir).stats()
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
@click.option("--grace", type=click.FloatRange(0, 3600), default=10.0, show_default=True,
              metavar="SECONDS", help="On SIGTERM or Ctrl-C, time given to the requests in flight.")
@click.option("--access-log", is_flag=False, flag_value="-", default=None, metavar="[FILE]",
              help="Log each request (Combined Log Format and milliseconds) to FILE, or to stderr.")
@click.option("--log-level", type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"],
                                               case_sensitive=False),
              default="INFO", show_default=True, help="Server log lines shown on stderr.")
@time_limit_option
@index_option
@handles_errors
def serve_command(host: str, port: int, threads: int | None, processes: int | None, seed_paths,
                  grace: float, access_log: str | None, log_level: str, time_limit: float,
                  index_dir: str | None) -> None:
    """Serve the web UI and JSON API with a production WSGI server (waitress): a process
    per core; a worker that dies is replaced; /healthz answers probes."""
    from web.server import DEFAULT_THREADS, configure_logging, default_processes, serve

    configure_logging(log_level)
    backend = backend_spec(click.get_current_context().meta.get("backend"))
    if is_cluster_address(backend):
        parse_address(backend)  # a bad address is reported here, not by each worker
        os.environ["SEARCH_BACKEND"] = backend  # read by each worker's app
    serve(resolve_index_dir(index_dir), host=host, port=port, threads=threads or DEFAULT_THREADS,
          seeds=list(seed_paths), processes=processes or default_processes(), grace=grace,
          access_log=access_log, time_budget=time_limit)


@main.command("entities")
@click.option("--type", "kind", type=click.Choice(["person", "system", "org", "place"]),
              help="Only this kind of entity.")
@click.option("--limit", type=click.IntRange(1, None), default=50, show_default=True)
@click.option("--unknown", is_flag=True,
              help="List designators that look like weapon systems but are not in the knowledge base.")
@click.option("--variants", is_flag=True,
              help="List names that may be one entity (shared surname or transliteration), for review.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@index_option
@handles_errors
def entities_command(kind, limit, unknown, as_json, index_dir, variants=False) -> None:
    """People, weapon systems, organisations and places, with article counts, the aliases
    seen in the text, roles and (for systems) the category."""
    engine = _engine(index_dir)
    if variants:
        groups = variant_groups(engine, kind)[:limit]
        if as_json:
            click.echo(_dumps([g.to_dict() for g in groups]))
        else:
            click.echo("\n".join(f"{g.score:5.1f}  " + "  ~  ".join(f"{n} ({c})" for n, c in g.names)
                                 for g in groups) or "No likely variants.")
        return
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
    detail = entity_detail(_engine(index_dir), name, kind)
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
    for article in _engine(index_dir).iter_articles(request):
        record = article.to_dict()
        record = {"id": record["id"], "title": record["title"], "date": record["date"],
                  "source": record["source"], "url": record["url"], "score": None,
                  "persons": record["persons"], "systems": record["systems"],
                  "orgs": record["orgs"], "places": record["places"], "highlights": [],
                  "authors": record["authors"], "roles": record["roles"], "body": record["body"]}
        click.echo(json.dumps(record, ensure_ascii=False))
