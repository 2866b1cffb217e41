"""Indexing under faults that lost articles or got stuck before: articles removed and
restored, edited and reverted, edited under their own id; unreadable files and folders;
FIFOs; a full disk; a rebuild beside an incremental run; input with nothing readable."""

from __future__ import annotations

import ctypes
import json
import os
import random
import shutil
import signal
import subprocess

import pytest
from whoosh import index as whoosh_index

from search.backends.embedded import storage
from search.backends.embedded.indexer import index_paths
from search.cli import main
from search.errors import IndexLockedError, IngestError

from . import indexkit as kit
from .conftest import SEEDS, write


def ids(index: str) -> set[str]:
    return set(kit.indexed(index) or {})


def test_an_article_removed_then_restored_is_indexed_again(tmp_path):
    folder, index, away = tmp_path / "d", str(tmp_path / "ix"), tmp_path / "away.jsonl"
    write(folder / "b.jsonl", '{"title":"beta","body":"barley"}\n')
    write(folder / "c.jsonl", '{"title":"gamma","body":"grain"}\n')
    index_paths([str(folder)], index)
    for _ in range(2):
        shutil.move(str(folder / "b.jsonl"), str(away))
        report = index_paths([str(folder)], index)
        assert (report.removed, len(ids(index))) == (1, 1)
        shutil.move(str(away), str(folder / "b.jsonl"))
        report = index_paths([str(folder)], index)
        assert (report.added, len(ids(index))) == (1, 2)
        assert "beta\x1fbarley" in kit.indexed(index).values()


def test_a_text_edited_then_reverted_and_deleted_then_restored_keeps_its_article(tmp_path):
    folder, index = tmp_path / "d", str(tmp_path / "ix")
    page = write(folder / "page.txt", "Kharkiv holds\n\nThe front held overnight.\n")
    write(folder / "other.txt", "Odesa port\n\nGrain ships left the harbour.\n")
    index_paths([str(folder)], index)
    original = kit.indexed(index)
    page.write_text("Kharkiv holds\n\nThe front held overnight, again.\n", encoding="utf-8")
    assert index_paths([str(folder)], index).added == 1
    page.write_text("Kharkiv holds\n\nThe front held overnight.\n", encoding="utf-8")
    report = index_paths([str(folder)], index)
    assert (report.added, report.removed) == (1, 1)
    assert kit.indexed(index) == original
    text = page.read_text(encoding="utf-8")
    page.unlink()
    index_paths([str(folder)], index)
    page.write_text(text, encoding="utf-8")
    index_paths([str(folder)], index)
    assert kit.indexed(index) == original


@pytest.mark.parametrize("name, first, edited", [
    ("k.jsonl", '{"id":"k1","title":"gamma","body":"wheat"}\n', '{"id":"k1","title":"gamma","body":"rye"}\n'),
    ("k.csv", "id,title,body\nk1,gamma,wheat\n", "id,title,body\nk1,gamma,rye\n"),
], ids=["jsonl", "csv"])
def test_editing_an_article_that_carries_its_own_id_replaces_it(tmp_path, name, first, edited):
    path, index = write(tmp_path / "d" / name, first), str(tmp_path / "ix")
    write(tmp_path / "d" / "other.jsonl", '{"title":"x","body":"oats"}\n')
    index_paths([str(tmp_path / "d")], index)
    path.write_text(edited, encoding="utf-8")
    report = index_paths([str(tmp_path / "d")], index)
    assert (report.added, report.updated, report.removed) == (0, 1, 0)
    assert kit.indexed(index)["k1"] == "gamma\x1frye"
    path.write_text(first, encoding="utf-8")  # and back
    assert index_paths([str(tmp_path / "d")], index).updated == 1
    assert kit.indexed(index)["k1"] == "gamma\x1fwheat" and len(ids(index)) == 2


def test_an_index_that_lost_articles_is_repaired_by_the_next_run(tmp_path):
    """Indexes damaged by the old 'already indexed' rule: the manifest lists an article
    the index does not hold; its file is read again although it did not change."""
    folder, index = tmp_path / "d", str(tmp_path / "ix")
    write(folder / "a.jsonl", '{"title":"alpha","body":"one"}\n{"title":"beta","body":"two"}\n')
    index_paths([str(folder)], index)
    lost = sorted(ids(index))[0]
    with whoosh_index.open_dir(storage.current_generation(index)).writer() as writer:
        writer.delete_by_term("id", lost)
    assert len(ids(index)) == 1
    report = index_paths([str(folder)], index)
    assert (report.added, report.files_read, len(ids(index))) == (1, 1, 2)


def test_a_run_with_nothing_readable_refuses_and_keeps_the_index(tmp_path, runner):
    index = str(tmp_path / "ix")
    index_paths([str(SEEDS)], index)
    before = kit.indexed(index)
    (tmp_path / "empty").mkdir()
    write(tmp_path / "notes" / "readme.md", "not an article")
    for paths, rebuild in (([tmp_path / "TYPO"], True), ([tmp_path / "empty"], False),
                           ([tmp_path / "empty"], True), ([tmp_path / "notes"], True)):
        result = runner.invoke(main, ["index", *map(str, paths), "--index", index,
                                      *(["--rebuild"] if rebuild else [])])
        assert result.exit_code == 1 and "Nothing to index" in result.output, result.output
        assert "left as it was" in result.output
        assert kit.indexed(index) == before and kit.generations(index) == ["gen-0001"]
    # A rebuild whose files hold no article at all refuses too.
    write(tmp_path / "bad" / "x.jsonl", "{oops\n")
    with pytest.raises(IngestError, match="no article"):
        index_paths([str(tmp_path / "bad")], index, rebuild=True)
    assert kit.indexed(index) == before and kit.generations(index) == ["gen-0001"]


def test_indexing_an_empty_folder_makes_no_index_and_every_command_says_so(tmp_path, runner):
    (tmp_path / "empty").mkdir()
    index = str(tmp_path / "ix")
    result = runner.invoke(main, ["index", str(tmp_path / "empty"), "--index", index])
    assert result.exit_code == 1 and "Nothing to index" in result.output
    for args in (["query", "oil"], ["stats"], ["show", "abc"], ["entities"], ["export", "--jsonl"],
                 ["entity", "NATO"]):
        result = runner.invoke(main, [*args, "--index", index])
        assert result.exit_code == 1 and "No index at" in result.output, (args, result.output)


def test_leftovers_of_killed_runs_are_removed_by_the_next_run(tmp_path):
    index = str(tmp_path / "ix")
    index_paths([str(SEEDS)], index)
    live = storage.current_generation(index)
    os.makedirs(os.path.join(index, "gen-0007"))  # a rebuild killed before it was published
    write(tmp_path / "ix" / "CURRENT.tmp-99999", "gen-0007\n")
    write(tmp_path / "ix" / os.path.basename(live) / "MAIN_zzzzzzzzzzzzzzzz.seg", b"unlisted")
    write(tmp_path / "ix" / os.path.basename(live) / "manifest-99.json", "{}")
    index_paths([str(SEEDS)], index)
    assert sorted(os.listdir(index)) == ["CURRENT", "LOCK", "SEARCH-INDEX", os.path.basename(live)]
    left = os.listdir(live)
    assert "MAIN_zzzzzzzzzzzzzzzz.seg" not in left and "manifest-99.json" not in left


def test_a_second_writer_is_refused_while_the_lock_is_held(tmp_path):
    index = str(tmp_path / "ix")
    index_paths([str(SEEDS)], index)
    with storage.IndexLock(index):
        with pytest.raises(IndexLockedError, match=f"process {os.getpid()}"):
            index_paths([str(SEEDS)], index, rebuild=True)
    assert index_paths([str(SEEDS)], index).files_unchanged == 5


def test_a_fifo_is_reported_and_never_opened(tmp_path):
    folder, index = tmp_path / "d", str(tmp_path / "ix")
    shutil.copytree(SEEDS, folder)
    os.mkfifo(folder / "pipe.jsonl")
    result = kit.run("index", str(folder), "--index", index, timeout=60)
    assert result.returncode == 3, result.stderr
    assert "pipe.jsonl: a FIFO, not a regular file: skipped" in result.stdout
    assert len(ids(index)) == 5
    alone = kit.run("index", str(folder / "pipe.jsonl"), "--index", index, timeout=60)
    assert alone.returncode == 1 and "Nothing to index" in alone.stderr


def test_a_rebuild_beside_an_incremental_run_never_crashes_either(tmp_path):
    rng = random.Random(7)
    folder, index = tmp_path / "d", str(tmp_path / "ix")
    for n in range(3):
        kit.write_jsonl(folder / f"f{n}.jsonl", kit.articles(rng, 40, f"f{n}"))
    index_paths([str(folder)], index)
    outcomes = []
    for round_ in range(2):
        kit.write_jsonl(folder / f"new{round_}.jsonl", kit.articles(rng, 40, f"n{round_}"))
        procs = [kit.start("index", str(folder), "--index", index, "--rebuild", "--workers", "2"),
                 kit.start("index", str(folder), "--index", index, "--workers", "2")]
        for proc in procs:
            out, err = proc.communicate(timeout=120)
            assert proc.returncode in (0, 1) and "Traceback" not in err, err
            if proc.returncode == 1:
                assert "Another process" in err and "is writing the index" in err
            outcomes.append(proc.returncode)
            assert kit.survivors(proc.pid, wait=2) == []
        assert kit.indexed(index) == kit.expected(folder)
        assert len(kit.generations(index)) == 1
    assert 0 in outcomes


# --- Unreadable files and folders. Root reads anything, so as root the command runs
# without the two capabilities that let it (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
# the permission bits then apply to it as to anyone.

_PR_CAPBSET_DROP = 24


def _drop_read_override() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def _as_user() -> dict:
    return {"preexec_fn": _drop_read_override} if os.geteuid() == 0 else {}


@pytest.fixture
def unreadable(tmp_path):
    """chmod 000 that the indexing command will feel, or a skip where it cannot."""
    probe = write(tmp_path / "probe.txt", "secret")
    probe.chmod(0)
    try:
        check = subprocess.run(["cat", str(probe)], capture_output=True, **_as_user())
    except (OSError, subprocess.SubprocessError) as exc:
        pytest.skip(f"cannot drop the capabilities that override permissions: {exc}")
    if check.returncode == 0:
        pytest.skip("permission bits do not stop this user")
    made = []

    def chmod(path, mode):
        made.append(path)
        path.chmod(mode)
    yield chmod
    for path in made:
        path.chmod(0o755)


def test_unreadable_files_and_folders_are_reported_and_keep_their_articles(tmp_path, unreadable):
    folder, index = tmp_path / "d", str(tmp_path / "ix")
    write(folder / "a.jsonl", '{"title":"alpha","body":"one"}\n')
    write(folder / "sub" / "b.jsonl", '{"title":"beta","body":"two"}\n{"title":"gamma","body":"three"}\n')
    write(folder / "c.jsonl", '{"title":"delta","body":"four"}\n')
    index_paths([str(folder)], index)
    everything = kit.indexed(index)
    assert len(everything) == 4
    unreadable(folder / "sub", 0)
    unreadable(folder / "c.jsonl", 0)
    write(folder / "e.jsonl", '{"title":"epsilon","body":"five"}\n')
    for _ in range(2):  # the second run used to delete what the first skipped
        result = kit.run("index", str(folder), "--index", index, **_as_user())
        assert result.returncode == 3, result.stdout + result.stderr
        assert "sub: cannot read folder: Permission denied" in result.stdout
        assert "c.jsonl: cannot read: Permission denied" in result.stdout
        assert "Traceback" not in result.stderr
        assert len(kit.indexed(index)) == 5 and set(everything) <= ids(index)
    result = kit.run("index", str(folder / "sub"), "--index", index, "--rebuild", **_as_user())
    assert result.returncode in (1, 2) and "Traceback" not in result.stderr  # click's check or ours
    assert "Nothing to index" in result.stderr or "is not readable" in result.stderr
    assert len(kit.indexed(index)) == 5
    (folder / "sub").chmod(0o755)
    (folder / "c.jsonl").chmod(0o644)
    (folder / "sub" / "b.jsonl").write_text('{"title":"beta","body":"two"}\n', encoding="utf-8")
    assert index_paths([str(folder)], index).clean
    assert kit.indexed(index) == kit.expected(folder) and len(kit.indexed(index)) == 4


# --- A full disk: a size-limited tmpfs (root can mount one; elsewhere the test skips).

@pytest.fixture
def tiny_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a size-limited tmpfs needs root")
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def _used(path) -> int:
    stat = os.statvfs(path)
    return (stat.f_blocks - stat.f_bfree) * stat.f_frsize


def test_a_full_disk_is_reported_cleaned_up_and_survived(tmp_path, tiny_disk):
    rng = random.Random(28)
    folder, index = tmp_path / "d", str(tiny_disk / "ix")
    kit.write_jsonl(folder / "small.jsonl", kit.articles(rng, 20, "s"))
    index_paths([str(folder)], index)
    before, used = kit.indexed(index), _used(tiny_disk)
    big = kit.write_jsonl(tmp_path / "big" / "big.jsonl", kit.articles(rng, 400, "big", words=150))
    shutil.move(str(big), str(folder / "big.jsonl"))
    # The disk fills in a worker (incremental, two workers) and in the command itself
    # (a rebuild written by one process).
    for args in (["--workers", "2"], ["--workers", "1", "--rebuild"]):
        result = kit.run("index", str(folder), "--index", index, *args)
        assert result.returncode == 1, result.stdout + result.stderr
        assert "Disk full: free at least" in result.stderr and f"MB at {index}" in result.stderr
        assert "Traceback" not in result.stderr
        assert kit.indexed(index) == before
        assert kit.generations(index) == ["gen-0001"]
        assert _used(tiny_disk) <= used + 64 * 1024  # the failed run's files are gone
    (folder / "big.jsonl").unlink()
    kit.write_jsonl(folder / "more.jsonl", kit.articles(rng, 10, "m"))
    assert index_paths([str(folder)], index, workers=2).clean
    assert kit.indexed(index) == kit.expected(folder)


def test_ctrl_c_during_the_commit_waits_for_it_and_says_it_was_committed(tmp_path):
    index = str(tmp_path / "ix")
    index_paths([str(SEEDS)], index)
    write(tmp_path / "new.jsonl", '{"title":"delta","body":"four"}\n')
    sent = []

    def interrupt_once_committed(progress):
        if not sent and len(ids(index)) == 6:  # the commit is visible: Ctrl-C now
            sent.append(True)
            os.kill(os.getpid(), signal.SIGINT)

    report = index_paths([str(tmp_path / "new.jsonl")], index, on_progress=interrupt_once_committed)
    assert sent and report.interrupted == signal.SIGINT and report.added == 1
    assert len(ids(index)) == 6
