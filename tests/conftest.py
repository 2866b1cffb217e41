"""Shared fixtures: a real index over seeds/ (built once per session) and the CLI runner."""

from __future__ import annotations

import pathlib

import pytest
from click.testing import CliRunner

from search.cli import main
from search.engine import SearchEngine
from search.backends.embedded.indexer import index_paths

ROOT = pathlib.Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory) -> str:
    """An index folder over the five seed articles (read-only for tests)."""
    path = str(tmp_path_factory.mktemp("seed-index") / "index")
    report = index_paths([str(SEEDS)], path, workers=1)
    assert report.added == 5 and report.clean
    return path


@pytest.fixture(scope="session")
def engine(seed_index) -> SearchEngine:
    return SearchEngine(seed_index)


@pytest.fixture(scope="session")
def web_corpus(tmp_path_factory) -> str:
    """The web tests' corpus (tests/webcorpus.py), written once: read-only for tests."""
    from tests.webcorpus import build_corpus

    return build_corpus(str(tmp_path_factory.mktemp("web-corpus") / "corpus"))


@pytest.fixture(scope="session")
def web_engine(web_corpus, tmp_path_factory) -> SearchEngine:
    """The embedded engine over ``web_corpus``: what the cluster's answers are compared with."""
    from search.backends.embedded.indexer import index_paths

    index_dir = str(tmp_path_factory.mktemp("web-index") / "index")
    assert index_paths([web_corpus], index_dir, workers=1).clean
    return SearchEngine(index_dir)


@pytest.fixture
def runner(monkeypatch) -> CliRunner:
    monkeypatch.delenv("SEARCH_INDEX", raising=False)
    return CliRunner()


@pytest.fixture
def cli(runner, seed_index):
    """Run `search ARGS... --index <seed index>` in-process; returns the click Result."""
    def run(*args: str, index: str | None = None):
        return runner.invoke(main, [*args, "--index", index or seed_index], catch_exceptions=False)
    return run


def write(path: pathlib.Path, content: str | bytes) -> pathlib.Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path




CLUSTER_SCRIPT = ROOT / "scripts" / "opensearch-cluster.sh"


@pytest.fixture(scope="session")
def opensearch_url() -> str:
    """A real 2-node OpenSearch cluster (``scripts/opensearch-cluster.sh``), started once per
    session (first run: fetched from Maven Central into a cache outside the repo), as
    ``http://HOST:PORT,HOST:PORT+1``: both nodes, so that a client moves to the other while
    one restarts (``test_failover.py`` restarts node 1). Several test sessions may share the
    cluster: each holds a lease (a file named by its pid) while it runs, and the session that
    started the cluster stops it at its end only if no other live session holds one."""
    import os
    import shutil
    import subprocess
    import tempfile

    if shutil.which("java") is None:
        pytest.skip("Java is not installed: the OpenSearch backend tests need Java 17 "
                    "(apt-get install openjdk-17-jre-headless)")
    script = str(CLUSTER_SCRIPT)
    url = subprocess.run([script, "url"], capture_output=True, text=True, check=True).stdout.strip()
    host, port = url.removeprefix("http://").split(":")
    leases = pathlib.Path(tempfile.gettempdir()) / f"news-search-opensearch-{port}.leases"
    leases.mkdir(exist_ok=True)
    mine = leases / str(os.getpid())
    mine.touch()
    was_running = subprocess.run([script, "status"], capture_output=True).returncode == 0
    started = subprocess.run([script, "start"], capture_output=True, text=True)
    assert started.returncode == 0, started.stderr
    yield f"{url},{host}:{int(port) + 1}"
    mine.unlink(missing_ok=True)
    if not was_running and not any(_alive(int(p.name)) for p in leases.iterdir() if p.name.isdigit()):
        subprocess.run([script, "stop"], capture_output=True)


def _alive(pid: int) -> bool:
    import os

    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
