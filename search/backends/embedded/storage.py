"""Where the index lives on disk, and how a new one replaces the old atomically.

Layout of an index folder::

    search-index/
      SEARCH-INDEX       marker: this folder was made by us (we never open others:
                         Whoosh stores its schema as a pickle)
      CURRENT            name of the live generation, replaced with os.replace()
      LOCK               held (flock) by the one process writing the index
      gen-0001/          a Whoosh index plus manifest-N.json (files seen, their ids and
                         content fingerprints) for each Whoosh generation N

``search index --rebuild`` builds ``gen-0002`` beside the live one and only then points
CURRENT at it, so a crash or Ctrl-C at any moment leaves the previous index searchable.
Incremental runs write into the live generation through Whoosh's own atomic commit; the
manifest of Whoosh generation N is written before N's table of contents, so the files
seen and the articles indexed change together.

One lock per index folder (not per generation: a rebuild and an incremental run must
exclude each other). It is an ``flock`` on ``LOCK``, which the kernel releases when its
owner dies, so a killed run never leaves a stale lock; forked workers close their copy.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import re
import shutil
import sys
from typing import Any

from whoosh import index as whoosh_index

from ...errors import IndexLockedError, IndexNotFoundError, SearchError
from . import codec, schema
from ...understanding.fields import build_schema

# Indexes written before the embedded backend moved to search/backends/embedded/ pickled the
# classes of their schema and segments as search.schema.* and search.codec.*: those names stay
# importable, so such indexes still open, and take new articles, without a rebuild.
sys.modules.setdefault("search.schema", schema)
sys.modules.setdefault("search.codec", codec)

MARKER = "SEARCH-INDEX"
MARKER_TEXT = "news search index, format 1\n"
CURRENT = "CURRENT"
MANIFEST = "manifest.json"  # before manifests followed Whoosh generations
LOCK = "LOCK"
DEFAULT_INDEX_DIR = "search-index"
_MANIFEST_RE = re.compile(r"manifest-(\d+)\.json$")
_TMP_RE = re.compile(r".*\.tmp-\d+$")


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


def _manifest_path(generation: str, toc_generation: int) -> str:
    return os.path.join(generation, f"manifest-{toc_generation}.json")


def load_manifest(generation: str, toc_generation: int) -> dict[str, Any]:
    """The manifest committed with Whoosh generation ``toc_generation`` (an index made
    before manifests followed generations has one ``manifest.json``)."""
    for path in (_manifest_path(generation, toc_generation), os.path.join(generation, MANIFEST)):
        try:
            with open(path, encoding="utf-8") as f:
                return json.load(f)
        except FileNotFoundError:
            continue
        except (OSError, ValueError):
            break
    return {"files": {}}


def save_manifest(generation: str, toc_generation: int, manifest: dict[str, Any]) -> None:
    """Write the manifest of the Whoosh generation about to be committed: before its table
    of contents, so a crash between the two leaves only an unused file behind."""
    _write_atomically(_manifest_path(generation, toc_generation), json.dumps(manifest))


class IndexLock:
    """The write lock of one index folder: ``with IndexLock(root): ...``.

    An ``flock``: the kernel drops it when the holder dies (``kill -9`` included), so
    there is no stale lock to recognise. Worker processes forked while it is held close
    their copy at once, so only the process that took it holds it."""

    _held: set[int] = set()

    def __init__(self, root: str):
        self.root = root
        self.fd: int | None = None

    def __enter__(self) -> "IndexLock":
        path = os.path.join(self.root, LOCK)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            owner = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            os.close(fd)
            if exc.errno not in (errno.EWOULDBLOCK, errno.EACCES):
                raise
            who = f" (process {owner})" if owner.isdigit() else ""
            raise IndexLockedError(f"Another process{who} is writing the index at {self.root}. "
                                   "Wait for it to finish, then run this again.") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        self.fd = fd
        IndexLock._held.add(fd)
        return self

    def __exit__(self, *exc_info) -> None:
        if self.fd is not None:
            IndexLock._held.discard(self.fd)
            os.close(self.fd)  # releases the flock
            self.fd = None

    @classmethod
    def _close_in_child(cls) -> None:
        for fd in cls._held:
            try:
                os.close(fd)
            except OSError:
                pass
        cls._held = set()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=IndexLock._close_in_child)


def remove_unlisted(generation: str) -> None:
    """Delete what runs that died left in ``generation``: segment files no table of
    contents lists, Whoosh's temporary folder, manifests of uncommitted generations.
    Only while holding the lock: no other writer can be making them."""
    if not os.path.isdir(generation):
        return
    ix = whoosh_index.open_dir(generation)
    toc_generation = ix.latest_generation()
    whoosh_index.clean_files(ix.storage, ix.indexname, toc_generation, ix._segments())
    shutil.rmtree(os.path.join(generation, f"{ix.indexname}.tmp"), ignore_errors=True)
    for name in os.listdir(generation):
        match = _MANIFEST_RE.match(name)
        if (match and int(match.group(1)) != toc_generation) or _TMP_RE.match(name) \
                or (name == MANIFEST and os.path.exists(_manifest_path(generation, toc_generation))):
            _remove(os.path.join(generation, name))


def collect_garbage(root: str) -> None:
    """At the start of a run (lock held): remove generations that are not live (left by
    rebuilds that were killed before they were published) and temporary files, and clean
    the live generation of files its table of contents does not list. The live generation
    is the only one a reader can be opening, so nothing a reader uses is removed."""
    live = current_generation(root)
    for name in os.listdir(root):
        path = os.path.join(root, name)
        if name.startswith("gen-") and path != live and os.path.isdir(path):
            shutil.rmtree(path, ignore_errors=True)
        elif _TMP_RE.match(name):
            _remove(path)
    if live is not None:
        remove_unlisted(live)


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass


def tree_bytes(path: str) -> int:
    """Bytes in the files under ``path`` (0 if it is gone)."""
    total = 0
    for folder, _, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(folder, name)).st_size
            except OSError:
                pass
    return total


def free_bytes(path: str) -> int:
    """Bytes available to us on the file system holding ``path``."""
    try:
        stat = os.statvfs(path)
    except OSError:
        return 0
    return stat.f_bavail * stat.f_frsize
