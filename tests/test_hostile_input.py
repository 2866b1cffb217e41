"""Hostile and broken input files, through the real ``search index`` command: deep JSON,
gzip bombs, huge lines and articles, files that are not UTF-8. Each is reported (with file
and line) and the rest of the run is indexed; memory stays bounded (checked with an
address-space limit on the real CLI process)."""

from __future__ import annotations

import gzip
import json
import os
import resource
import subprocess
import sys
import zlib

from search.engine import SearchEngine
from search.ingest.formats import Problem, read_path
from search.models import Article, SearchRequest

from .conftest import write

SEARCH = os.path.join(os.path.dirname(sys.executable), "search")
MEMORY_LIMIT = 400 << 20  # indexing the seeds needs under 200 MB of address space


def index(*args: str, memory: int = MEMORY_LIMIT) -> subprocess.CompletedProcess:
    """``search index ARGS`` in a child process whose address space is capped."""
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    return subprocess.run([SEARCH, "index", *args, "--workers", "1"], preexec_fn=cap,
                          capture_output=True, text=True, timeout=120)


def titles(index_dir) -> set[str]:
    results = SearchEngine(str(index_dir)).search(SearchRequest(per_page=100))
    return {h.title for h in results.hits}


def test_deeply_nested_json_is_reported_and_the_rest_indexed(tmp_path):
    lines = [json.dumps({"title": "first", "body": "kept"})]
    for depth in (40, 500, 999, 100_000):
        lines.append('{"title": "deep", "body": ' + "[" * depth + '"x"' + "]" * depth + "}")
    lines.append('{"title": "deep object", "body": "x", "meta": ' + '{"a": ' * 900 + "1" + "}" * 900 + "}")
    lines.append(json.dumps({"title": "last", "body": "kept too"}))
    path = write(tmp_path / "deep.jsonl", "\n".join(lines) + "\n")
    done = index(str(path), "--index", str(tmp_path / "ix"))
    assert done.returncode == 3, done.stderr
    assert "Traceback" not in done.stderr
    for line in range(2, 7):
        assert f"deep.jsonl:{line}: JSON nested" in done.stdout
    assert titles(tmp_path / "ix") == {"first", "last"}


def _gzip_stream(path, chunk: bytes, count: int) -> None:
    packer = zlib.compressobj(1, zlib.DEFLATED, 31)
    with open(path, "wb") as f:
        for _ in range(count):
            f.write(packer.compress(chunk))
        f.write(packer.flush())


def test_a_gzip_bomb_page_is_read_only_up_to_the_limit(tmp_path):
    bomb = tmp_path / "in" / "bomb.txt.gz"
    bomb.parent.mkdir()
    _gzip_stream(bomb, b"Missiles hit the city again today. " * 30_000, 100)  # 105 MB unpacked
    assert bomb.stat().st_size < 2_000_000
    write(tmp_path / "in" / "small.txt", "Small page\n\nA short article about drones over Kyiv.\n")
    done = index(str(bomb.parent), "--index", str(tmp_path / "ix"), "--max-article-chars", "2000")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "only the first 1 MB were read" in done.stdout
    assert "cut to 2,000 (--max-article-chars)" in done.stdout
    [bombed] = [h for h in SearchEngine(str(tmp_path / "ix")).search(
        SearchRequest(text="missiles")).hits]
    assert len(SearchEngine(str(tmp_path / "ix")).article(bombed.id).body) <= 2_000


def test_a_huge_line_is_skipped_without_holding_it(tmp_path):
    path = tmp_path / "long.jsonl"
    with open(path, "w") as f:
        f.write(json.dumps({"title": "before", "body": "fine"}) + "\n")
        f.write('{"title": "huge", "body": "' + "word " * 20_000_000 + '"}\n')  # 100 MB
        f.write(json.dumps({"title": "after", "body": "fine too"}) + "\n")
    done = index(str(path), "--index", str(tmp_path / "ix"), "--max-article-chars", "20000",
                 memory=250 << 20)
    assert done.returncode == 3, done.stdout + done.stderr
    assert "long.jsonl:2: line longer than 1 MB: skipped" in done.stdout
    assert titles(tmp_path / "ix") == {"before", "after"}


def test_a_long_article_is_cut_at_a_paragraph_and_reported(tmp_path):
    body = "\n\n".join(f"Paragraph {i} on artillery." for i in range(3000))
    path = write(tmp_path / "one.jsonl", json.dumps({"title": "long", "body": body}) + "\n")
    records = list(read_path(str(path), _options(max_article_chars=10_000)))
    [article] = [r for r in records if isinstance(r, Article)]
    [note] = [r for r in records if isinstance(r, Problem)]
    assert not note.skipped and note.line == 1 and "cut to 10,000" in note.reason
    assert 8_000 < len(article.body) <= 10_000 and article.body.endswith("on artillery.")


def test_the_unpacked_size_of_a_file_is_limited(tmp_path):
    path = tmp_path / "many.jsonl.gz"
    rows = "".join(json.dumps({"title": f"t{i}", "body": "short", "padding": "x" * 20_000}) + "\n"
                   for i in range(150))  # 3 MB, of which 1 MB is read
    path.write_bytes(gzip.compress(rows.encode()))
    done = index(str(path), "--index", str(tmp_path / "ix"), "--max-file-mb", "1")
    assert done.returncode == 3
    assert "larger than 1 MB unpacked: the rest of the file was skipped" in done.stdout
    assert 45 < SearchEngine(str(tmp_path / "ix")).search(SearchRequest()).total < 55


def _options(**limits):
    from search.ingest.formats import ReadOptions
    from search.settings import IngestLimits
    return ReadOptions(limits=IngestLimits(**limits))


def test_a_cp1252_csv_is_read_whole_and_the_encoding_reported(tmp_path):
    rows = ["published,headlines,articles"] + [
        f"2022-03-{i + 1:02d},\u201cStrike {i}\u201d \u2013 caf\u00e9,Cost \u20ac{i} million \u2019says\u2019"
        for i in range(20)]
    path = write(tmp_path / "NYT_cp1252.csv", ("\r\n".join(rows) + "\r\n").encode("cp1252"))
    done = index(str(path), "--index", str(tmp_path / "ix"))
    assert done.returncode == 0, done.stdout
    assert "NYT_cp1252.csv:2: 20 lines are not valid UTF-8: read as cp1252" in done.stdout
    assert "\u201cStrike 3\u201d \u2013 caf\u00e9" in titles(tmp_path / "ix")


def test_a_latin1_page_is_read_with_a_notice(tmp_path):
    path = write(tmp_path / "199.txt", "Caf\xe9 owners in Kyiv\n\nThe caf\xe9 reopened on Monday.\n"
                 .encode("latin-1"))
    records = list(read_path(str(path)))
    [article] = [r for r in records if isinstance(r, Article)]
    [note] = [r for r in records if isinstance(r, Problem)]
    assert article.title == "Caf\u00e9 owners in Kyiv" and "caf\u00e9 reopened" in article.body
    assert not note.skipped and note.reason == "the file is not valid UTF-8: read as cp1252"


def test_a_utf8_file_with_one_bad_line_keeps_every_other_line_utf8(tmp_path):
    good = json.dumps({"title": "Zelenskyy \u2013 K\u00fcrsk", "body": "b"}, ensure_ascii=False)
    bad = '{"title": "caf\xe9", "body": "b"}'
    path = write(tmp_path / "mixed.jsonl", good.encode() + b"\n" + bad.encode("latin-1") + b"\n")
    records = list(read_path(str(path)))
    assert [r.title for r in records if isinstance(r, Article)] == ["Zelenskyy \u2013 K\u00fcrsk", "caf\u00e9"]
    assert [(r.line, r.reason) for r in records if isinstance(r, Problem)] == [
        (2, "1 lines are not valid UTF-8: read as cp1252")]


def test_markup_bombs_in_pages_and_feeds_are_bounded(tmp_path):
    deep = write(tmp_path / "deep.html", "<html><body>" + "<div>" * 20_000 + "<p>Deep text about drones "
                 "over Kyiv today, officials said on Monday.</p>" + "</div>" * 20_000 + "</body></html>")
    for record in read_path(str(deep)):
        assert isinstance(record, (Article, Problem))
    entities = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 9))
    laughs = write(tmp_path / "laughs.rss", f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY l0 "lol">{entities}]>'
                   '<rss version="2.0"><channel><title>&l8;</title><item><title>a</title>'
                   "<description>b</description></item></channel></rss>")
    [article] = [r for r in read_path(str(laughs)) if isinstance(r, Article)]
    assert len(article.source) < 1000  # the entity was not expanded 10^8 times


def test_a_long_run_of_capitals_does_not_stall_reading_the_source(tmp_path):
    """A credit line's pattern ("KYIV (AA) -") and a byline's ("By Jane Doe") once tried
    every way of splitting a run of capitals among their words: 100 "A"s took 27 s and 2 s,
    a base64 blob forever."""
    folder = tmp_path / "in"
    blob = "iVBORw0KGgoAAAANSUhEUgAA" + "AAAA" * 50_000
    write(folder / "caps.txt", "Caps page\n\nBy " + "A" * 5_000 + "!\n\n" + "A" * 300_000
          + "\n\nDrones over Kyiv.\n")
    write(folder / "blob.jsonl", json.dumps({"title": "blob", "body": f"Image data {blob} ends here."}) + "\n")
    done = index(str(folder), "--index", str(tmp_path / "ix"))
    assert done.returncode == 0, done.stdout + done.stderr
    found = titles(tmp_path / "ix")
    assert len(found) == 2 and "blob" in found


def test_an_article_that_is_one_long_word_is_listed_and_searched(tmp_path):
    """Its lead passage is cut inside the word (the search for a space to cut at ran past
    the text: every page listing it answered 500)."""
    from web import create_app

    path = write(tmp_path / "word.jsonl", json.dumps({"title": "one word", "body": "A" * 300_000}) + "\n"
                 + json.dumps({"title": "Patriot", "body": "Patriot systems arrived."}) + "\n")
    assert index(str(path), "--index", str(tmp_path / "ix")).returncode == 0
    client = create_app({"SEARCH_INDEX": str(tmp_path / "ix"), "TESTING": True}).test_client()
    for url in ("/", "/search?q=(((", "/api/search", "/api/search?q=AAAA"):
        assert client.get(url).status_code == 200, url
