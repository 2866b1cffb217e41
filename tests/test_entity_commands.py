"""`search entities`, `search entity` and `search export` over the seed index."""

import json

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
