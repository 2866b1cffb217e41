"""axe-core for the browser tests: a pinned release from the npm registry, fetched once with
``npm pack`` into a cache folder (``$AXE_CACHE`` or ~/.cache/news-search), checked against
the registry's published integrity hash, then injected into pages by Playwright."""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
import tarfile
import tempfile

AXE_VERSION = "4.11.0"
AXE_INTEGRITY = ("sha512-ilYanEU8vxxBexpJd8cWM4ElSQq4QctCLKih0TSfjIfCQTeyH/6zVrmIJfLPrKTKJRbiG+"
                 "cfnZbQIjAlJmF1jQ==")
CACHE = os.environ.get("AXE_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "news-search")


def _verify(tarball: str) -> None:
    algorithm, _, expected = AXE_INTEGRITY.partition("-")
    with open(tarball, "rb") as f:
        digest = hashlib.new(algorithm, f.read()).digest()
    if base64.b64encode(digest).decode() != expected:
        raise RuntimeError(f"{tarball} does not match axe-core {AXE_VERSION}'s published integrity hash")


def axe_source() -> str:
    """The text of axe.min.js, fetched from the npm registry on first use."""
    target = os.path.join(CACHE, f"axe-core-{AXE_VERSION}.min.js")
    if not os.path.exists(target):
        os.makedirs(CACHE, exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(["npm", "pack", f"axe-core@{AXE_VERSION}", "--silent",
                            "--pack-destination", tmp], check=True, capture_output=True, timeout=120)
            tarball = os.path.join(tmp, f"axe-core-{AXE_VERSION}.tgz")
            _verify(tarball)
            with tarfile.open(tarball) as archive:
                member = archive.extractfile("package/axe.min.js")
                data = member.read() if member else b""
            with open(target + ".part", "wb") as out:
                out.write(data)
            os.replace(target + ".part", target)
    with open(target, encoding="utf-8") as f:
        return f.read()


def violations(page) -> list[dict]:
    """axe's violations on the current page (WCAG 2.x A and AA rules, best practices)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())  # evaluated by the driver: the page's CSP does not apply
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': ' + n.failureSummary)}));
    }""")
    return result
