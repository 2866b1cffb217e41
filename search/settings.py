"""Ranking defaults, in one place, with why.

They are general defaults, measured on Cranfield by ``bench/`` (see bench/README.md) and
not tuned per query or per collection.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import log


@dataclass(frozen=True)
class Ranking:
    #: BM25 term-frequency saturation and length normalisation.
    k1: float = 1.2
    b: float = 0.75
    #: Inverse document frequency: "whoosh" (log(N / (df + 1)) + 1) or "bm25"
    #: (Robertson-Sparck Jones, log(1 + (N - df + 0.5) / (df + 0.5)), as Lucene and bm25s).
    idf: str = "bm25"
    #: Query-time weight of a title match relative to a body match (BM25F field weight).
    #: Modest on purpose: each field is scored with its own length normalisation, so a word
    #: in a ten-word title already scores well above the same word in a long body, and
    #: title words usually recur in the body. Cranfield (whose abstracts repeat the title):
    #: 1.0 and 1.2 measure alike, 2.5 loses 0.02 nDCG@10.
    title_boost: float = 1.0
    #: Each word of a sentence or of a relaxed keyword query is scored once, as BM25F: its
    #: title and body frequencies, each normalised by its own field's length and the
    #: title's weighted by this, are added and then saturated once; the idf is of the
    #: articles with the word in either field. 0: the sum of a BM25 per field, each field
    #: weighted by ``title_boost`` (as Whoosh scores a multi-field query, and as the other
    #: queries still are). The sum counts a title word twice, near its maximum in a short
    #: title, so an article whose *title* names one word of a sentence ("Joe Biden to visit
    #: Poland") outranked articles about the whole question. bench.tune over the five
    #: collections, MAP / nDCG@10, mean: the sum .4765 / .5772, BM25F 2: .4762 / .5749,
    #: 3: .4782 / .5771, 4: .4796 / .5774, 6: .4797 / .5768 (CACM MAP .351 -> .365, news
    #: nDCG@10 .809 -> .818, Cranfield -.004 MAP; MED and NPL have no titles); with
    #: ``feedback_weight`` 0.8, see there. FTS5 and bm25s add the fields' text too.
    bm25f_title: float = 4.0
    #: Queries of this many words or more, with no operators, quotes or fields, are read as
    #: natural language: any word may match, documents matching more words rank higher
    #: (like Elasticsearch's minimum_should_match). Shorter queries need every word.
    long_query_words: int = 5
    #: Coordination bonus for OR queries (Whoosh OrGroup scale): 0 = none, 1 = strong.
    #: None by default: with the product applying it again (it was lost on the way, issue
    #: 14), 0.9 and 0.5 measure within .0005 MAP of 0 on the five collections, and a short
    #: query's articles with every word rank first anyway (``AllFirst``).
    or_coordination: float = 0.0
    #: Shorter keyword queries of at least this many words are relaxed: articles with all
    #: the words first, then the best partial matches below them (0: every word required).
    relax_min_words: int = 2
    #: A word repeated in a natural-language query weighs more (long queries repeat their
    #: topic words): BM25's query-term saturation, (k3 + 1) qtf / (k3 + qtf). 0: each word
    #: counts once; a large k3 counts every repeat in full, as FTS5 and bm25s do.
    query_tf_k3: float = 0.5
    #: Drop the words of ``data/query_stopwords.txt`` (can, must, whether...) from
    #: natural-language queries.
    drop_query_stop_words: bool = True
    #: Pseudo-relevance feedback for natural-language queries (see ``feedback.py``): the
    #: best ``feedback_terms`` body terms of the top ``feedback_docs`` results rescore the
    #: first ``feedback_window`` results, the best term at ``feedback_weight``. 0 docs: off.
    feedback_docs: int = 10
    feedback_terms: int = 10
    #: 0.8 with BM25F words (``bm25f_title``): a word then scores at most idf (k1 + 1), no
    #: longer up to twice that when it is in the title and the body, so the same feedback
    #: weight would weigh more against the query's own words. bench.tune, mean of five,
    #: BM25F 4: weight 1.0 .4796 / .5774, 0.9 .4808 / .5814, 0.8 .4813 / .5816, 0.7
    #: .4814 / .5828 but MED -.0055 MAP. (With the per-field sum, 0.8 gains nothing:
    #: .4766 / .5766 against .4765 / .5772.)
    feedback_weight: float = 0.8
    #: (300 gained .0025 mean MAP, nDCG@10 equal on all five collections, for ~3 ms more
    #: CPU at the 95th percentile of sentence queries: the speed guard decides.)
    feedback_window: int = 100
    #: Each feedback document's words count in proportion to its first-pass score (over
    #: the mean of the feedback documents'), as a relevance model (RM1) weighs documents,
    #: rather than once each (plain Bo1). bench.tune, MAP / nDCG@10, unweighted ->
    #: weighted: Cranfield .3426 / .4007 -> .3484 / .4049, MED .5963 / .7376 -> .5979 /
    #: .7444, CACM .3673 / .4995 -> .3753 / .5082, NPL .2865 / .4405 -> .2884 / .4453, news
    #: .8138 / .8295 -> .8160 / .8388; mean .4813 / .5816 -> .4852 / .5883. (The score
    #: squared: .4860 / .5884, CACM nDCG@10 and news' top tens lower; its square root:
    #: .4831 / .5841.)
    feedback_by_score: bool = True

    def term_idf(self, doc_count: int, doc_frequency: int) -> float:
        """The inverse document frequency ``idf`` names. "bm25" is Robertson-Sparck Jones's,
        as in Lucene and bm25s: a word in half the articles weighs about a tenth of a rare
        one. "whoosh" (Whoosh's ``log(N / (df + 1)) + 1``) gives it a fifth, and a long
        query has many such words, which then outweigh the few that carry its topic."""
        if self.idf == "bm25":
            return log(1 + (doc_count - doc_frequency + 0.5) / (doc_frequency + 0.5))
        return log(doc_count / (doc_frequency + 1)) + 1


RANKING = Ranking()


@dataclass(frozen=True)
class Limits:
    """Bounds on the work one search may cause, so that no query holds a server worker for
    seconds (issue 13: ``a* b* ... z*`` took 15-17 s, a 1,000-letter word 1-2 s of "did you
    mean"). Each cut is reported to the user as a warning."""

    #: Seconds a search may take (wall clock, from parsing to the last highlight); past it,
    #: the parts that can be left out ("did you mean") are, and a search still matching
    #: stops with :class:`~search.errors.QueryTimeoutError`. 0: no limit.
    time_budget: float = 1.0
    #: Words one prefix, wildcard or range (``a*``, ``title:[a TO z]``) may expand to: its
    #: most frequent words are kept, as Elasticsearch's ``max_expansions`` (default 50) does.
    max_expansions: int = 64
    #: Words all the patterns of one query may expand to together (shared out equally), as
    #: Lucene's ``max_clause_count`` bounds a whole query.
    max_expanded_terms: int = 1024
    #: Characters of query text read; the rest is dropped with a warning (the web API refuses
    #: longer queries outright).
    max_query_chars: int = 1000
    #: "Did you mean" looks at words up to this long (the longest English words are ~30
    #: letters; edit-distance search over a 1,000-letter word took 1-2 s) and corrects at
    #: most this many unknown words of a query.
    suggest_max_word_chars: int = 30
    suggest_max_words: int = 8


LIMITS = Limits()


@dataclass(frozen=True)
class IngestLimits:
    """What one input file may cost, so that a hostile or broken file (a gzip bomb, a 200 MB
    line, a 16 MB "article") is reported instead of exhausting memory or time. Memory grows
    about 60-90 MB (and 25 s) per MB of article text in entity extraction, analysis and
    postings (measured: a 0.5 MB body spends 32% of its time in entities, 45% in analysis
    and postings), so articles are cut at ``max_article_chars`` (the report says so); real
    articles, live blogs included, are far shorter. ``search index --max-file-mb/--max-article-chars`` override these."""

    #: Unpacked bytes read from one file (a .gz is counted after decompression); the rest
    #: of a larger file is skipped and reported. Files are streamed, so this bounds time,
    #: not memory: a 1 GB web-archive crawl (.warc.gz) unpacks to about 4 GB.
    max_file_bytes: int = 4 << 30
    #: Characters of body text kept per article; longer bodies are cut at a paragraph or
    #: word boundary and reported. The longest of 6,168 articles in the Ukraine-war corpora
    #: has 28,094; 200,000 characters take about 5 s and 20 MB to index.
    max_article_chars: int = 200_000

    @property
    def max_record_bytes(self) -> int:
        """Bytes of one line (JSONL, CSV) or one page (text, HTML): UTF-8 takes at most
        4 bytes a character, markup and other fields take some more."""
        return 4 * self.max_article_chars + (1 << 20)


INGEST_LIMITS = IngestLimits()
