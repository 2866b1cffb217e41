"""Stable article ids: the same content always gets the same id, so re-indexing the same
files adds nothing twice, and an edited article gets a new id."""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..models import Article

_SPACE_RE = re.compile(r"\s+")


def _normal(text: str) -> str:
    return _SPACE_RE.sub(" ", text).strip().casefold()


def article_id(article: "Article") -> str:
    """An id the input gave us (JSON ``id``), else 16 hex digits of a content hash."""
    if article.key:
        return article.key
    date = article.date.isoformat() if article.date else ""
    content = "\x1f".join((_normal(article.title), _normal(article.body), date, article.source))
    return hashlib.sha1(content.encode("utf-8")).hexdigest()[:16]
