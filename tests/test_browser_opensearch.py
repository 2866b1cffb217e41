"""The browser tests of ``test_browser.py``, run again with the app over the OpenSearch
backend (the same corpus loaded into the 2-node test cluster): the web UI must behave the
same on either backend. Only the served app differs; the tests are the same functions."""

from __future__ import annotations

import uuid

import pytest

import tests.test_browser as browser_tests
from search.backends.opensearch.connection import parse_address
from search.backends.opensearch.engine import OpenSearchEngine
from search.backends.opensearch.loader import index_into_cluster
from tests.webcorpus import build_corpus, served

pytestmark = [pytest.mark.browser, pytest.mark.opensearch]

browser = browser_tests.browser
page = browser_tests.page
globals().update({name: getattr(browser_tests, name) for name in dir(browser_tests)
                  if name.startswith("test_")})


@pytest.fixture(scope="module")
def base_url(opensearch_url, tmp_path_factory):
    from web import create_app

    corpus = build_corpus(str(tmp_path_factory.mktemp("browser-os") / "corpus"))
    spec = f"{opensearch_url.replace('http://', 'opensearch://')}/browser-{uuid.uuid4().hex[:8]}"
    assert index_into_cluster([corpus], parse_address(spec), workers=1).clean
    app = create_app({"SEARCH_BACKEND": spec, "TIME_BUDGET": 30})  # (a loaded CI machine: answers, not timing)
    with served(app) as url:
        yield url
    engine = OpenSearchEngine(spec)
    engine.client.indices.delete(index=engine.index)
    engine.close()
