"""A small corpus for the web tests: the seeds, 40 synthetic articles spread over 16 months
and 5 sources (enough for paging and the timeline), and one hostile article whose title,
body and URL try to inject HTML and script."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import threading

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEEDS = os.path.join(REPO, "seeds")

SOURCES = ("Reuters", "AP", "AFP", "BBC", "The Guardian")
PEOPLE = ("Lloyd Austin", "Jens Stoltenberg", "Volodymyr Zelensky", "Dmytro Kuleba")
SYSTEMS = ("HIMARS", "Patriot", "Leopard 2", "Bayraktar TB2", "Javelin")
PLACES = ("Kyiv", "Kharkiv", "Odesa", "Lviv")
TOPICS = ("air defence", "artillery", "tanks", "drones", "aid")

HOSTILE_TITLE = '<script>alert(1)</script> "><img src=x onerror=alert(1)> Hostile headline'
HOSTILE_BODY = ('Intro <script>alert(1)</script> text. Then "><img src=x onerror=alert(1)> '
                "and more. Lloyd Austin spoke about HIMARS in Kyiv. ' onmouseover='alert(1)")
HOSTILE_URL = "javascript:alert(1)"
HOSTILE_AUTHOR = '<b onmouseover=alert(1)>Mallory</b>'


def synthetic_articles(count: int = 40) -> list[dict]:
    articles = []
    start = dt.date(2022, 2, 3)
    for i in range(count):
        date = start + dt.timedelta(days=12 * i)  # 40 articles over about 16 months
        person = PEOPLE[i % len(PEOPLE)]
        system = SYSTEMS[i % len(SYSTEMS)]
        place = PLACES[i % len(PLACES)]
        topic = TOPICS[i % len(TOPICS)]
        source = SOURCES[i % len(SOURCES)]
        title = f"{person} discusses {system} deliveries and {topic} (report {i + 1})"
        body = (f"{place.upper()} - {person} said on {date:%A} that the {system} deliveries to "
                f"Ukraine would continue, speaking about {topic} in {place}.\n\n"
                f"Officials at NATO said the {system} had changed the situation near {place}. "
                f"\"We will keep supporting Ukraine,\" {person} said.\n\n"
                f"Report number {i + 1} on weapons shipments and {topic}.")
        articles.append({"id": f"synthetic-{i + 1:02d}", "title": title, "body": body,
                         "date": date.isoformat(), "source": source,
                         "url": f"https://example.org/news/{i + 1}", "author": "Test Desk"})
    return articles


def hostile_article() -> dict:
    return {"id": "hostile-1", "title": HOSTILE_TITLE, "body": HOSTILE_BODY,
            "date": "2022-06-15", "source": "Reuters", "url": HOSTILE_URL,
            "author": HOSTILE_AUTHOR}


def build_corpus(folder: str) -> str:
    """Write the corpus into ``folder`` (seeds copied, synthetic JSONL); returns the folder."""
    os.makedirs(folder, exist_ok=True)
    shutil.copytree(SEEDS, os.path.join(folder, "seeds"), dirs_exist_ok=True)
    with open(os.path.join(folder, "synthetic.jsonl"), "w", encoding="utf-8") as f:
        for article in synthetic_articles() + [hostile_article()]:
            f.write(json.dumps(article) + "\n")
    return folder


def build_index(tmp: str) -> str:
    from search.backends.embedded.indexer import index_paths

    corpus = build_corpus(os.path.join(tmp, "corpus"))
    index_dir = os.path.join(tmp, "index")
    report = index_paths([corpus], index_dir, rebuild=True, workers=1)
    assert report.clean, report.problems
    return index_dir


@contextlib.contextmanager
def served(app):
    """``app`` served by waitress on a free loopback port in a thread (as ``search serve``
    serves it); yields its base URL, and stops it afterwards."""
    from waitress import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.close()
        thread.join(timeout=5)
