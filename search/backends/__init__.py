"""Backends: where articles are stored and searched.

`embedded` is the default, a Whoosh index on the local disk with our own postings, impacts and scorer.
"""
