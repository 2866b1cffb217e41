"""A user's own entities and aliases, beside the shipped knowledge base.

An analyst knows names we do not ship (a local commander, a unit, a village) and spellings
that should meet (``Wołodymyr Zelanski`` is Volodymyr Zelensky). A JSON file in the shape
of the shipped ones extends the knowledge base without editing the package::

    {"people":  [{"name": "Volodymyr Zelensky", "aliases": ["Wołodymyr Zelanski"]},
                 {"name": "Serhiy Bratchuk", "aliases": ["Bratchuk"]}],
     "orgs":    [{"name": "Azov Brigade", "aliases": ["Azov Regiment"]}],
     "places":  [{"name": "Robotyne", "aliases": ["Rabotino"], "country": "Ukraine"}],
     "systems": [{"name": "Bohdana", "aliases": ["2S22 Bohdana"], "category": "artillery"}]}

An entry whose name is already known adds its aliases to that entity; a new name is a new
entity. ``search index --kb FILE`` reads it and keeps a copy in the index folder as
``entities.json`` (a file placed there by hand works the same), so later runs and the
query filters use it too. Articles already indexed keep their entities until ``--rebuild``.
"""

from __future__ import annotations

import json
import os
import shutil
from typing import Any

from ..errors import SearchError
from . import kb

INDEX_FILE = "entities.json"
_SECTIONS = {"people": "person", "persons": "person", "orgs": "org", "organisations": "org",
             "organizations": "org", "places": "place", "systems": "system"}


class KnowledgeBaseError(SearchError):
    """A user's entity file cannot be read or has the wrong shape."""


def _fail(path: str, problem: str) -> KnowledgeBaseError:
    return KnowledgeBaseError(
        f"Cannot use the entity file {path}: {problem}. It must be JSON like "
        '{"people": [{"name": "Full Name", "aliases": ["Other Spelling"]}], "orgs": [...], '
        '"places": [...], "systems": [...]} (see README, "Your own entities").')


def read(path: str) -> dict[str, list[dict[str, Any]]]:
    """The file's entries by kind (``person``, ``org``, ``place``, ``system``), validated."""
    try:
        with open(path, encoding="utf-8") as f:
            raw = json.load(f)
    except FileNotFoundError:
        raise _fail(path, "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(path, f"it cannot be read ({exc.__class__.__name__})") from None
    except json.JSONDecodeError as exc:
        raise _fail(path, f"it is not valid JSON (line {exc.lineno}, column {exc.colno})") from None
    if not isinstance(raw, dict):
        raise _fail(path, "the top level is not an object")
    out: dict[str, list[dict[str, Any]]] = {}
    for section, items in raw.items():
        kind = _SECTIONS.get(section)
        if kind is None:
            if section == "version":
                continue
            raise _fail(path, f"unknown section {section!r} (use people, orgs, places, systems)")
        if not isinstance(items, list):
            raise _fail(path, f"{section!r} is not a list")
        for n, item in enumerate(items, 1):
            if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
                raise _fail(path, f"entry {n} of {section!r} has no \"name\"")
            aliases = item.get("aliases", [])
            if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
                raise _fail(path, f"the aliases of {item['name']!r} are not a list of strings")
            out.setdefault(kind, []).append(item)
    return out


_installed: tuple[str, float, int] | None = None  # (path, mtime, size) of the file in use


def use(path: str | None) -> None:
    """Extract and resolve with the entities of ``path`` (None: the shipped ones only).

    Cheap when nothing changed: the caches are rebuilt only when another file (or another
    version of it) is asked for."""
    global _installed
    if path is None:
        if _installed is not None:
            kb.set_extra({})
            _installed = None
        return
    try:
        stat = os.stat(path)
    except OSError:
        raise _fail(path, "no such file") from None
    signature = (os.path.abspath(path), stat.st_mtime, stat.st_size)
    if signature == _installed:
        return
    kb.set_extra(read(path))
    _installed = signature


def use_for_index(index_dir: str) -> None:
    """The entity file kept in an index folder, if any (else the shipped entities only)."""
    path = os.path.join(index_dir, INDEX_FILE)
    use(path if os.path.isfile(path) else None)


def keep_in_index(path: str, index_dir: str) -> None:
    """Copy a user's entity file into the index folder, for later runs and queries."""
    target = os.path.join(index_dir, INDEX_FILE)
    if os.path.abspath(path) != os.path.abspath(target):
        tmp = f"{target}.tmp-{os.getpid()}"
        shutil.copyfile(path, tmp)
        os.replace(tmp, target)
