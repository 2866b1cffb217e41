"""The OpenAPI 3 description of /api/*, kept beside the code it describes (tests check
that every documented path answers and rejects bad parameters with 400)."""

from __future__ import annotations

from typing import Any

from search.models import FACET_FIELDS

from .params import MAX_LIMIT


def _param(name: str, description: str, schema: dict[str, Any], *, repeat: bool = False,
           where: str = "query", required: bool = False) -> dict[str, Any]:
    if repeat:
        schema = {"type": "array", "items": schema}
    p = {"name": name, "in": where, "description": description, "schema": schema,
         "required": required}
    if repeat:
        p.update(style="form", explode=True)
    return p


DATE_PATTERN = r"^\d{4}(-\d{1,2}(-\d{1,2})?)?$"

SEARCH_PARAMS = [
    _param("q", "Query text: words, \"phrases\", OR, NOT, -word, prefix*, field:value, "
                "date:[2023-01 TO 2023-03]. Problems are repaired and reported in `warnings`.",
           {"type": "string", "maxLength": 1000}),
    *[_param(name, f"Only articles with this {name} (repeat: any of them; facets combine with AND).",
             {"type": "string"}, repeat=True) for name in FACET_FIELDS],
    _param("since", "First day: YYYY, YYYY-MM or YYYY-MM-DD.", {"type": "string", "pattern": DATE_PATTERN}),
    _param("until", "Last day (YYYY or YYYY-MM mean their last day).",
           {"type": "string", "pattern": DATE_PATTERN}),
    _param("sort", "Order of hits.", {"type": "string", "enum": ["relevance", "date"],
                                      "default": "relevance"}),
    _param("page", "Page number (page × limit ≤ 100000).", {"type": "integer", "minimum": 1, "default": 1}),
    _param("limit", "Hits per page.", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT,
                                       "default": 10}),
    _param("more", "Facets to list with more values.", {"type": "string", "enum": list(FACET_FIELDS)},
           repeat=True),
]

ERROR = {"description": "Bad parameter: the message says what to fix.",
         "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
NOT_FOUND = {"description": "No article with that id.",
             "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}

HIGHLIGHT = {"type": "object", "properties": {
    "text": {"type": "string", "description": "Plain text (not HTML)."},
    "matches": {"type": "array", "items": {"type": "array", "items": {"type": "integer"},
                                           "minItems": 2, "maxItems": 2},
                "description": "[start, end) offsets of the matches in text."}}}

HIT = {"type": "object", "required": ["id", "title", "source"], "properties": {
    "id": {"type": "string"}, "title": {"type": "string"},
    "date": {"type": "string", "format": "date", "nullable": True},
    "source": {"type": "string"}, "url": {"type": "string"}, "score": {"type": "number"},
    "persons": {"type": "array", "items": {"type": "string"}},
    "systems": {"type": "array", "items": {"type": "string"}},
    "orgs": {"type": "array", "items": {"type": "string"}},
    "places": {"type": "array", "items": {"type": "string"}},
    "highlights": {"type": "array", "items": {"$ref": "#/components/schemas/Highlight"}},
    "title_matches": {"type": "array", "description": "[start, end) of the matches in the title.",
                      "items": {"type": "array", "items": {"type": "integer"}}},
    "similar": {"type": "array", "description": "The same story from other files, collapsed "
                "under this hit.", "items": {"type": "object", "properties": {
                    "id": {"type": "string"}, "title": {"type": "string"},
                    "date": {"type": "string", "nullable": True}, "source": {"type": "string"},
                    "url": {"type": "string"}}}}}}

FACET_VALUE = {"type": "object", "required": ["value", "count"], "properties": {
    "value": {"type": "string"}, "count": {"type": "integer"},
    "selected": {"type": "boolean"}, "category": {"type": "string"}}}

SEARCH_RESULTS = {"type": "object", "required": ["query", "total", "page", "hits", "facets"],
                  "properties": {
    "query": {"type": "string"}, "total": {"type": "integer"}, "page": {"type": "integer"},
    "pages": {"type": "integer"}, "per_page": {"type": "integer"},
    "hits": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
    "facets": {"type": "object", "description": "person, system, source, org, place, year, month "
               "(YYYY-MM or 'undated'); each facet counted without its own selection.",
               "additionalProperties": {"type": "array",
                                        "items": {"$ref": "#/components/schemas/FacetValue"}}},
    "took_ms": {"type": "number"},
    "suggestion": {"type": "string", "nullable": True, "description": "Did you mean."},
    "warnings": {"type": "array", "items": {"type": "string"}},
    "corrected_from": {"type": "string", "nullable": True, "description": "The query as typed, "
                       "when it found (almost) nothing and these are the results of its spelling "
                       "correction (`query`); add verbatim=1 to search the words as typed."},
    "entities": {"type": "array", "description": "Knowledge-base entities the query text names, "
                 "each searched as its words or its facet values.",
                 "items": {"type": "object", "properties": {
                     "text": {"type": "string"}, "type": {"type": "string"},
                     "values": {"type": "array", "items": {"type": "string"}},
                     "count": {"type": "integer"}}}}}}

ARTICLE = {"type": "object", "required": ["id", "title", "body"], "properties": {
    "id": {"type": "string"}, "title": {"type": "string"}, "body": {"type": "string"},
    "date": {"type": "string", "format": "date", "nullable": True},
    "source": {"type": "string"}, "url": {"type": "string"},
    "authors": {"type": "array", "items": {"type": "string"}},
    "persons": {"type": "array", "items": {"type": "string"}},
    "systems": {"type": "array", "items": {"type": "string"}},
    "orgs": {"type": "array", "items": {"type": "string"}},
    "places": {"type": "array", "items": {"type": "string"}},
    "roles": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    "origin": {"type": "string"}, "extra": {"type": "object"},
    "related": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
    "sharing_entities": {"type": "array", "items": {"allOf": [
        {"$ref": "#/components/schemas/Hit"},
        {"type": "object", "properties": {"shared": {"type": "array", "items": {"type": "string"}}}}]}}}}

SUGGESTION = {"type": "object", "required": ["type", "value"], "properties": {
    "type": {"type": "string", "enum": ["person", "system", "org", "place", "source", "word"]},
    "value": {"type": "string", "description": "Entity name, or the whole query completed."},
    "count": {"type": "integer", "description": "Articles with it."},
    "replaces": {"type": "string", "description": "Entities: the trailing typed words it stands for."},
    "word": {"type": "string", "description": "Words: the completed word."}}}


def openapi_document(server_url: str = "") -> dict[str, Any]:
    def ok(schema_name: str, description: str) -> dict[str, Any]:
        return {"description": description, "content": {"application/json": {
            "schema": {"$ref": f"#/components/schemas/{schema_name}"}}}}

    return {
        "openapi": "3.0.3",
        "info": {"title": "News search API", "version": "1.0",
                 "description": "Search news articles about the war in Ukraine: full text, "
                                "entity facets (people, weapon systems, sources, organisations, "
                                "places) and a timeline. Every error is JSON {\"error\": ...}."},
        "servers": [{"url": server_url or "/"}],
        "paths": {
            "/api/search": {"get": {
                "summary": "Search articles", "operationId": "search",
                "parameters": SEARCH_PARAMS,
                "responses": {"200": ok("SearchResults", "One page of hits, facets and warnings."),
                              "400": ERROR}}},
            "/api/article/{id}": {"get": {
                "summary": "One article with related articles", "operationId": "article",
                "parameters": [_param("id", "Article id, as in hits.", {"type": "string"},
                                      where="path", required=True)],
                "responses": {"200": ok("Article", "The article."), "404": NOT_FOUND}}},
            "/api/suggest": {"get": {
                "summary": "Suggestions while typing: entities first, then words",
                "operationId": "suggest",
                "parameters": [_param("q", "What has been typed so far.",
                                      {"type": "string", "maxLength": 200})],
                "responses": {"200": {"description": "Suggestions.", "content": {"application/json": {
                    "schema": {"type": "object", "properties": {
                        "query": {"type": "string"},
                        "suggestions": {"type": "array",
                                        "items": {"$ref": "#/components/schemas/Suggestion"}}}}}}},
                              "400": ERROR}}},
            "/api/entities": {"get": {
                "summary": "Most frequent facet values per entity type", "operationId": "entities",
                "parameters": [
                    _param("type", "Entity types to list (default: all).",
                           {"type": "string", "enum": list(FACET_FIELDS)}, repeat=True),
                    _param("q", "Only names with a word starting with this.", {"type": "string"}),
                    _param("limit", "Values per type.", {"type": "integer", "minimum": 1,
                                                         "maximum": 500, "default": 20})],
                "responses": {"200": {"description": "Type -> values with counts.",
                                      "content": {"application/json": {"schema": {
                                          "type": "object", "additionalProperties": {
                                              "type": "array",
                                              "items": {"$ref": "#/components/schemas/FacetValue"}}}}}},
                              "400": ERROR}}},
            "/api/openapi.json": {"get": {
                "summary": "This description", "operationId": "openapi",
                "responses": {"200": {"description": "OpenAPI 3 document.",
                                      "content": {"application/json": {"schema": {"type": "object"}}}}}}},
        },
        "components": {"schemas": {
            "Error": {"type": "object", "required": ["error"], "properties": {
                "error": {"type": "string", "description": "What is wrong and how to fix it."},
                "status": {"type": "integer"}}},
            "Highlight": HIGHLIGHT, "Hit": HIT, "FacetValue": FACET_VALUE,
            "SearchResults": SEARCH_RESULTS, "Article": ARTICLE, "Suggestion": SUGGESTION}},
    }
