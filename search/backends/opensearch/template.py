"""The index template the product creates: fields, and analysis equivalent to ours.

Queries reach the cluster as *terms* our own analyzer made (``translate.py``), so what matters
is that the cluster indexes a text into the same terms as ``search/analysis.py`` does:

- our tokenizer's words (designators, compounds, acronyms) via a ``pattern`` tokenizer with
  the same regular expression, then ``word_delimiter_graph``: a designator or compound
  becomes its joined form (``S-300`` -> ``s300``, ``long-range`` -> ``longrange``) plus its
  parts (``300``, ``long``, ``range``), ``M142`` -> ``m142``, ``m``, ``142``, ``Ukraine's``
  -> ``Ukraine`` (two small differences: a decimal ``6.3`` is ``6``, ``3``, ``63``, not
  ``6.3``; the parts of a designator or date take positions of their own, so a phrase
  across ``S-300`` or ``2023-02-15`` may miss where ours matches);
- lower case, accent folding (``Türkiye`` -> ``turkiye``), our stop words and single letters,
  taken out before tokenizing so that, as in ours, they leave no gap in positions (the
  phrase "Lloyd Austin" matches "Lloyd J. Austin"); apostrophes inside words dropped
  (``we'll`` -> ``well``);
- the British/American spelling table (``search/data/spelling.tsv``) as one-way synonyms,
  written as ``stemmer_override`` rules to the canonical word's stem (a synonym filter
  cannot follow ``word_delimiter_graph``), then the Snowball English stemmer (porter2, as
  NLTK's).

Facet values are ``keyword`` fields; ``facet_keys`` holds each value under the same
case-, accent- and spacing-free key as the embedded facet table, to resolve what a user typed.
"""

from __future__ import annotations

import re
from typing import Any

from ...analysis import _TOKEN_RE, spelling_variants, stem, stop_words
from .stories import MAPPINGS as STORY_FIELDS

#: Defaults that suit 2-3 nodes: every shard has a copy on another node, two primaries.
DEFAULT_SHARDS = 2
DEFAULT_REPLICAS = 1
KEYWORD_FIELDS = ("source", "person", "system", "org", "place", "collection")


def analysis() -> dict[str, Any]:
    stops = sorted(stop_words() | set("abcdefghijklmnopqrstuvwxyz"))
    overrides = sorted(f"{variant} => {stem(canonical)}"
                       for variant, canonical in spelling_variants().items()
                       if " " not in variant and "=" not in variant)
    delimiter = {"type": "word_delimiter_graph", "split_on_case_change": False,
                 "split_on_numerics": True, "stem_english_possessive": True,
                 "generate_word_parts": True, "generate_number_parts": True,
                 "catenate_all": True, "preserve_original": False}
    tail = ["lowercase", "asciifolding", "news_stop", "news_spelling", "news_stemmer"]
    # Stop words leave no gap in our positions ("Lloyd J. Austin" is the phrase "Lloyd
    # Austin"); Lucene's stop filter always leaves one. So free-standing stop words are
    # taken out of the text before it is tokenized (offsets stay right), and the stop
    # filter drops what is left (stop words joined to other words).
    alternatives = "|".join(re.escape(w) for w in sorted(stops, key=len, reverse=True))
    free_standing = (r"(?<![\w'\u2019])(?<!\w[-\u2010\u2011/.])(?:" + alternatives +
                     r")(?![\w'\u2019])(?![-\u2010\u2011/.]\w)")
    return {
        "char_filter": {
            # we'll -> well, O'Neill -> ONeill, as our possessive filter does ('s stays: the
            # word delimiter drops it)
            "news_apostrophes": {"type": "pattern_replace", "pattern": r"(?<=\w)['\u2019](?![sS]\b)(?=\w)",
                                 "replacement": "", "flags": "UNICODE_CHARACTER_CLASS"},
            "news_stop_words": {"type": "pattern_replace", "pattern": free_standing, "replacement": "",
                                "flags": "CASE_INSENSITIVE|UNICODE_CASE|UNICODE_CHARACTER_CLASS"}},
        "tokenizer": {"news_words": {"type": "pattern", "pattern": _TOKEN_RE.pattern, "group": 0,
                                     "flags": "UNICODE_CHARACTER_CLASS"}},
        "filter": {
            "news_parts": delimiter,
            "news_stop": {"type": "stop", "stopwords": stops, "ignore_case": False},
            "news_spelling": {"type": "stemmer_override", "rules": overrides},
            "news_stemmer": {"type": "stemmer", "language": "porter2"},
        },
        "analyzer": {
            "news": {"type": "custom", "tokenizer": "news_words", "char_filter": ["news_apostrophes", "news_stop_words"],
                     "filter": ["news_parts", "flatten_graph"] + tail},
            # the unstemmed vocabulary, for "did you mean" (the words are already ours)
            "words": {"type": "custom", "tokenizer": "whitespace"},
        },
    }


def mappings() -> dict[str, Any]:
    keyword = {"type": "keyword"}
    text = {"type": "text", "analyzer": "news"}
    return {
        "dynamic": "strict",
        "properties": {
            "id": {"type": "keyword"},
            "title": text,
            "body": text,
            "date": {"type": "date", "format": "strict_date"},
            "year": {"type": "keyword"},
            "month": {"type": "keyword"},
            **{name: keyword for name in KEYWORD_FIELDS},
            # "facet\x1fvalue key\x1fvalue": what a user typed, to the values it means
            "facet_keys": {"type": "keyword"},
            "alias": {"type": "keyword"},
            "role": {"type": "keyword"},
            "unknown_system": {"type": "keyword"},
            "words": {"type": "text", "analyzer": "words", "norms": False, "index_options": "docs",
                      "fields": {"kw": {"type": "keyword"}}},
            "url": {"type": "keyword", "index": False},
            "authors": {"type": "keyword", "index": False},
            "roles": {"type": "object", "enabled": False},
            "origin": {"type": "keyword", "index": False},
            "extra": {"type": "object", "enabled": False},
            **STORY_FIELDS,  # one story once (stories.py)
        },
    }


def index_template(index: str, shards: int = DEFAULT_SHARDS, replicas: int = DEFAULT_REPLICAS) -> dict[str, Any]:
    """The composable template for ``index`` (and ``index-*``, for re-indexing beside it)."""
    return {
        "index_patterns": [index, f"{index}-*"],
        "template": {
            "settings": {"number_of_shards": shards, "number_of_replicas": replicas,
                         "refresh_interval": "1s", "analysis": analysis(),
                         "max_result_window": 100_000},
            "mappings": mappings(),
        },
        "_meta": {"created_by": "news-search", "version": 2},
    }
