"""Backends: where articles are stored and searched.

`embedded` is the default, a Whoosh index on the local disk with our own postings, impacts and scorer.
`opensearch` keeps the index on an OpenSearch cluster (template, bulk loader, query translation,
aggregations). `base.SearchBackend` is what the engine's callers rely on from either.
"""
