"""An index written before the layout moved (v0.1: schema and codec classes pickled as
search.schema and search.codec) still opens, answers and takes new articles: users' existing
indexes must not need a rebuild, let alone fail with a traceback."""

import json
import pathlib
import shutil

from search.cli import main
from web import create_app

FIXTURE = pathlib.Path(__file__).parent / "fixtures" / "index-v0.1"  # seeds/000_… indexed by v0.1


def _copy(tmp_path) -> str:
    target = tmp_path / "old"
    shutil.copytree(FIXTURE, target)
    return str(target)


def test_an_old_index_answers_queries_and_pages(runner, tmp_path):
    index = _copy(tmp_path)
    found = json.loads(runner.invoke(main, ["query", "Austin", "--json", "--index", index]).output)
    assert found["total"] == 1 and "Lloyd Austin" in found["hits"][0]["persons"]
    client = create_app({"SEARCH_INDEX": index, "TESTING": True}).test_client()
    assert client.get("/api/search?q=Austin").get_json()["total"] == 1
    assert client.get("/?q=Austin").status_code == 200


def test_an_old_index_takes_new_articles(runner, tmp_path):
    index = _copy(tmp_path)
    new = tmp_path / "new.jsonl"
    new.write_text(json.dumps({"id": "n1", "title": "Barley harvest", "body": "Barley fields."}) + "\n")
    result = runner.invoke(main, ["index", str(new), "--index", index])
    assert result.exit_code == 0, result.output
    total = json.loads(runner.invoke(main, ["query", "--json", "--index", index]).output)["total"]
    assert total == 2


STORY_FIELD = pathlib.Path(__file__).parent / "fixtures" / "index-v0.2"  # story keys as a field


def test_an_index_with_story_keys_as_a_field_still_collapses_and_grows(runner, tmp_path):
    """Indexes written while story keys were a Whoosh field (two near-duplicate articles and
    a briefing): their copies still collapse, and a new copy written as codes joins them."""
    index = str(tmp_path / "v02")
    shutil.copytree(STORY_FIELD, index)
    found = json.loads(runner.invoke(main, ["query", '"Finnish conscript"', "--json", "--index", index]).output)
    assert found["total"] == 1 and {found["hits"][0]["id"], found["hits"][0]["similar"][0]["id"]} == {"dup-a", "dup-b"}
    new = tmp_path / "new.jsonl"
    new.write_text(json.dumps({"id": "dup-c", "title": "Finland's border zone", "body": ""}) + "\n")
    assert runner.invoke(main, ["index", str(new), "--index", index]).exit_code == 0
    found = json.loads(runner.invoke(main, ["query", "border zone", "--json", "--index", index]).output)
    assert found["total"] == 1
    assert sorted(o["id"] for o in found["hits"][0]["similar"]) == sorted({"dup-a", "dup-b", "dup-c"} - {found["hits"][0]["id"]})
