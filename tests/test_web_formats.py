"""Formats analysts keep besides CSV and JSONL: saved web pages, RSS/Atom feeds, WARC web
archives; dates from URLs and file names; the collection a folder makes; CSV delimiters
and day/month order. Fixtures are shaped like what real sites produce."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import pathlib
import re
import shutil

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from search.cli import main
from search.engine import SearchEngine
from search.ingest.dates import date_from_name, date_from_url, parse_numeric_date
from search.ingest.formats import Problem, ReadOptions, read_path
from search.ingest.formats.csvfile import sniff_delimiter
from search.ingest.formats.html import clean_title
from search.ingest.sources import source_from_text
from search.models import Article, SearchRequest

from .conftest import write

WEB = pathlib.Path(__file__).parent / "fixtures" / "web"


def articles(path, options: ReadOptions = ReadOptions()) -> list[Article]:
    return [r for r in read_path(str(path), options) if isinstance(r, Article)]


def problems(path, options: ReadOptions = ReadOptions()) -> list[Problem]:
    return [r for r in read_path(str(path), options) if isinstance(r, Problem)]


def test_a_news_page_with_open_graph_and_json_ld():
    [page] = articles(WEB / "reuters-og-jsonld.html")
    assert page.title == "Ukraine gets first Patriot systems, Reznikov says"  # no "| Reuters"
    assert page.date == dt.date(2023, 4, 21) and page.extra["date from"] == "page metadata"
    assert page.source == "Reuters" and page.authors == ("Jane Doe",)
    assert page.url == "https://www.reuters.com/world/europe/ukraine-air-defence-2023-04-21/"
    assert page.body.startswith("KYIV, April 21 (Reuters) - Ukraine has received")
    for furniture in ("Most read", "Oil prices rise", "Sign up for our newsletter", "Home"):
        assert furniture not in page.body
    assert page.collection == "web"


def test_a_page_with_only_a_byline_and_a_time_element():
    [page] = articles(WEB / "byline-time.htm")
    assert page.title == "Drones strike Odesa port overnight"
    assert page.date == dt.date(2023, 7, 19)
    assert page.authors == ("Olena Petrenko",)
    assert page.source == "Kyiv Independent"  # what the <title> adds to the headline
    assert "Menu Subscribe" not in page.body and "Related:" not in page.body


def test_a_page_without_a_date_takes_the_one_in_its_file_name(tmp_path):
    html = (WEB / "byline-time.htm").read_text().replace(
        '<time datetime="2023-07-19T06:30:00+03:00">July 19, 2023</time>', "")
    path = write(tmp_path / "20220125T090000Z_GB_en_7d015e6984.html", html)
    [page] = articles(path)
    assert page.date == dt.date(2022, 1, 25) and page.extra["date from"] == "file name"


def test_rss_2_entries_are_articles_with_the_feed_as_source():
    records = list(read_path(str(WEB / "guardian-world.rss")))
    first, second = [r for r in records if isinstance(r, Article)]
    assert first.title == "Russia-Ukraine war: Kyiv receives first Patriot missile systems"
    assert first.source == "The Guardian"  # the feed's, though the text quotes Xinhua
    assert first.date == dt.date(2023, 4, 21) and first.authors == ("Peter Beaumont",)
    assert first.url.endswith("/2023/apr/21/russia-ukraine-war-kyiv-patriot-missile-systems")
    assert first.body.endswith("would change nothing.")  # no "Continue reading..."
    assert "\u201cfor as long as it takes\u201d" in second.body
    assert [(p.line, p.reason) for p in records if isinstance(p, Problem)] == [
        (3, "feed entry without title or text")]


def test_atom_entries_keep_their_own_day_and_drop_scripts():
    drones, visit = articles(WEB / "kyiv-independent.atom")
    assert drones.date == dt.date(2023, 7, 19)  # 06:30+03:00, not the UTC day before
    assert drones.source == "Kyiv Independent" and drones.authors == ("Olena Petrenko",)
    assert "track()" not in drones.body and "Shahed" in drones.body
    assert visit.date == dt.date(2023, 7, 18) and visit.extra["date from"] == "the feed's updated date"


def test_a_file_that_is_no_feed_is_reported(tmp_path):
    [problem] = problems(write(tmp_path / "sitemap.xml", "<urlset><url><loc>x</loc></url></urlset>"))
    assert problem.reason.startswith("no RSS or Atom entries")


def _warc(path: pathlib.Path) -> None:
    """A crawl as a crawler writes it: warcinfo, request/response pairs, an image, a
    redirect, a page without a date of its own."""
    pages = [("https://www.reuters.com/world/europe/ukraine-air-defence-2023-04-21/",
              (WEB / "reuters-og-jsonld.html").read_bytes(), "text/html; charset=utf-8", "200 OK"),
             ("https://kyivindependent.com/2023/07/19/drones-strike-odesa/",
              (WEB / "byline-time.htm").read_bytes(), "text/html", "200 OK"),
             ("https://example.org/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(200), "image/png", "200 OK"),
             ("https://example.org/moved", b"", "text/html", "301 Moved Permanently"),
             ("https://example.org/undated-page", b"<html><head><title>Grain deal ends</title></head><body>"
              b"<p>" + b"Moscow quit the Black Sea grain deal, officials said on Monday in Istanbul. " * 4 +
              b"</p></body></html>", "text/html", "200 OK")]
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        writer.write_record(writer.create_warcinfo_record("crawl.warc.gz", {"software": "test"}))
        for url, payload, content_type, status in pages:
            get = f"GET {url} HTTP/1.1\r\n\r\n".encode()
            request = writer.create_warc_record(url, "request", payload=io.BytesIO(get), length=len(get))
            writer.write_record(request)
            headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                url, "response", payload=io.BytesIO(payload), length=len(payload), http_headers=headers,
                warc_headers_dict={"WARC-Date": "2023-08-01T12:00:00Z"}))


def test_a_warc_crawl_indexes_its_html_pages_and_reports_the_rest(tmp_path):
    path = tmp_path / "crawl.warc.gz"
    _warc(path)
    records = list(read_path(str(path)))
    pages = [r for r in records if isinstance(r, Article)]
    assert [p.url for p in pages] == [
        "https://www.reuters.com/world/europe/ukraine-air-defence-2023-04-21/",
        "https://kyivindependent.com/2023/07/19/drones-strike-odesa/",
        "https://example.org/undated-page"]
    reuters, kyiv, undated = pages
    assert reuters.source == "Reuters" and reuters.date == dt.date(2023, 4, 21)
    assert kyiv.date == dt.date(2023, 7, 19) and kyiv.title == "Drones strike Odesa port overnight"
    assert undated.date == dt.date(2023, 8, 1) and undated.extra["date from"] == "crawl date"
    [note] = [r for r in records if isinstance(r, Problem)]
    assert not note.skipped and note.reason == ("2 responses are not HTML pages, not indexed: "
                                                "1 image/png, 1 HTTP 301")


def test_web_formats_index_with_stable_ids_and_incrementally(tmp_path, runner):
    folder = tmp_path / "archive"
    shutil.copytree(WEB, folder / "pages")
    (folder / "crawls").mkdir()
    _warc(folder / "crawls" / "crawl.warc.gz")
    index = str(tmp_path / "ix")
    first = runner.invoke(main, ["index", str(folder), "--index", index])
    assert first.exit_code == 3, first.output  # the empty RSS item is reported
    # The crawl's Reuters page is the saved one: same content, same id, indexed once.
    assert "Indexed 8 new articles from 5 files" in first.output
    assert "1 articles appeared more than once in the input (same id): indexed once." in first.output
    assert SearchEngine(index).search(SearchRequest(text="\"beautiful Ukrainian sky\"")).total == 1
    again = runner.invoke(main, ["index", str(folder), "--index", index])
    assert "Indexed 0 new articles from 0 files" in again.output
    assert "5 files unchanged" in again.output
    engine = SearchEngine(index)
    ids = {h.id for h in engine.search(SearchRequest(per_page=50)).hits}
    rebuilt = runner.invoke(main, ["index", str(folder), "--index", index, "--rebuild"])
    assert rebuilt.exit_code == 3
    assert {h.id for h in SearchEngine(index).search(SearchRequest(per_page=50)).hits} == ids


def test_the_collection_is_the_folder_under_the_indexed_root(tmp_path, runner):
    for name, folder in (("095.txt", "sport"), ("001.txt", "politics"), ("top.txt", "")):
        write(tmp_path / "bbc" / folder / name, f"Headline of {name} here\n\nBody text of {name} in {folder}.\n")
    index = str(tmp_path / "ix")
    assert runner.invoke(main, ["index", str(tmp_path / "bbc"), "--index", index]).exit_code == 0
    result = runner.invoke(main, ["query", "--collection", "sport", "--json", "--index", index])
    data = json.loads(result.output)
    assert [h["title"] for h in data["hits"]] == ["Headline of 095.txt here"]
    assert {v["value"] for v in data["facets"]["collection"]} == {"bbc", "politics", "sport"}
    shown = runner.invoke(main, ["show", data["hits"][0]["id"], "--index", index]).output
    assert "collection:    sport" in shown
    write(tmp_path / "more" / "x.txt", "Another headline for tests\n\nMore body text.\n")
    named = runner.invoke(main, ["index", str(tmp_path / "more"), "--collection", "Project X",
                                 "--index", index])
    assert named.exit_code == 0
    only = SearchEngine(index).search(SearchRequest(collections=("Project X",)))
    assert [h.title for h in only.hits] == ["Another headline for tests"]


def test_dates_in_urls_and_file_names():
    assert date_from_url("https://www.theguardian.com/world/2022/mar/14/story") == dt.date(2022, 3, 14)
    assert date_from_url("https://site.com/2022/03/14/slug") == dt.date(2022, 3, 14)
    assert date_from_url("https://site.com/news/20220314/a.html") == dt.date(2022, 3, 14)
    assert date_from_url("https://site.com/article/123456789") is None
    assert date_from_name("/a/20220125T090000Z_GB_en_7d015e6984.txt") == dt.date(2022, 1, 25)
    assert date_from_name("/2022/03/14/7d015e20220125aa.txt") is None  # inside a hash; folders are not read
    assert date_from_name("bbc_2021-11-20.txt") == dt.date(2021, 11, 20)


def test_a_jsonl_record_without_a_date_takes_its_urls(tmp_path):
    path = write(tmp_path / "a.jsonl", json.dumps({"title": "t", "body": "b",
                                                   "url": "https://x.com/2022/03/14/t"}) + "\n")
    [article] = articles(path)
    assert article.date == dt.date(2022, 3, 14) and article.extra["date from"] == "URL"


def test_text_pages_take_the_date_in_their_file_name_not_a_guess(tmp_path):
    path = write(tmp_path / "20220125T090000Z_GB_en_7d015e6984.txt",
                 "Headline about drones over Kyiv\n\nDrones flew over Kyiv on Tuesday.\n")
    [article] = articles(path)
    assert article.date == dt.date(2022, 1, 25) and article.extra["date from"] == "file name"
    [undated] = articles(write(tmp_path / "a1b2c3d4e5f6a7b8.txt", "Headline about drones\n\nText.\n"))
    assert undated.date is None


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_csv_delimiters_are_sniffed(tmp_path, delimiter):
    rows = [["date", "title", "text"], ["2022-03-14", "Kyiv, under fire", "Shelling; then calm"],
            ["2022-03-15", "Second", "Body | two"]]
    quote = lambda c: f'"{c}"' if any(d in c for d in ",;|\t") else c  # noqa: E731
    content = "\n".join(delimiter.join(quote(c) for c in row) for row in rows) + "\n"
    found = articles(write(tmp_path / "export.csv", content))
    assert [(a.title, a.body) for a in found] == [("Kyiv, under fire", "Shelling; then calm"),
                                                   ("Second", "Body | two")]


def test_sniffing_is_not_fooled_by_commas_in_text():
    head = 'title;body\n"Hello, world";"a, b, c, d"\nSecond;"x, y"\n'
    assert sniff_delimiter(head, ",") == ";"


def test_ambiguous_numeric_dates_are_reported_or_read_in_the_given_order(tmp_path):
    content = "date,title,body\n12/03/2022,Ambiguous,b\n25/03/2022,Day first,b\n03/25/2022,Month first,b\n"
    path = write(tmp_path / "d.csv", content)
    plain = list(read_path(str(path)))
    assert [(a.title, a.date) for a in plain if isinstance(a, Article)] == [
        ("Ambiguous", None), ("Day first", dt.date(2022, 3, 25)), ("Month first", dt.date(2022, 3, 25))]
    [note] = [p for p in plain if isinstance(p, Problem)]
    assert not note.skipped and note.line == 2 and "--dayfirst or --monthfirst" in note.reason
    dayfirst = articles(path, ReadOptions(date_order="dayfirst"))
    assert dayfirst[0].date == dt.date(2022, 3, 12)
    assert articles(path, ReadOptions(date_order="monthfirst"))[0].date == dt.date(2022, 12, 3)
    assert parse_numeric_date("12/12/2022") == (dt.date(2022, 12, 12), False)


def test_the_cli_reads_day_first_dates(tmp_path, runner):
    path = write(tmp_path / "d.csv", "date,title,body\n12/03/2022,Ambiguous,text\n")
    index = str(tmp_path / "ix")
    done = runner.invoke(main, ["index", str(path), "--dayfirst", "--index", index])
    assert done.exit_code == 0 and "Read with" not in done.output
    [hit] = SearchEngine(index).search(SearchRequest()).hits
    assert hit.date == "2022-03-12"


def test_titles_lose_the_site_name_in_general():
    assert clean_title("Ukraine gets Patriots | Reuters", "Reuters") == "Ukraine gets Patriots"
    assert clean_title("BBC News - Ukraine gets Patriots", "", "www.bbc.co.uk") == "Ukraine gets Patriots"
    assert clean_title("Drones hit Odesa \u2013 The Kyiv Independent", "", "kyivindependent.com") == \
        "Drones hit Odesa"
    assert clean_title("Russia-Ukraine war: Kyiv receives Patriots", "The Guardian") == \
        "Russia-Ukraine war: Kyiv receives Patriots"


def test_a_source_is_never_taken_from_a_quotation():
    assert source_from_text("Vladimir Putin told Xinhua in an interview that talks were possible.") is None
    assert source_from_text("KYIV (Reuters) - Ukraine said on Friday that Putin told Xinhua ...") == "Reuters"
    assert source_from_text("KYIV, April 21 (Reuters) - Ukraine said ...") == "Reuters"
    assert source_from_text("The ministry said, according to AFP\n\nMore text.") is None
    assert source_from_text("Moscow said (AFP) it would respond, the BBC has been told.") is None
    assert source_from_text("Soldiers fire British-supplied artillery AFP\n\nText.") == "AFP"  # caption


def test_text_page_boilerplate_is_not_the_title_nor_the_body(tmp_path):
    page = ("NEW You can now listen to Fox News articles!\n\n"
            "Zelenskyy visits troops near Bakhmut\n\n"
            "UKRAINE LATEST\n\n"
            "Ukrainian President Volodymyr Zelenskyy visited front-line positions near Bakhmut "
            "on Tuesday, his office said, as fighting continued in the east.\n\n"
            "The rest of the text is under the video\n\nExpand\n\n"
            "He handed out medals to soldiers of the 93rd brigade.\n")
    [article] = articles(write(tmp_path / "fox.txt", page))
    assert article.title == "Zelenskyy visits troops near Bakhmut"
    for furniture in ("listen to Fox", "UKRAINE LATEST", "under the video", "Expand"):
        assert furniture not in article.body
    [rugby] = articles(write(tmp_path / "rugby.txt", "Saturday 20 November\n\nEngland face South Africa "
                             "at Twickenham on Saturday in the autumn series finale.\n"))
    assert rugby.title.startswith("England face South Africa")


def test_a_headline_sharing_no_word_with_the_body_is_kept(tmp_path):
    [article] = articles(write(tmp_path / "095.txt", "Man Utd stroll to Cup win\n\nManchester United "
                               "beat Exeter 2-0 in their FA Cup third round replay on Wednesday.\n"))
    assert article.title == "Man Utd stroll to Cup win"


def test_gzipped_web_formats_are_read(tmp_path):
    path = tmp_path / "feed.rss.gz"
    path.write_bytes(gzip.compress((WEB / "guardian-world.rss").read_bytes()))
    assert len(articles(path)) == 2


def test_the_api_and_web_ui_filter_by_collection(tmp_path):
    from web import create_app

    for name, folder in (("a.txt", "sport"), ("b.txt", "politics")):
        write(tmp_path / "bbc" / folder / name, f"Headline of {folder} story\n\nBody text about {folder}.\n")
    from search.backends.embedded.indexer import index_paths
    index_paths([str(tmp_path / "bbc")], str(tmp_path / "ix"), workers=1)
    client = create_app({"SEARCH_INDEX": str(tmp_path / "ix"), "TESTING": True}).test_client()
    body = client.get("/api/search?collection=sport").get_json()
    assert [h["title"] for h in body["hits"]] == ["Headline of sport story"]
    assert {v["value"]: v["count"] for v in body["facets"]["collection"]} == {"sport": 1, "politics": 1}
    page = " ".join(re.sub(r"<[^>]+>", " ", client.get("/?collection=politics").get_data(as_text=True)).split())
    assert "Headline of politics story" in page and "Headline of sport story" not in page
    assert "Collections" in page


def test_lines_a_site_repeats_on_every_page_are_furniture(tmp_path):
    stories = [("Kremlin warns over tank deliveries", "Moscow said on Thursday that Western tanks would burn."),
               ("Ukraine downs drones over Kyiv", "Air defences shot down 20 drones overnight, officials said."),
               ("Wagner fighters leave Bakhmut", "Russian mercenaries began to pull back from the city on Friday."),
               ("Grain deal talks resume in Istanbul", "Negotiators met again on Monday to discuss exports.")]
    for i, (headline, text) in enumerate(stories):
        write(tmp_path / "fox" / f"{i}.txt",
              f"Get the best of our reporting in your inbox each morning\n\n{headline}\n\n{text}\n\n"
              f"It was the story number {i} this week.\n\nWatch the latest Ukraine war video coverage here\n")
    found = sorted((a for p in sorted((tmp_path / "fox").iterdir()) for a in articles(p)), key=lambda a: a.title)
    assert [a.title for a in found] == sorted(h for h, _ in stories)
    for article in found:
        assert "inbox each morning" not in article.body and "video coverage" not in article.body
        assert article.body.startswith(next(t for h, t in stories if h == article.title))
    # Two pages are not a template: the same lines stay (the first is not a headline).
    for i in range(2):
        write(tmp_path / "two" / f"{i}.txt", f"Get the best of our reporting in your inbox each morning\n\n"
              f"{stories[i][0]}\n\n{stories[i][1]}\n")
    assert all("inbox each morning" in a.title + a.body for a in articles(tmp_path / "two" / "0.txt"))


def test_a_folder_named_after_an_outlet_is_the_source(tmp_path, runner):
    write(tmp_path / "archive" / "bbc" / "world" / "001.txt",
          "Belarus hosts Russian troops\n\nMINSK (AFP) - Belarus said, according to Reuters, that drills "
          "would continue.\n")
    write(tmp_path / "archive" / "reuters" / "wire.jsonl",
          json.dumps({"title": "No source column", "body": "text"}) + "\n" +
          json.dumps({"title": "Own source", "body": "text", "source": "AP"}) + "\n")
    write(tmp_path / "archive" / "misc" / "x.txt", "Unrelated headline here\n\nNo credit at all.\n")
    index = str(tmp_path / "ix")
    assert runner.invoke(main, ["index", str(tmp_path / "archive"), "--index", index]).exit_code == 0
    hits = {h.title: h.source for h in SearchEngine(index).search(SearchRequest(per_page=10)).hits}
    assert hits == {"Belarus hosts Russian troops": "BBC", "No source column": "Reuters",
                    "Own source": "AP", "Unrelated headline here": "unknown"}
