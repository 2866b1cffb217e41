"""Ingest: reading input files into `Article`s (formats), and the dates, sources and ids found in them.

Nothing here knows about an index: the backends take the articles this package produces.
"""
