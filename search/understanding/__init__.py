"""What both backends share about a query, below them both: reading it and what the results
show of it.

``fields`` (the index's fields and their analysers, which the parser reads), ``query`` (the
parser) and ``parsed_query`` (what a parsed query is), ``query_entities`` (knowledge-base
entities in the query), ``spelling`` and ``vocabulary`` ("did you mean"), ``expansion``
(prefixes and ranges expanded to a bounded number of words), ``facet_values`` (matching
typed text to facet values), ``request_rules`` (request checks and spelling retries), and
``passages`` and ``highlight`` (which words of an article to highlight, and where).

Nothing here imports a backend or the engine (``tests/test_architecture.py``).
"""
