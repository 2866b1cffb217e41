"""Where the index lives on disk, and how a new one replaces the old atomically.

Layout of an index folder::

    search-index/
      SEARCH-INDEX       marker: this folder was made by us (we never open others:
                         Whoosh stores its schema as a pickle)
      CURRENT            name of the live generation, replaced with os.replace()
      gen-0001/          a Whoosh index plus manifest.json (files seen, their ids)

``search index --rebuild`` builds ``gen-0002`` beside the live one and only then points
CURRENT at it, so a crash or Ctrl-C at any moment leaves the previous index searchable.
Incremental runs write into the live generation through Whoosh's own atomic commit.
"""

from __future__ import annotations

import json
import os
import shutil
from typing import Any

from whoosh import index as whoosh_index

from ...errors import IndexNotFoundError, SearchError
from .schema import build_schema

MARKER = "SEARCH-INDEX"
MARKER_TEXT = "news search index, format 1\n"
CURRENT = "CURRENT"
MANIFEST = "manifest.json"
DEFAULT_INDEX_DIR = "search-index"


def resolve_index_dir(explicit: str | None = None) -> str:
    """``--index DIR``, else ``$SEARCH_INDEX``, else ``./search-index``."""
    return os.path.abspath(explicit or os.environ.get("SEARCH_INDEX") or DEFAULT_INDEX_DIR)


def _write_atomically(path: str, text: str) -> None:
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def is_index_dir(root: str) -> bool:
    return os.path.isfile(os.path.join(root, MARKER))


def current_generation(root: str) -> str | None:
    """Path of the live generation folder, or None when there is no index."""
    try:
        with open(os.path.join(root, CURRENT), encoding="utf-8") as f:
            name = f.read().strip()
    except OSError:
        return None
    path = os.path.join(root, name)
    return path if name.startswith("gen-") and os.path.isdir(path) else None


def open_live(root: str) -> whoosh_index.Index:
    """The live index, or a clear error telling the user how to make one."""
    generation = current_generation(root) if is_index_dir(root) else None
    if generation is None:
        raise IndexNotFoundError(
            f"No index at {root}. Build one with: search index PATH... "
            "(or point --index / $SEARCH_INDEX at an existing index).")
    return whoosh_index.open_dir(generation)


def prepare_root(root: str) -> None:
    """Make ``root`` an index folder, refusing folders that hold something else."""
    if os.path.exists(root) and not os.path.isdir(root):
        raise SearchError(f"{root} is a file, not an index folder. Choose another --index path.")
    if os.path.isdir(root) and os.listdir(root) and not is_index_dir(root):
        raise SearchError(
            f"{root} exists and is not a search index. Choose an empty or new folder for --index.")
    os.makedirs(root, exist_ok=True)
    if not is_index_dir(root):
        _write_atomically(os.path.join(root, MARKER), MARKER_TEXT)


def new_generation(root: str) -> str:
    """Create an empty Whoosh index in a fresh generation folder (not yet live)."""
    existing = [int(n[4:]) for n in os.listdir(root) if n.startswith("gen-") and n[4:].isdigit()]
    path = os.path.join(root, f"gen-{max(existing, default=0) + 1:04d}")
    os.makedirs(path)
    whoosh_index.create_in(path, build_schema())
    return path


def publish(root: str, generation: str) -> None:
    """Make ``generation`` the live index, then remove the generations it replaced."""
    _write_atomically(os.path.join(root, CURRENT), os.path.basename(generation) + "\n")
    for name in os.listdir(root):
        path = os.path.join(root, name)
        if name.startswith("gen-") and path != generation and os.path.isdir(path):
            shutil.rmtree(path, ignore_errors=True)


def load_manifest(generation: str) -> dict[str, Any]:
    try:
        with open(os.path.join(generation, MANIFEST), encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return {"files": {}}


def save_manifest(generation: str, manifest: dict[str, Any]) -> None:
    _write_atomically(os.path.join(generation, MANIFEST), json.dumps(manifest))
