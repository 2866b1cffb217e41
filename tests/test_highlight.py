"""Passages: sentence breaks, matched words, and the passages chosen from them.

The fast paths (breaks tried only after . ! ? and at newlines; matched words found per
whitespace-separated run) are held equal to the direct way of computing the same thing.
"""

from hypothesis import given, settings
from hypothesis import strategies as st

from search.analysis import (_TOKEN_RE, _key, _plain_word, matching_words, query_terms, stem,
                             word_terms)
from search.understanding.highlight import (_SENTENCE_BREAK_RE, MatchTerms, _sentences, best_passages,
                                            lead_passage, match_spans)

PIECES = ["a", "B", "oil", "Oil", " ", " ", ".", "!", "?", "\n", "\r", "\t", "(", "Mr", "U.S",
          "Gen", "No", "x.", "\u2028", "oil-rich", "soil", "don't", "-", "/", "'",
          # whitespace to str.split (matching_words splits runs with it) that a token never holds
          "\x1c", "\x85", "\xa0", "\u3000", "oil\u2019s", "S-300"]
texts = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


def _sentences_by_finditer(text: str) -> list[tuple[int, int]]:
    bounds, start = [], 0
    for match in _SENTENCE_BREAK_RE.finditer(text):
        if match.start() > start:
            bounds.append((start, match.start()))
        start = match.end()
    if start < len(text):
        bounds.append((start, len(text)))
    return bounds


@settings(max_examples=1500, deadline=None)
@given(texts)
def test_sentences_break_where_the_regex_scanning_every_character_does(text):
    expected = _sentences_by_finditer(text)
    assert _sentences(text) == expected
    for until in range(len(text)):  # cut after the sentence holding ``until``: a prefix
        cut = _sentences(text, until)
        assert cut == expected[:len(cut)]
        assert not any(a <= until < b for a, b in expected[len(cut):])


@settings(max_examples=500, deadline=None)
@given(texts)
def test_matched_words_are_the_tokens_whose_terms_meet_the_query(text):
    terms = frozenset(query_terms("oil") + query_terms("B"))
    expected = [m.span() for m in _TOKEN_RE.finditer(text) if terms & word_terms(m.group())]
    assert matching_words(text, terms) == expected
    prefixed = [m.span() for m in _TOKEN_RE.finditer(text)
                if any(t.startswith("do") for t in word_terms(m.group()))]
    assert matching_words(text, frozenset(), ("do",)) == prefixed
    # (a title's way, word by word)
    assert match_spans(text, MatchTerms(terms, ())) == expected
    assert match_spans(text, MatchTerms(frozenset(), ("do",))) == prefixed
    assert match_spans(text, MatchTerms(frozenset({"b"}), ())) == matching_words(text, frozenset({"b"}))


# Words whose stems change more than an ending (dying -> die, cries -> cri, aging -> age),
# stems of one or two letters, and plain words around them.
TRICKY = ["dying", "die", "lying", "lie", "tying", "ties", "cries", "cry", "aging", "age", "aged",
          "hoping", "hope", "yelling", "ye", "aed", "ed", "skies", "sky", "news", "ides", "relational",
          "international", "defence", "colours", "Oil's", "anti-tank", "oils", "soil", "Gently"]
words = st.one_of(st.sampled_from(TRICKY), st.text("abcdeilnorsty", min_size=1, max_size=9))


@settings(max_examples=2000, deadline=None)
@given(st.text("abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=14))
def test_stemming_keeps_a_plain_words_key(word):
    """What lets ``matching_words`` leave most words unstemmed."""
    text = _plain_word(word)
    if text is not None and len(stem(text)) >= 2:
        assert _key(stem(text)) == _key(text)


@settings(max_examples=500, deadline=None)
@given(st.lists(words, min_size=1, max_size=12), st.data())
def test_matched_words_of_any_query_are_the_tokens_whose_terms_meet_it(chosen, data):
    text = " ".join(chosen)
    query = data.draw(st.sampled_from(chosen))
    terms = frozenset(query_terms(query))
    expected = [m.span() for m in _TOKEN_RE.finditer(text) if terms & word_terms(m.group())]
    assert matching_words(text, terms) == expected
    assert match_spans(text, MatchTerms(terms, ())) == expected
    prefix = query.lower()[:2]
    prefixed = [m.span() for m in _TOKEN_RE.finditer(text)
                if any(t.startswith(prefix) for t in word_terms(m.group()))]
    if len(prefix) == 2:
        assert matching_words(text, frozenset(), (prefix,)) == prefixed
        assert match_spans(text, MatchTerms(frozenset(), (prefix,))) == prefixed


PARTS = st.one_of(st.sampled_from(TRICKY + ["7", "1.5", "e", "US", "S", "300", "oil", "\u00e9t\u00e9"]),
                  st.text("abcdeilnorsty0123", min_size=1, max_size=6))
compounds = st.tuples(st.lists(PARTS, min_size=1, max_size=4),
                      st.lists(st.sampled_from(["-", "/", ".", "\u2010", "\u2011"]), min_size=3, max_size=3),
                      st.sampled_from(["", "'s", "\u2019s", "'t"])
                      ).map(lambda c: "".join(p + j for p, j in zip(c[0], c[1] + ["", ""])) + c[2])


@settings(max_examples=1500, deadline=None)
@given(st.lists(compounds, min_size=1, max_size=6), st.data())
def test_compounds_are_matched_by_any_of_their_parts(chosen, data):
    """A compound (``long-term``, ``1.5/7``) is analysed only if one of its tokens may match
    (``analysis._compound_keys``): the same words as analysing every one."""
    text = " ".join(chosen)
    pieces = [p for p in _TOKEN_RE.findall(text.replace("-", " ").replace("/", " ")) if p] or ["oil"]
    query = data.draw(st.sampled_from(pieces + chosen))
    terms = frozenset(query_terms(query))
    expected = [m.span() for m in _TOKEN_RE.finditer(text) if terms & word_terms(m.group())]
    assert matching_words(text, terms) == expected


def test_a_one_letter_term_is_looked_for_in_every_word():
    text = "Room 7, the 7th floor, 77 and S-7 (7 times)"
    terms = frozenset({"7"})
    expected = [m.span() for m in _TOKEN_RE.finditer(text) if terms & word_terms(m.group())]
    assert len(expected) >= 2 and matching_words(text, terms) == expected
    assert match_spans(text, MatchTerms(terms, ())) == expected


def test_abbreviations_and_initials_do_not_end_a_sentence():
    text = "Gen. Mark Milley met Lloyd J. Austin in the U.S. capital. Patriot batteries were sent."
    assert [text[a:b] for a, b in _sentences(text)] == [
        "Gen. Mark Milley met Lloyd J. Austin in the U.S. capital.", "Patriot batteries were sent."]


def test_passages_are_the_sentences_with_most_distinct_matches_in_text_order():
    text = ("Oil prices rose. Nothing here.\nOPEC met on oil and gas output. "
            "Gas demand fell. Oil, oil and more oil.")
    wanted = MatchTerms(frozenset(query_terms("oil gas")))
    passages = best_passages(text, wanted, count=2)
    # Two distinct words beat one; then repeats break the tie with "Oil prices rose."
    assert [p.text for p in passages] == ["OPEC met on oil and gas output.", "Oil, oil and more oil."]
    assert [[p.text[a:b] for a, b in p.matches] for p in passages] == [["oil", "gas"],
                                                                      ["Oil", "oil", "oil"]]


def test_a_long_sentence_is_cut_around_its_first_match_on_word_edges():
    text = " ".join(["filler"] * 60 + ["Patriot"] + ["words"] * 60) + "."
    (passage,) = best_passages(text, MatchTerms(frozenset(query_terms("patriot"))), count=3)
    assert passage.text.startswith("\u2026filler") and passage.text.endswith("words\u2026")
    assert len(passage.text) <= 242
    (start, end), = passage.matches
    assert passage.text[start:end] == "Patriot"


@settings(max_examples=150, deadline=None)
@given(texts, st.lists(st.sampled_from(["oil", "a b", "soil oil", "gen", "rich", "a"]), min_size=1, max_size=5))
def test_passages_read_from_the_kept_sentences_equal_passages_read_afresh(text, queries):
    # The sentences of a text are kept up to its last match, and read further when a later
    # query matches further on: passages must not depend on which queries came before.
    from search.understanding import highlight

    highlight._SENTENCES.clear()
    for query in queries:
        wanted = MatchTerms(frozenset(query_terms(query)))
        kept = best_passages(text, wanted)
        held = dict(highlight._SENTENCES)
        highlight._SENTENCES.clear()
        assert kept == best_passages(text, wanted), query
        highlight._SENTENCES.clear()
        highlight._SENTENCES.update(held)


def test_a_later_query_matching_further_on_reads_the_kept_sentences_further():
    from search.understanding import highlight

    text = "Oil rose. Gas fell. Markets shut early today. Oil again, and oil."
    highlight._SENTENCES.clear()
    best_passages(text, MatchTerms(frozenset(query_terms("gas"))))  # (kept up to its sentence)
    passages = best_passages(text, MatchTerms(frozenset(query_terms("oil"))), count=1)
    assert [p.text for p in passages] == ["Oil again, and oil."]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["A" * 50, "oil", " ", ".", "\n", "B" * 700, "x"]), max_size=30).map("".join))
def test_passages_are_cut_inside_a_text_even_without_spaces(text):
    """A text whose opening (or a matching sentence) is one long "word" is cut inside it:
    the passage lies within the text (it was a search for a space past either end)."""
    if text:
        [lead] = lead_passage(text)
        assert lead.text and text.startswith(lead.text.rstrip("\u2026"))
    for passage in best_passages(text, MatchTerms(frozenset(query_terms("oil")), ())):
        assert passage.text.strip("\u2026") in text
