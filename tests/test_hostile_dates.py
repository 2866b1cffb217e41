"""Dates at the edges of what a date can be (year 0, year 9999, 29 February) are a clear
error or a repaired query, never a 500 or a traceback."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import pytest

from search.errors import InvalidParameterError
from search.ingest.dates import parse_date_param
from search.understanding.query import parse_query
from web import create_app


@pytest.fixture(scope="module")
def client(seed_index):
    return create_app({"SEARCH_INDEX": seed_index, "TESTING": True}).test_client()


@pytest.mark.parametrize("value", ["0000", "0000-01", "0000-12-31", "2023-02-29", "2023-13",
                                   "2023-00", "99999", "2023-1-32"])
def test_impossible_dates_are_a_clear_parameter_error(value):
    with pytest.raises(InvalidParameterError, match="is not a date"):
        parse_date_param(value, "since")


@pytest.mark.parametrize("value, start, end", [
    ("0001", dt.date(1, 1, 1), dt.date(1, 12, 31)),
    ("9999", dt.date(9999, 1, 1), dt.date(9999, 12, 31)),
    ("9999-12", dt.date(9999, 12, 1), dt.date(9999, 12, 31)),
    ("2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
    ("2024-02-29", dt.date(2024, 2, 29), dt.date(2024, 2, 29)),
    ("1700-05-06", dt.date(1700, 5, 6), dt.date(1700, 5, 6)),
])
def test_every_four_digit_year_is_a_date(value, start, end):
    assert parse_date_param(value, "since") == start
    assert parse_date_param(value, "until", end=True) == end


@pytest.mark.parametrize("params", [{"since": "0000"}, {"until": "0000"}, {"since": "0000-00-00"},
                                    {"until": "9999-99"}, {"since": "2023-02-30"}])
def test_impossible_date_parameters_are_400_on_page_and_api(client, params):
    response = client.get("/api/search?" + urlencode(params))
    assert response.status_code == 400
    assert "years run from 0001 to 9999" in response.get_json()["error"] or \
        "is not a date" in response.get_json()["error"]
    assert client.get("/?" + urlencode(params)).status_code == 400


@pytest.mark.parametrize("params", [{"since": "0001", "until": "9999-12"}, {"until": "9999"},
                                    {"since": "0001-01-01"}])
def test_extreme_but_real_dates_are_searched(client, params):
    response = client.get("/api/search?" + urlencode(params))
    assert response.status_code == 200
    assert response.get_json()["total"] >= 0


@pytest.mark.parametrize("q", ["date:0000", "date:[0000 TO 9999]", "date:[0000-01 TO 2023]",
                               "patriot date:0000-00-00", "date:[2023-02-30 TO 2024]"])
def test_impossible_dates_in_the_query_are_dropped_with_a_note(client, cli, q):
    body = client.get("/api/search?" + urlencode({"q": q})).get_json()
    assert body["warnings"] and "not a date" in body["warnings"][0]
    result = cli("query", q)
    assert result.exit_code == 0 and result.output.startswith("Note:")
    with pytest.raises(Exception, match="not a date"):
        parse_query(q, strict=True)


def test_year_one_and_year_9999_are_searchable_bounds(client):
    everything = client.get("/api/search").get_json()["total"]
    dated = client.get("/api/search?" + urlencode({"q": "date:[0001 TO 9999]"})).get_json()
    assert dated["warnings"] == [] and 0 < dated["total"] <= everything
    assert client.get("/api/search?" + urlencode({"q": "date:9999"})).get_json()["total"] == 0
