"""The embedded backend: a Whoosh index in a local folder.

Data flow: `indexer` (with `parallel` workers writing `postings`, `codec` and `impacts`) builds
generations under `storage`; `scorer`, `docsets`, `feedback`, `facets` and `vocabulary` read them
at query time for the engine.
"""
