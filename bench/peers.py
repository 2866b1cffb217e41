"""Two more peers for the relevance runs (``bench.ir``), set up as their documentation shows,
with the settings the news-queries pool used (its PROVENANCE.md):

* **bm25s**: method ``lucene``, k1 1.5, b 0.75, English stop words, PyStemmer's English
  stemmer, over title and body as one text.
* **tantivy** (tantivy-py): ``en_stem`` on title and body, default BM25, the default query
  parser over both fields (OR of the words); a query it refuses is read by its lenient parser.

Both answer ``ranking(text, depth)`` like the FTS5 and stock Whoosh anchors.
"""

from __future__ import annotations

from typing import Iterable


class Bm25sSearcher:
    def __init__(self, records: Iterable[dict]):
        import bm25s
        import Stemmer

        self._bm25s = bm25s
        self.stemmer = Stemmer.Stemmer("english")
        records = list(records)
        self.ids = [r["id"] for r in records]
        corpus = [f"{r.get('title', '')}\n{r.get('body', '')}" for r in records]
        tokens = bm25s.tokenize(corpus, stopwords="en", stemmer=self.stemmer, show_progress=False)
        self.retriever = bm25s.BM25(method="lucene", k1=1.5, b=0.75)
        self.retriever.index(tokens, show_progress=False)

    def ranking(self, text: str, depth: int) -> list[tuple[str, float]]:
        words = self._bm25s.tokenize([text], stopwords="en", stemmer=self.stemmer,
                                     return_ids=False, show_progress=False)[0]
        words = [w for w in words if w in self.retriever.vocab_dict]
        if not words:
            return []
        docs, scores = self.retriever.retrieve([words], k=min(depth, len(self.ids)), show_progress=False)
        return [(self.ids[d], float(s)) for d, s in zip(docs[0].tolist(), scores[0].tolist()) if s > 0]

    def close(self) -> None:
        pass


class TantivySearcher:
    def __init__(self, records: Iterable[dict]):
        import tantivy

        builder = tantivy.SchemaBuilder()
        builder.add_text_field("id", stored=True, tokenizer_name="raw")
        builder.add_text_field("title", tokenizer_name="en_stem")
        builder.add_text_field("body", tokenizer_name="en_stem")
        self.index = tantivy.Index(builder.build())
        writer = self.index.writer()
        for r in records:
            writer.add_document(tantivy.Document(id=r["id"], title=r.get("title", ""), body=r.get("body", "")))
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()

    def ranking(self, text: str, depth: int) -> list[tuple[str, float]]:
        try:
            q = self.index.parse_query(text, ["title", "body"])
        except ValueError:
            q, _errors = self.index.parse_query_lenient(text, ["title", "body"])
        hits = self.searcher.search(q, depth).hits
        return [(self.searcher.doc(address)["id"][0], score) for score, address in hits]

    def close(self) -> None:
        pass
