"""Building the index: incremental runs, rebuilds, bad input, interruption, location."""

import json
import os
import shutil

import pytest

from search.backends.embedded import storage
from search.cli import main
from search.engine import SearchEngine
from search.errors import IndexNotFoundError, SearchError
from search.backends.embedded.indexer import index_paths
from search.models import SearchRequest

from .conftest import SEEDS, write


def jsonl(n: int, start: int = 0, word: str = "artillery") -> str:
    return "".join(json.dumps({"title": f"Report {i}", "body": f"Shells and {word} number {i}.",
                               "date": f"2023-0{1 + i % 9}-1{i % 10}", "source": "AFP"}) + "\n"
                   for i in range(start, start + n))


def total(index: str) -> int:
    return SearchEngine(index).search(SearchRequest()).total


def test_reindexing_the_same_files_adds_nothing(tmp_path):
    index = str(tmp_path / "ix")
    assert index_paths([str(SEEDS)], index).added == 5
    again = index_paths([str(SEEDS)], index)
    assert (again.added, again.files_unchanged, again.total) == (0, 5, 5)


def test_a_grown_folder_adds_only_what_is_new_and_a_changed_file_replaces_its_articles(tmp_path):
    folder, index = tmp_path / "in", str(tmp_path / "ix")
    write(folder / "a.jsonl", jsonl(3))
    assert index_paths([str(folder)], index).added == 3
    write(folder / "b.jsonl", jsonl(2, start=3))
    report = index_paths([str(folder)], index)
    assert (report.added, report.files_read, report.files_unchanged, report.total) == (2, 1, 1, 5)
    write(folder / "a.jsonl", jsonl(3, word="howitzer"))  # same titles, new text: new ids
    report = index_paths([str(folder)], index)
    assert (report.added, report.removed, report.total) == (3, 3, 5)
    engine = SearchEngine(index)
    assert engine.search(SearchRequest(text="howitzer")).total == 3
    assert engine.search(SearchRequest(text="artillery")).total == 2
    os.remove(folder / "b.jsonl")
    report = index_paths([str(folder)], index)
    assert (report.removed, report.total) == (2, 3)


def test_the_same_article_in_two_files_is_indexed_once(tmp_path):
    write(tmp_path / "in" / "x.jsonl", jsonl(2))
    write(tmp_path / "in" / "y.jsonl", jsonl(2))
    report = index_paths([str(tmp_path / "in")], str(tmp_path / "ix"))
    assert (report.added, report.duplicates) == (2, 2)


def test_rebuild_starts_over(tmp_path):
    index = str(tmp_path / "ix")
    write(tmp_path / "a.jsonl", jsonl(4))
    index_paths([str(tmp_path / "a.jsonl")], index)
    report = index_paths([str(SEEDS)], index, rebuild=True)
    assert report.total == 5
    assert len([n for n in os.listdir(index) if n.startswith("gen-")]) == 1


def test_bad_inputs_are_reported_and_the_rest_is_indexed(tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(SEEDS, folder)
    write(folder / "empty.txt", "")
    write(folder / "photo.txt", b"\x89PNG\x00\x00")
    write(folder / "lines.jsonl", jsonl(1) + "{oops\n")
    report = index_paths([str(folder), str(tmp_path / "missing")], str(tmp_path / "ix"))
    assert report.added == 6
    reasons = sorted(str(p).split(": ", 1)[1][:14] for p in report.problems)
    assert reasons == ["binary file, n", "empty file", "no such file o", "not valid JSON"]
    assert any(p.line == 2 for p in report.problems)


def test_an_interrupted_run_leaves_the_previous_index_searchable(tmp_path):
    index = str(tmp_path / "ix")
    index_paths([str(SEEDS)], index)
    write(tmp_path / "big.jsonl", jsonl(200))

    def interrupt(progress):
        if progress.articles >= 50:
            raise KeyboardInterrupt

    for rebuild in (False, True):
        with pytest.raises(KeyboardInterrupt):
            index_paths([str(tmp_path / "big.jsonl")], index, rebuild=rebuild, on_progress=interrupt)
        assert total(index) == 5
    assert index_paths([str(tmp_path / "big.jsonl")], index).added == 200  # not locked, not half-done


def test_the_index_folder_must_be_ours(tmp_path):
    write(tmp_path / "stuff" / "notes.txt", "mine")
    with pytest.raises(SearchError, match="not a search index"):
        index_paths([str(SEEDS)], str(tmp_path / "stuff"))
    with pytest.raises(IndexNotFoundError, match="search index PATH"):
        SearchEngine(str(tmp_path / "nothing")).search(SearchRequest())


def test_cli_index_exit_status_says_whether_anything_was_skipped(runner, tmp_path):
    index = str(tmp_path / "ix")
    ok = runner.invoke(main, ["index", str(SEEDS), "--index", index])
    assert ok.exit_code == 0 and "Indexed 5 new articles" in ok.output
    write(tmp_path / "bad.jsonl", "{nope\n")
    skipped = runner.invoke(main, ["index", str(tmp_path / "bad.jsonl"), "--index", index])
    assert skipped.exit_code == 3 and "bad.jsonl:1: not valid JSON" in skipped.output


def test_index_location_from_environment_then_default(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(main, ["index", str(SEEDS)]).exit_code == 0
    assert storage.is_index_dir(str(tmp_path / "search-index"))
    monkeypatch.setenv("SEARCH_INDEX", str(tmp_path / "elsewhere"))
    assert runner.invoke(main, ["index", str(SEEDS)]).exit_code == 0
    assert storage.is_index_dir(str(tmp_path / "elsewhere"))


def test_parallel_workers_give_the_same_index(tmp_path):
    write(tmp_path / "a.jsonl", jsonl(300))
    one = index_paths([str(tmp_path / "a.jsonl")], str(tmp_path / "one"), workers=1)
    # Small segments: each worker writes several (memory stays flat in corpus size).
    two = index_paths([str(tmp_path / "a.jsonl")], str(tmp_path / "two"), workers=2,
                      segment_chars=2_000)
    assert one.total == two.total == 300
    with SearchEngine(str(tmp_path / "two"))._snapshot().searcher.reader() as reader:
        assert len(list(reader.leaf_readers())) > 2
    # Workers write a segment each, so equal scores may come in another order: compare
    # totals and scores, and the ids where scores differ.
    engines = [SearchEngine(str(tmp_path / ix)) for ix in ("one", "two")]
    for text in ("shells", "report 17", "artillery number 250"):
        results = [e.search(SearchRequest(text=text, per_page=100)) for e in engines]
        assert results[0].total == results[1].total > 0
        assert [round(h.score, 6) for h in results[0].hits] == [round(h.score, 6) for h in results[1].hits]
    assert [h.id for h in results[0].hits[:1]] == [h.id for h in results[1].hits[:1]]
