"""`search entities`, `search entity` and `search export` over the seed index."""

import json

import pytest

from search.cli import main
from search.entities import user_kb

from .test_search import DOD_NEWS, RFERL


def test_entities_lists_canonical_names_with_aliases_roles_and_categories(cli):
    people = json.loads(cli("entities", "--type", "person", "--json").output)
    reznikov = next(p for p in people if p["name"] == "Oleksii Reznikov")
    assert reznikov["articles"] == 2 and "Oleksiy Reznikov" in reznikov["aliases"]
    assert "Ukrainian Defense Minister" in reznikov["roles"]
    austin = next(p for p in people if p["name"] == "Lloyd Austin")
    assert austin["articles"] == 5
    assert [p["name"] for p in people].count("Lloyd Austin") == 1
    systems = {s["name"]: s for s in json.loads(cli("entities", "--type", "system", "--json").output)}
    assert systems["Patriot"]["category"] == "air defence"
    assert systems["IRIS-T"]["aliases"] == ["Iris-T"]


def test_entity_accepts_any_alias_and_shows_co_mentions_and_months(cli):
    detail = json.loads(cli("entity", "Zelenskyy", "--json").output)
    assert detail["name"] == "Volodymyr Zelensky" and detail["type"] == "person"
    assert {"value": "Patriot", "count": 1} in detail["co_mentions"]["system"]
    dod = json.loads(cli("entity", "Reznikov", "--json").output)
    assert {a["id"] for a in dod["recent_articles"]} == {DOD_NEWS, RFERL}
    assert dod["per_month"] == [{"month": "2022-10", "count": 1}, {"month": "undated", "count": 1}]
    text = cli("entity", "MIM-104").output
    assert text.startswith("Patriot (system, air defence): 1 articles")
    missing = cli("entity", "Nobody Atall")
    assert missing.exit_code == 1 and "search entities" in missing.output


def test_unknown_designators_command_runs(cli):
    result = cli("entities", "--unknown", "--json")
    assert result.exit_code == 0 and isinstance(json.loads(result.output), list)


def test_export_streams_the_hit_shape_plus_body(cli):
    lines = cli("export", "--jsonl").output.splitlines()
    assert len(lines) == 5
    records = [json.loads(line) for line in lines]
    assert set(records[0]) >= {"id", "title", "date", "source", "url", "score", "persons",
                               "systems", "orgs", "places", "highlights", "body"}
    filtered = [json.loads(l) for l in cli("export", "--jsonl", "--person", "Reznikov").output.splitlines()]
    assert {r["id"] for r in filtered} == {DOD_NEWS, RFERL}
    assert [json.loads(l)["id"] for l in cli("export", "stinger", "--jsonl").output.splitlines()] == [DOD_NEWS]


ARTICLES = [
    {"id": "pl1", "title": "Rozmowy", "body": "Prezydent Wołodymyr Zelanski spotkał Viktor Medwedczuk w Kijowie. "
                                              "Commander Ivan Bratko of the Khortytsia Legion said it held."},
    {"id": "en1", "title": "Talks", "body": "Ukrainian politician Viktor Medvedchuk said he was innocent, and "
                                            "President Volodymyr Zelensky said talks would go on."},
]


@pytest.fixture
def own_index(tmp_path, runner):
    """A fresh index of ARTICLES; the user's entities are dropped afterwards (they are
    process-wide, like the shipped ones)."""
    source = tmp_path / "news.jsonl"
    source.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in ARTICLES) + "\n", encoding="utf-8")

    def run(*args: str):
        return runner.invoke(main, [*args, "--index", str(tmp_path / "ix")], catch_exceptions=False)
    yield tmp_path, source, run
    user_kb.use(None)


def test_variants_lists_transliterations_of_one_name_for_review(own_index):
    _, source, run = own_index
    assert run("index", str(source)).exit_code == 0
    persons = {p["name"] for p in json.loads(run("entities", "--type", "person", "--json").output)}
    assert "Volodymyr Zelensky" in persons and "Wołodymyr Zelanski" not in persons  # merged: a known person
    groups = json.loads(run("entities", "--variants", "--json").output)
    names = [{n["name"] for n in g["names"]} for g in groups]
    assert {"Viktor Medvedchuk", "Viktor Medwedczuk"} in names
    assert all(g["type"] == "person" and 0 < g["score"] <= 100 for g in groups)
    text = run("entities", "--variants").output
    assert "Viktor Medvedchuk (1)  ~  Viktor Medwedczuk (1)" in text


def test_own_entity_file_extends_the_knowledge_base_and_stays_with_the_index(own_index):
    tmp_path, source, run = own_index
    kb_file = tmp_path / "mine.json"
    kb_file.write_text(json.dumps({
        "people": [{"name": "Viktor Medvedchuk", "aliases": ["Viktor Medwedczuk"]}],
        "orgs": [{"name": "Khortytsia Legion", "aliases": ["Khortytsia"]}]}), encoding="utf-8")
    assert run("index", str(source), "--kb", str(kb_file)).exit_code == 0
    assert (tmp_path / "ix" / "entities.json").is_file()
    people = {p["name"]: p for p in json.loads(run("entities", "--type", "person", "--json").output)}
    assert people["Viktor Medvedchuk"]["articles"] == 2 and "Viktor Medwedczuk" not in people
    assert "Viktor Medwedczuk" in people["Viktor Medvedchuk"]["aliases"]
    hits = json.loads(run("query", "--org", "Khortytsia", "--json").output)["hits"]
    assert [h["id"] for h in hits] == ["pl1"] and hits[0]["orgs"] == ["Khortytsia Legion"]
    # a later run without --kb still uses the file kept in the index folder
    user_kb.use(None)
    more = tmp_path / "more.jsonl"
    more.write_text(json.dumps({"id": "en2", "title": "Legion", "body": "The Khortytsia Legion attacked."}) + "\n",
                    encoding="utf-8")
    assert run("index", str(more)).exit_code == 0
    hits = json.loads(run("query", "--org", "Khortytsia Legion", "--json").output)["hits"]
    assert {h["id"] for h in hits} == {"pl1", "en2"}


@pytest.mark.parametrize("content, problem", [
    ("{not json", "not valid JSON"),
    ('{"people": [{"aliases": ["x"]}]}', "has no \"name\""),
    ('{"weapons": []}', "unknown section 'weapons'"),
    (None, "no such file"),
])
def test_a_bad_entity_file_is_a_clear_error(own_index, content, problem):
    tmp_path, source, run = own_index
    kb_file = tmp_path / "bad.json"
    if content is not None:
        kb_file.write_text(content, encoding="utf-8")
    result = run("index", str(source), "--kb", str(kb_file))
    assert result.exit_code == 1 and problem in result.output and "Traceback" not in result.output
    assert not (tmp_path / "ix" / "entities.json").exists()
