"""One error tree. Every error a user can cause is a :class:`SearchError` whose message
says what to do; the CLI and the web app translate it at the edge."""

from __future__ import annotations


class SearchError(Exception):
    """Base class of every error the user can cause or fix."""


class IndexNotFoundError(SearchError):
    """There is no index where we were told to look."""


class IndexLockedError(SearchError):
    """Another process is writing the index."""


class InvalidQueryError(SearchError):
    """The query text cannot be parsed; ``position`` is the 0-based offset of the problem."""

    def __init__(self, message: str, query: str = "", position: int | None = None):
        super().__init__(message)
        self.query = query
        self.position = position

    def pointer(self) -> str:
        """The query with a caret under the problem, for terminals."""
        if self.position is None:
            return ""
        return f"  {self.query}\n  {' ' * self.position}^"


class InvalidParameterError(SearchError):
    """A filter, date, page or sort value is not acceptable."""


class ArticleNotFoundError(SearchError):
    """No article has that id."""


class IngestError(SearchError):
    """A path given to ``search index`` cannot be used at all."""


class QueryTimeoutError(SearchError):
    """A search needed more than its time budget (``search.settings.Limits.time_budget``)."""
