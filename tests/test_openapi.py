"""The API against its own OpenAPI document, property-based (hypothesis): requests built from
each operation's parameter schemas (valid values, known names, and arbitrary text) never get
a 5xx, only documented statuses, and every JSON answer satisfies the documented schema."""

from __future__ import annotations

import json
import re
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.webcorpus import PEOPLE, PLACES, SOURCES, SYSTEMS, build_index
from web import create_app

KNOWN = ["HIMARS", "Patriot", "deliveries", "Kyiv", "air defence", "NATO", *PEOPLE, *SYSTEMS,
         *PLACES, *SOURCES]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    app = create_app({"SEARCH_INDEX": build_index(str(tmp_path_factory.mktemp("openapi"))),
                      "TESTING": True})
    return app.test_client()


@pytest.fixture(scope="module")
def spec(client):
    return client.get("/api/openapi.json").get_json()


# -- a validator for the subset of JSON Schema (OpenAPI 3.0) the document uses ----------------

def _resolve(spec: dict, schema: dict) -> dict:
    while "$ref" in schema:
        node = spec
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        schema = node
    return schema


TYPES = {"object": dict, "array": list, "string": str, "boolean": bool}


def problems(spec: dict, schema: dict, value, where: str = "$") -> list[str]:
    """What in ``value`` breaks ``schema`` (empty: it conforms)."""
    schema = _resolve(spec, schema)
    if value is None:
        return [] if schema.get("nullable") or not schema else [f"{where}: null"]
    out: list[str] = []
    for part in schema.get("allOf", []):
        out += problems(spec, part, value, where)
    kind = schema.get("type")
    if kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            return [f"{where}: {value!r} is not an integer"]
    elif kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return [f"{where}: {value!r} is not a number"]
    elif kind in TYPES and not isinstance(value, TYPES[kind]):
        return [f"{where}: {type(value).__name__} is not {kind}"]
    if "enum" in schema and value not in schema["enum"]:
        out.append(f"{where}: {value!r} not in {schema['enum']}")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            out.append(f"{where}: {value} < {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            out.append(f"{where}: {value} > {schema['maximum']}")
    if isinstance(value, str) and schema.get("format") == "date" and \
            not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        out.append(f"{where}: {value!r} is not a date")
    if isinstance(value, dict):
        for name in schema.get("required", []):
            if name not in value:
                out.append(f"{where}: {name} missing")
        for name, item in value.items():
            if name in schema.get("properties", {}):
                out += problems(spec, schema["properties"][name], item, f"{where}.{name}")
            elif isinstance(schema.get("additionalProperties"), dict):
                out += problems(spec, schema["additionalProperties"], item, f"{where}.{name}")
    if isinstance(value, list) and "items" in schema:
        if "minItems" in schema and len(value) < schema["minItems"]:
            out.append(f"{where}: fewer than {schema['minItems']} items")
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            out.append(f"{where}: more than {schema['maxItems']} items")
        for i, item in enumerate(value[:50]):
            out += problems(spec, schema["items"], item, f"{where}[{i}]")
    return out


def test_the_validator_can_fail(spec):
    hit = {"$ref": "#/components/schemas/Hit"}
    assert problems(spec, hit, {"id": "a", "title": "t", "source": "s"}) == []
    assert problems(spec, hit, {"id": "a", "title": "t"})  # source missing
    assert problems(spec, hit, {"id": "a", "title": "t", "source": "s", "date": "May"})
    assert problems(spec, {"$ref": "#/components/schemas/Trends"},
                    {"interval": "year", "periods": [], "totals": [], "series": []})


# -- requests from the parameter schemas ------------------------------------------------------------

def _values(schema: dict) -> st.SearchStrategy:
    if "enum" in schema:
        return st.sampled_from(schema["enum"]) | st.text(max_size=8)
    if schema.get("type") == "integer":
        low, high = schema.get("minimum", -5), schema.get("maximum", 10**6)
        return st.integers(low - 2, min(high, 400) + 2).map(str) | st.text(max_size=4)
    if "pattern" in schema:
        return st.from_regex(r"\A(19|20)\d\d(-(0?[1-9]|1[0-2])(-(0?[1-9]|[12]\d))?)?\Z") | \
            st.text(max_size=12)
    return st.sampled_from(KNOWN) | st.text(max_size=30)


def _query(parameters: list[dict]) -> st.SearchStrategy:
    """A list of (name, value) pairs: each parameter left out or given (repeatable ones up to
    three times)."""
    parts = []
    for p in parameters:
        if p["in"] != "query":
            continue
        schema = p["schema"]
        repeat = schema.get("type") == "array"
        values = _values(schema["items"] if repeat else schema)
        count = st.integers(1 if p.get("required") else 0, 3 if repeat else 1)
        parts.append(count.flatmap(lambda n, v=values, name=p["name"]:
                                   st.lists(v, min_size=n, max_size=n).map(
                                       lambda vs, name=name: [(name, x) for x in vs])))
    return st.tuples(*parts).map(lambda groups: [pair for g in groups for pair in g])


def _check(client, spec, path: str, url: str) -> None:
    operation = spec["paths"][path]["get"]
    response = client.get(url)
    try:
        status = response.status_code
        assert status < 500, (url, response.data[:300])
        assert str(status) in operation["responses"], (url, status)
        content = operation["responses"][str(status)].get("content", {})
        kind = response.content_type.split(";")[0]
        assert kind in content, (url, kind)
        body = response.get_data(as_text=True)
        if kind == "application/json":
            found = problems(spec, content[kind]["schema"], json.loads(body))
            assert not found, (url, found[:5])
        elif kind == "application/x-ndjson":
            for line in body.splitlines():
                assert isinstance(json.loads(line), dict)
    finally:
        response.close()


OPERATIONS = ["/api/search", "/api/suggest", "/api/entities", "/api/trends", "/api/terms",
              "/api/export", "/api/feed"]


@pytest.mark.parametrize("path", OPERATIONS)
def test_operation_conforms(client, spec, path):
    @settings(max_examples=40, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(_query(spec["paths"][path]["get"].get("parameters", [])))
    def run(pairs):
        _check(client, spec, path, path + ("?" + urlencode(pairs) if pairs else ""))

    run()


def test_entity_operation_conforms(client, spec):
    path = "/api/entity/{kind}/{name}"
    kinds = spec["paths"][path]["get"]["parameters"][0]["schema"]["enum"]

    known = st.sampled_from([("person", "Lloyd Austin"), ("person", "zelensky"), ("system", "HIMARS"),
                             ("place", "Kyiv"), ("source", "Reuters"), ("org", "NATO")])
    anything = st.tuples(st.sampled_from(kinds) | st.text(min_size=1, max_size=8),
                         st.sampled_from(KNOWN) | st.text(min_size=1, max_size=30))

    @settings(max_examples=60, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(known | anything, st.none() | st.none() | st.integers(-1, 3).map(str) | st.text(max_size=3))
    def run(pair, page):
        kind, name = pair
        url = f"/api/entity/{quote(kind, safe='')}/{quote(name, safe='')}"
        _check(client, spec, path, url + ("?" + urlencode({"page": page}) if page is not None else ""))

    run()
