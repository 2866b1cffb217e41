"""The wheel is complete: built as ``pip install .`` builds it, installed apart from the
repository, it renders every kind of page (the templates were once left out of it, and
every HTML page of an installed copy was a 500)."""

from __future__ import annotations

import glob
import os
import subprocess
import sys
import textwrap

from tests.conftest import ROOT

RENDER = textwrap.dedent("""
    import sys, web
    assert web.__file__.startswith(sys.argv[2]), web.__file__  # the installed copy, not the repo
    from web import create_app
    client = create_app({"SEARCH_INDEX": sys.argv[1], "TESTING": True}).test_client()
    for url, status, text in [("/", 200, b"<form"), ("/?q=patriot", 200, b'class="hit-title"'),
                              ("/no-such-page", 404, b"Page not found"),
                              ("/static/app.css", 200, b"{"), ("/api/search?q=patriot", 200, b'"total"')]:
        response = client.get(url)
        assert response.status_code == status and text in response.data, (url, response.status_code)
        response.close()
    print("rendered")
""")


def test_the_installed_wheel_renders_pages(tmp_path, seed_index):
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", str(ROOT), "--no-deps", "-w", str(tmp_path / "dist")],
                   check=True, capture_output=True, timeout=300)
    (wheel,) = glob.glob(str(tmp_path / "dist" / "news_search-*.whl"))
    site = tmp_path / "site"
    subprocess.run([*pip, "install", "--no-deps", "--target", str(site), wheel],
                   check=True, capture_output=True, timeout=300)
    assert sorted(os.listdir(site / "web" / "templates")) == sorted(os.listdir(ROOT / "templates"))
    done = subprocess.run([sys.executable, "-c", RENDER, seed_index, str(site)], cwd=tmp_path,
                          env={**os.environ, "PYTHONPATH": str(site)}, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0 and "rendered" in done.stdout, done.stderr[-2000:]
