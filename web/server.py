"""``search serve``: the web app under waitress, a production WSGI server (threads handle
concurrent requests; the engine notices a re-index by itself, so no restart is needed)."""

from __future__ import annotations

import logging
from typing import Sequence

from search import storage
from search.storage import resolve_index_dir

log = logging.getLogger(__name__)


def ensure_index(index_dir: str, seeds: str | Sequence[str] | None = None) -> bool:
    """Build the index from ``seeds`` when ``index_dir`` holds none yet; True if it built one."""
    if storage.current_generation(index_dir) is not None and storage.is_index_dir(index_dir):
        return False
    if not seeds:
        return False
    from search.indexer import index_paths

    paths = [seeds] if isinstance(seeds, str) else list(seeds)
    report = index_paths(paths, index_dir)
    log.info("built the index at %s: %d articles from %s", index_dir, report.total, ", ".join(paths))
    return True


def make_app(index_dir: str | None = None, seeds: str | Sequence[str] | None = None):
    from . import create_app

    index_dir = resolve_index_dir(index_dir)
    ensure_index(index_dir, seeds)
    return create_app({"SEARCH_INDEX": index_dir})


def serve(index_dir: str | None = None, host: str = "127.0.0.1", port: int = 8000, threads: int = 8,
          seeds: str | Sequence[str] | None = None) -> None:
    """Serve the search UI and API until interrupted."""
    import waitress

    app = make_app(index_dir, seeds)
    print(f"Serving {app.config['SEARCH_INDEX']} on http://{host}:{port}/ (Ctrl-C to stop)")
    waitress.serve(app, host=host, port=port, threads=threads, ident="news-search")
