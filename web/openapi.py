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
                    "url": {"type": "string"}}}},
    "missing": {"type": "array", "description": "Words of a short query this article lacks: a "
                "partial match, ranked below every article with all the words (empty: it has "
                "them all).", "items": {"type": "string"}}}}

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


FILTER_PARAMS = [p for p in SEARCH_PARAMS if p["name"] in (*FACET_FIELDS, "since", "until")] + [
    _param(f"not_{name}", f"Leave out articles with this {name} (repeat: none of them).",
           {"type": "string"}, repeat=True) for name in FACET_FIELDS]
SEARCH_PARAMS.extend(FILTER_PARAMS[-len(FACET_FIELDS):])
MATCH_PARAMS = [SEARCH_PARAMS[0], *FILTER_PARAMS]  # what selects articles, no paging

ENTITY_KINDS = ["person", "system", "org", "place", "source"]

ENTITY = {"type": "object", "required": ["name", "type", "total", "page", "pages", "articles"],
          "properties": {
    "name": {"type": "string", "description": "Canonical name."},
    "type": {"type": "string", "enum": ENTITY_KINDS},
    "category": {"type": "string"},
    "aliases": {"type": "array", "items": {"type": "string"}, "description": "Other spellings seen."},
    "roles": {"type": "array", "items": {"type": "string"}, "description": "Roles the texts give."},
    "co_mentions": {"type": "object", "description": "Entity type -> the names most often in the "
                    "same articles, with the number of articles.",
                    "additionalProperties": {"type": "array", "items": {
                        "$ref": "#/components/schemas/FacetValue"}}},
    "per_month": {"type": "array", "items": {"type": "object", "required": ["month", "count"],
                  "properties": {"month": {"type": "string"}, "count": {"type": "integer"}}}},
    "total": {"type": "integer", "description": "Articles mentioning it."},
    "page": {"type": "integer"}, "pages": {"type": "integer"},
    "articles": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"},
                 "description": "One page of its articles, newest first."}}}

TRENDS = {"type": "object", "required": ["interval", "periods", "totals", "series"], "properties": {
    "interval": {"type": "string", "enum": ["day", "week", "month"]},
    "periods": {"type": "array", "items": {"type": "string"},
                "description": "YYYY-MM-DD (a day, or a week's Monday) or YYYY-MM."},
    "totals": {"type": "array", "items": {"type": "integer"},
               "description": "All articles per period (within the filters)."},
    "series": {"type": "array", "items": {"type": "object",
               "required": ["query", "total", "counts", "shares"], "properties": {
        "query": {"type": "string"}, "total": {"type": "integer"},
        "undated": {"type": "integer", "description": "Matches without a date (not charted)."},
        "counts": {"type": "array", "items": {"type": "integer"}},
        "shares": {"type": "array", "items": {"type": "number", "minimum": 0, "maximum": 1}}}}}}}

TERMS = {"type": "object", "required": ["query", "terms"], "properties": {
    "query": {"type": "string"},
    "terms": {"type": "array", "items": {"type": "object", "required": ["term", "count", "score"],
              "properties": {
        "term": {"type": "string", "description": "A readable form of the word."},
        "stem": {"type": "string"}, "count": {"type": "integer"},
        "score": {"type": "number", "description": "Log-likelihood keyness against the whole index."},
        "ratio": {"type": "number", "description": "Times as frequent as in the whole index."}}}}}}

JSON_FEED = {"type": "object", "required": ["version", "title", "items"], "properties": {
    "version": {"type": "string"}, "title": {"type": "string"},
    "home_page_url": {"type": "string"}, "feed_url": {"type": "string"},
    "items": {"type": "array", "items": {"type": "object", "required": ["id", "url", "title"],
              "properties": {
        "id": {"type": "string"}, "url": {"type": "string"}, "title": {"type": "string"},
        "date_published": {"type": "string", "nullable": True}, "summary": {"type": "string"},
        "authors": {"type": "array", "items": {"type": "object"}},
        "tags": {"type": "array", "items": {"type": "string"}}}}}}}


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
                           {"type": "string", "enum": [f for f in FACET_FIELDS if f != "collection"]},
                           repeat=True),
                    _param("q", "Only names with a word starting with this.", {"type": "string"}),
                    _param("limit", "Values per type.", {"type": "integer", "minimum": 1,
                                                         "maximum": 500, "default": 20})],
                "responses": {"200": {"description": "Type -> values with counts.",
                                      "content": {"application/json": {"schema": {
                                          "type": "object", "additionalProperties": {
                                              "type": "array",
                                              "items": {"$ref": "#/components/schemas/FacetValue"}}}}}},
                              "400": ERROR}}},
            "/api/entity/{kind}/{name}": {"get": {
                "summary": "One entity: names and roles seen, co-mentions, mentions per month, "
                           "its articles newest first", "operationId": "entity",
                "parameters": [
                    _param("kind", "Entity type.", {"type": "string", "enum": ENTITY_KINDS},
                           where="path", required=True),
                    _param("name", "Its name or any alias or spelling.", {"type": "string"},
                           where="path", required=True),
                    _param("page", "Page of articles (20 a page).",
                           {"type": "integer", "minimum": 1, "default": 1})],
                "responses": {"200": ok("Entity", "The entity."), "400": ERROR,
                              "404": {"description": "No entity by that name.",
                                      "content": {"application/json": {"schema": {
                                          "$ref": "#/components/schemas/Error"}}}}}}},
            "/api/trends": {"get": {
                "summary": "Attention over time: matching articles per period for up to 5 queries",
                "operationId": "trends",
                "parameters": [
                    _param("q", "A query to chart (repeat, up to 5; any query syntax, e.g. "
                                "person:\"Lloyd Austin\").",
                           {"type": "string", "maxLength": 1000}, repeat=True, required=True),
                    _param("interval", "Period (default: by the range: days up to two months, "
                                       "weeks up to a year, months beyond).",
                           {"type": "string", "enum": ["day", "week", "month"]}),
                    *FILTER_PARAMS,
                    _param("format", "json (default) or csv.", {"type": "string",
                                                                 "enum": ["json", "csv"]})],
                "responses": {"200": {"description": "Counts and shares per period.", "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Trends"}},
                    "text/csv": {"schema": {"type": "string"}}}}, "400": ERROR}}},
            "/api/terms": {"get": {
                "summary": "Top terms: the most distinctive words of the matching articles",
                "operationId": "terms",
                "parameters": [*MATCH_PARAMS,
                               _param("limit", "Terms.", {"type": "integer", "minimum": 1,
                                                          "maximum": 100, "default": 20})],
                "responses": {"200": ok("Terms", "Terms, most distinctive first."), "400": ERROR}}},
            "/api/export": {"get": {
                "summary": "Every matching article (not one page), streamed",
                "operationId": "export",
                "parameters": [*MATCH_PARAMS,
                               _param("format", "jsonl (default) or csv.",
                                      {"type": "string", "enum": ["jsonl", "csv"]})],
                "responses": {"200": {"description": "One article a line (JSON Lines), or CSV "
                                                     "with a header row.", "content": {
                    "application/x-ndjson": {"schema": {"type": "string"}},
                    "text/csv": {"schema": {"type": "string"}}}}, "400": ERROR}}},
            "/api/feed": {"get": {
                "summary": "Follow a search: the 50 newest matching articles as JSON Feed 1.1 "
                           "(Atom at /feed with the same parameters)",
                "operationId": "feed",
                "parameters": MATCH_PARAMS,
                "responses": {"200": ok("JsonFeed", "The feed."), "400": ERROR}}},
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
            "SearchResults": SEARCH_RESULTS, "Article": ARTICLE, "Suggestion": SUGGESTION,
            "Entity": ENTITY, "Trends": TRENDS, "Terms": TERMS, "JsonFeed": JSON_FEED}},
    }
