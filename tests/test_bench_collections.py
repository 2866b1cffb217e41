"""The relevance loaders (bench/collections.py) on tiny copies of each collection's format,
quirks included; the real collections are read only by ``python -m bench.ir``."""

from __future__ import annotations

import csv
import gzip
import io
import os
import tarfile

from bench import collections as colls
from bench.metrics import randomisation_test


def _tar(path, members: dict[str, str]) -> None:
    with tarfile.open(path, "w:gz") as tar:
        for name, text in members.items():
            data = text.encode("ascii")
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def _gz(path, text: str) -> None:
    with gzip.open(path, "wt", encoding="ascii") as f:
        f.write(text)


def test_med_strips_crlf_and_padding(tmp_path):
    _tar(tmp_path / "med.tar.gz", {
        "MED.ALL": ".I 1\r\n.W\r\n the crystalline lens .   \r\n in fish.\r\n.I 2\r\n.W\r\n blood flow\r\n",
        "MED.QRY": ".I 1\r\n.W\r\n the crystalline lens in vertebrates.\r\n",
        "MED.REL": "1 0 1 1\n",
    })
    c = colls.load_med(str(tmp_path))
    assert c.docs == [{"id": "1", "title": "", "body": "the crystalline lens . in fish."},
                      {"id": "2", "title": "", "body": "blood flow"}]
    assert c.queries == {"1": "the crystalline lens in vertebrates."}
    assert c.qrels == {"1": {"1": 1}}


def test_cacm_keeps_title_abstract_keywords_and_drops_sentinel_and_notes(tmp_path):
    _tar(tmp_path / "cacm.tar.gz", {
        "cacm.all": (".I 1\n.T\nAlgebraic Language\n.W\nA report.\n.B\nCACM 1958\n.A\nPerlis, A. J.\n"
                     ".K\ncompilers\n.X\n100\t5\t1\n.I 2\n.T\nNo abstract\n.N\nCA58 JB\n"),
        "query.text": (".I 1\n.W\n What deals with TSS (Time Sharing System)?\n.N\n 1. Richard, Langmuir\n"
                       ".I 2\n.W\n articles by Pooch\n.A\nPooch, U.\n.I 0\n"),
        "qrels.text": "01 0001  0 0\n02 2 0 0\n",
    })
    c = colls.load_cacm(str(tmp_path))
    assert c.docs[0] == {"id": "1", "title": "Algebraic Language", "body": "A report. compilers"}
    assert c.docs[1] == {"id": "2", "title": "No abstract", "body": ""}
    assert c.queries == {"1": "What deals with TSS (Time Sharing System)?", "2": "articles by Pooch"}
    assert c.qrels == {"1": {"1": 1}, "2": {"2": 1}}


def test_npl_splits_on_slash_lines_and_keeps_query_case(tmp_path):
    _gz(tmp_path / "doc-text.gz", "1\ncompact memories have\nflexible capacities\n   /\n2\nan analogue computer\n   /\n\0\0")
    _gz(tmp_path / "query-text.gz", "1\nMEASUREMENT OF DIELECTRIC CONSTANT\n/\n")
    _gz(tmp_path / "rlv-ass.gz", "1\n 1239  1502\n 7923\n   /\n")
    c = colls.load_npl(str(tmp_path))
    assert [d["body"] for d in c.docs] == ["compact memories have flexible capacities", "an analogue computer"]
    assert c.queries == {"1": "MEASUREMENT OF DIELECTRIC CONSTANT"}
    assert c.qrels == {"1": {"1239": 1, "1502": 1, "7923": 1}}


def test_news_ids_count_csv_records_not_lines(tmp_path):
    columns = {"Guardians_Russia_Ukraine": ["headlines", "articles", "published"],
               "NYT_Russia_Ukraine": ["headlines", "articles", "published"],
               "guard-articles-nato": ["", "Heading", "Text", "Date Formatted"]}
    for stem, relative in colls.NEWS_FILES.items():
        os.makedirs(tmp_path / os.path.dirname(relative), exist_ok=True)
        with gzip.open(tmp_path / relative, "wt", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(columns[stem])
            prefix = ["0"] if stem == "guard-articles-nato" else []
            w.writerow(prefix + [f"{stem} one", "a body\nover two lines", "2022-03-01"])
            w.writerow((["1"] if prefix else []) + [f"{stem} two", "", "2022/03/02"])
    os.makedirs(tmp_path / "news-queries")
    (tmp_path / "news-queries" / "queries.tsv").write_text("qid\tquery\tdescription\nq01\tPatriot\tabout it\n")
    (tmp_path / "news-queries" / "qrels.txt").write_text("q01 0 NYT_Russia_Ukraine:2 2\nq01 0 x.txt 0\n")
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "x.txt").write_text("date 2023-01-05\nAustin visits Kyiv\n\nLloyd Austin met allies in Kyiv today.\n")
    c = colls.load_news(str(tmp_path), str(seeds))
    by_id = {d["id"]: d for d in c.docs}
    assert by_id["Guardians_Russia_Ukraine:1"]["body"] == "a body\nover two lines"
    assert by_id["NYT_Russia_Ukraine:2"]["title"] == "NYT_Russia_Ukraine two"
    assert by_id["NYT_Russia_Ukraine:2"]["date"] == "2022-03-02"
    assert by_id["guard-articles-nato:1"]["title"] == "guard-articles-nato one"
    assert by_id["x.txt"]["title"] == "Austin visits Kyiv" and by_id["x.txt"]["date"] == "2023-01-05"
    assert len(c.docs) == 7
    assert c.qrels == {"q01": {"NYT_Russia_Ukraine:2": 2, "x.txt": 0}}
    assert c.judged() == {"q01": "Patriot"}


def test_randomisation_test_tells_a_consistent_gain_from_noise():
    assert randomisation_test([0.5] * 30, [0.4] * 30, rounds=2000) < 0.01
    assert randomisation_test([0.5, 0.4] * 15, [0.4, 0.5] * 15, rounds=2000) > 0.5


def test_top_ten_counts_a_duplicated_text_once_when_read_by_story():
    from bench.ir import Result, _story_of, compare, relevant_in_top
    from bench.metrics import MEASURES

    docs = [{"id": "a", "title": "Fracking ban", "body": "Text one."},
            {"id": "a2", "title": "Fracking  ban", "body": "text one."},  # the same text again
            {"id": "b", "title": "Other", "body": "Text two."},
            {"id": "c", "title": "Third", "body": "Text three."}]
    collection = colls.Collection("t", docs, {"q": "fracking"}, {"q": {"a": 1, "a2": 1, "b": 2}})
    ours = Result("ours", "t", {"q": {"a": 3.0, "b": 2.0, "c": 1.0}}, {"q": dict.fromkeys(MEASURES, 1.0)})
    peer = Result("fts5", "t", {"q": {"a": 3.0, "a2": 2.5, "b": 2.0}}, {"q": dict.fromkeys(MEASURES, 1.0)})
    assert relevant_in_top(peer, collection, "q") == 3
    assert relevant_in_top(peer, collection, "q", _story_of(collection)) == 2
    fewer = compare({"ours": {"t": ours}, "fts5": {"t": peer}}, collection)["fewer_in_top10"]
    assert fewer["article"] == {"fts5": [["q", 2, 3]]}
    assert fewer["story"] == {"fts5": []}
