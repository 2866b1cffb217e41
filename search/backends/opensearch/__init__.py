"""The OpenSearch backend: the product's index on a cluster (``opensearch://host:port/index``).

- ``connection``: the address a user gives, credentials and TLS, and the client built from it;
- ``template``: the index template the product creates (fields, analysis equivalent to ours);
- ``loader``: our ingest (formats, ids, entities) in worker processes, bulk-loaded;
- ``stories``: each article linked to its story's copies at load time (one story once);
- ``translate``: our parsed query (a Whoosh query tree of analysed terms) as the query DSL;
- ``aggregations``: disjunctive facets and the timeline;
- ``engine``: ``OpenSearchEngine``, the same library API as the embedded ``SearchEngine``.
"""
