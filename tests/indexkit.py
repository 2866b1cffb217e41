"""Helpers for the indexing fault tests: a seeded corpus, the real `search` command run as a
process of its own (in its own process group), the set of articles an index holds, and
the processes of a run that are still alive."""

from __future__ import annotations

import json
import os
import pathlib
import random
import subprocess
import sys
import time

from search.backends.embedded import storage
from search.ingest.formats import input_files, read_path
from search.models import Article

SEARCH = os.path.join(os.path.dirname(sys.executable), "search")
WORDS = ("army tank missile drone artillery front shell brigade attack defence radar strike "
         "convoy ceasefire talks border supply winter offensive reserve battalion harbour").split()


def command(*args: str) -> list[str]:
    if os.path.exists(SEARCH):
        return [SEARCH, *args]
    return [sys.executable, "-c", "from search.cli import main; main()", *args]


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "SEARCH_INDEX"}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def start(*args: str, **kwargs) -> subprocess.Popen:
    """`search ARGS...` in a new session: its process group is its own pid, so every
    process it forks can be found (and none is left behind by the test)."""
    return subprocess.Popen(command(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=environment(), start_new_session=True, **kwargs)


def run(*args: str, timeout: float = 60, **kwargs) -> subprocess.CompletedProcess:
    proc = start(*args, **kwargs)
    try:
        out, err = proc.communicate(timeout=timeout)
    finally:
        kill_group(proc.pid)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def articles(rng: random.Random, n: int, tag: str, keyed: bool = False, words: int = 60) -> list[dict]:
    rows = []
    for i in range(n):
        row = {"title": f"{tag} report {i} " + " ".join(rng.choices(WORDS, k=4)),
               "body": " ".join(rng.choices(WORDS, k=words)) + f" {tag}x{i}",
               "date": f"2023-{1 + i % 12:02d}-{1 + i % 28:02d}", "source": "AFP"}
        if keyed:
            row = {"id": f"{tag}-{i}", **row}
        rows.append(row)
    return rows


def write_jsonl(path: pathlib.Path, rows: list[dict]) -> pathlib.Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def expected(folder: pathlib.Path) -> dict[str, str]:
    """What a correct index of ``folder`` holds: id -> title, the first of each id."""
    found: dict[str, str] = {}
    for path in input_files([str(folder)]):
        for record in read_path(str(path)):
            if isinstance(record, Article):
                found.setdefault(record.id, record.title + "\x1f" + record.body)
    return found


def indexed(index: str) -> dict[str, str] | None:
    """The live articles of an index (id -> title and body), or None when there is none."""
    if storage.current_generation(index) is None:
        return None
    with storage.open_live(index).searcher() as searcher:
        return {f["id"]: f["title"] + "\x1f" + f["body"] for f in searcher.all_stored_fields()}


def group_members(pgid: int) -> list[int]:
    """Live (not zombie) processes in process group ``pgid``."""
    members = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", encoding="ascii", errors="replace") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[2]) == pgid and fields[0] not in "ZX":
            members.append(int(name))
    return members


def survivors(pgid: int, wait: float = 5.0) -> list[int]:
    """Processes of the run still alive ``wait`` seconds after it ended (the kernel kills
    orphaned workers asynchronously, so give it a moment)."""
    deadline = time.monotonic() + wait
    while (alive := group_members(pgid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return alive


def kill_group(pgid: int) -> None:
    """Test hygiene only: whatever the test left running is killed."""
    try:
        os.killpg(pgid, 9)
    except (ProcessLookupError, PermissionError):
        pass


def generations(index: str) -> list[str]:
    return sorted(n for n in os.listdir(index) if n.startswith("gen-"))
