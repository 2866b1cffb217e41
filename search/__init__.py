"""A full-text search engine over news articles."""
