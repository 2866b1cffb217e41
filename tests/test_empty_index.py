"""An index with no articles (a folder of nothing indexed, or every article removed again)
works everywhere: every command and every endpoint answers with empty results, never a
traceback or a 500 (Whoosh's reader of an empty index has no columns at all)."""

from __future__ import annotations

import json

import pytest

from search.backends.embedded import storage
from search.backends.embedded.indexer import index_paths
from tests.conftest import write
from web import create_app


def _never_filled(root: str) -> str:
    """A published generation with nothing in it (what indexing an empty folder leaves)."""
    storage.prepare_root(root)
    storage.publish(root, storage.new_generation(root))
    return root


def _emptied(tmp_path) -> str:
    """One article indexed, then its file emptied and the folder indexed again (a folder
    with no file left is refused: it looks like a wrong path, not an empty archive)."""
    folder, root = tmp_path / "in", str(tmp_path / "emptied")
    article = write(folder / "a.jsonl", json.dumps({"title": "beta", "body": "barley fields"}) + "\n")
    assert index_paths([str(folder)], root, workers=1).total == 1
    article.write_text("")
    assert index_paths([str(folder)], root, workers=1).total == 0
    return root


@pytest.fixture(params=["never-filled", "emptied"])
def empty_index(request, tmp_path) -> str:
    if request.param == "never-filled":
        return _never_filled(str(tmp_path / "empty"))
    return _emptied(tmp_path)


COMMANDS = [
    ["query", "barley"], ["query"], ["query", "--sort", "date", "--since", "2020"],
    ["query", "barl*", "date:[2000 TO 2030]", "--json"], ["query", "Patriot", "--person", "Austin"],
    ["stats"], ["stats", "--json"], ["entities"], ["entities", "--unknown"], ["entities", "--json"],
    ["export", "--jsonl"], ["export", "barley", "--jsonl"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_every_command_answers_an_empty_index(runner, empty_index, args):
    from search.cli import main

    result = runner.invoke(main, [*args, "--index", empty_index])
    assert result.exit_code == 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    if args[0] == "query" and "--json" in args:
        assert json.loads(result.output)["total"] == 0
    elif args[0] == "query":
        assert result.output.startswith("0 articles")
    elif args[0] == "export":
        assert result.output == ""


@pytest.mark.parametrize("args", [["show", "abc"], ["entity", "Zelensky"]], ids=" ".join)
def test_lookups_in_an_empty_index_are_clear_errors(runner, empty_index, args):
    from search.cli import main

    result = runner.invoke(main, [*args, "--index", empty_index])
    assert result.exit_code == 1
    assert result.output.startswith("Error: No ") and "Traceback" not in result.output


URLS = ["/", "/?q=barley", "/?q=barl*&sort=date&since=2020&until=2024", "/article/abc",
        "/api/search", "/api/search?q=barley&person=Austin&more=person", "/api/search?sort=date",
        "/api/search?q=date:[2020%20TO%202024]", "/api/article/abc", "/api/suggest?q=ky",
        "/api/entities", "/api/entities?type=system&q=pa", "/api/openapi.json"]


@pytest.mark.parametrize("url", URLS)
def test_every_endpoint_answers_an_empty_index(empty_index, url):
    client = create_app({"SEARCH_INDEX": empty_index, "TESTING": True}).test_client()
    response = client.get(url)
    assert response.status_code == (404 if "article/" in url else 200), response.data[:300]
    if url.startswith("/api/search"):
        body = response.get_json()
        assert body["total"] == 0 and body["hits"] == []
    if url.startswith("/api/entities"):
        assert all(values == [] for values in response.get_json().values())
