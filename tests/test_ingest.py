"""Reading input files: the messy seed pages, JSON Lines, CSV, gzip, and bad input."""

import datetime as dt
import gzip
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search.ingest.formats import Problem, read_path
from search.models import Article

from .conftest import SEEDS, write


def seed(prefix: str) -> Article:
    [path] = SEEDS.glob(f"{prefix}_*.txt")
    [article] = list(read_path(str(path)))
    assert isinstance(article, Article)
    return article


def test_seed_dates_come_only_from_the_date_line():
    assert seed("002").date == dt.date(2023, 2, 15)
    assert seed("004").date == dt.date(2022, 10, 22)
    assert seed("000").date is None and seed("001").date is None and seed("003").date is None
    assert seed("002").extra == {"date from": "the page's date line"}


def test_seed_sources_come_from_the_credits_in_the_text():
    assert seed("000").source == "Anadolu Agency"  # "(Anadolu)"
    assert seed("001").source == "AFP"  # "AFP saw", caption credit
    assert seed("002").source == "unknown"  # no credit: not guessed
    assert seed("003").source == "RFE/RL"  # not "Reuters and AP", who only contributed
    assert seed("004").source == "DoD News"  # "By Jim Garamone"
    assert seed("004").authors == ("Jim Garamone",)


def test_seed_titles_skip_site_furniture_and_captions():
    title = seed("003").title
    assert title.startswith("NATO Secretary-General Jens Stoltenberg")
    for furniture in ("OpsLens", "Tajikistan", "Source link", "Live Briefing"):
        assert furniture not in title
        assert furniture not in seed("003").body
    assert not seed("001").title.startswith("In eastern Ukraine")
    assert not seed("000").title.endswith("(Anadolu)")


def test_a_caption_repeated_on_two_lines_is_kept_once():
    body = seed("001").body
    caption = "In eastern Ukraine's Lugansk region, AFP saw a group of servicemen using British-supplied artillery"
    assert body.count(caption + " AFP") == 1
    assert body.count(caption) == 2  # the credited caption, and the article's own paragraph


def test_seed_ids_are_stable():
    assert seed("001").id == seed("001").id
    assert len({seed(p).id for p in ("000", "001", "002", "003", "004")}) == 5


def test_jsonl_reads_articles_and_reports_bad_lines(tmp_path):
    lines = [
        json.dumps({"id": "a1", "title": "Patriot battery", "text": "Body one", "date": "2023-04-21",
                    "source": "Agence France-Presse", "url": "https://x.org/1", "authors": ["A B"],
                    "section": "world"}),
        "{not json",
        json.dumps(["a", "list"]),
        json.dumps({"date": "2023-01-01"}),
        "",
        json.dumps({"title": "Headline only"}),
    ]
    path = write(tmp_path / "a.jsonl", "\n".join(lines) + "\n")
    records = list(read_path(str(path)))
    articles = [r for r in records if isinstance(r, Article)]
    problems = [r for r in records if isinstance(r, Problem)]
    assert [a.title for a in articles] == ["Patriot battery", "Headline only"]
    first = articles[0]
    assert (first.id, first.body, first.date, first.source) == ("a1", "Body one", dt.date(2023, 4, 21), "AFP")
    assert first.authors == ("A B",)
    assert first.extra == {"section": "world", "date from": "the 'date' field"}
    assert [(p.line, p.reason.split(" (")[0]) for p in problems] == [
        (2, "not valid JSON"), (3, "not a JSON object"), (4, "no title and no body text")]


def test_csv_maps_common_column_names_and_takes_the_source_from_the_file_name(tmp_path):
    path = tmp_path / "Guardians_Russia_Ukraine.csv.gz"
    content = ('published,headlines,articles\r\n'
               '2022-02-24T06:24:27Z,"Kyiv under fire","Russian forces shelled, the city"\r\n'
               '2022/06/23,"Second","Two\r\nlines"\r\n')
    path.write_bytes(gzip.compress(content.encode()))
    articles = list(read_path(str(path)))
    assert [(a.title, a.date, a.source) for a in articles] == [
        ("Kyiv under fire", dt.date(2022, 2, 24), "The Guardian"),
        ("Second", dt.date(2022, 6, 23), "The Guardian")]
    assert articles[1].body == "Two\nlines"


def test_csv_guardian_style_columns_and_url_source(tmp_path):
    path = write(tmp_path / "export.csv",
                 ',Image Url,Date,Date Formatted,Heading,Article Url,Text\n'
                 '0,x.jpg,"Wednesday, 23 February 2022",2022-02-23,What next,https://www.theguardian.com/a,Body\n'
                 '1,y.jpg,bad,bad,Other,https://example.org/b,Body\n'
                 '2,too,few\n')
    records = list(read_path(str(path)))
    assert records[0].date == dt.date(2022, 2, 23) and records[0].source == "The Guardian"
    assert records[0].extra["image url"] == "x.jpg"
    assert records[1].date is None and records[1].source == "unknown"
    assert isinstance(records[2], Problem) and records[2].line == 4


def test_bad_files_are_reported_not_raised(tmp_path):
    cases = {
        "empty.txt": b"",
        "binary.txt": b"\x00\x01\x02garbage",
        "notes.docx": b"PK\x03\x04",
        "broken.jsonl.gz": b"\x1f\x8b\x08\x00garbage",
    }
    for name, content in cases.items():
        records = list(read_path(str(write(tmp_path / name, content))))
        assert len(records) == 1 and isinstance(records[0], Problem), name


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=2000), suffix=st.sampled_from([".txt", ".jsonl", ".csv", ".csv.gz", ".html",
                                                              ".rss", ".warc", ".warc.gz"]))
def test_no_input_bytes_crash_ingest(tmp_path, content, suffix):
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(gzip.compress(content) if suffix.endswith(".gz") else content)
    for record in read_path(str(path)):
        assert isinstance(record, (Article, Problem))
