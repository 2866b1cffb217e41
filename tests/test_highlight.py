"""Passages: sentence breaks, matched words, and the passages chosen from them.

The fast paths (breaks tried only after . ! ? and at newlines; matched words found per
whitespace-separated run) are held equal to the direct way of computing the same thing.
"""

from hypothesis import given, settings
from hypothesis import strategies as st

from search.analysis import _TOKEN_RE, matching_words, query_terms, word_terms
from search.understanding.highlight import _SENTENCE_BREAK_RE, MatchTerms, _sentences, best_passages

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
    assert _sentences(text) == _sentences_by_finditer(text)


@settings(max_examples=500, deadline=None)
@given(texts)
def test_matched_words_are_the_tokens_whose_terms_meet_the_query(text):
    terms = frozenset(query_terms("oil") + query_terms("B"))
    expected = [m.span() for m in _TOKEN_RE.finditer(text) if terms & word_terms(m.group())]
    assert matching_words(text, terms) == expected
    prefixed = [m.span() for m in _TOKEN_RE.finditer(text)
                if any(t.startswith("do") for t in word_terms(m.group()))]
    assert matching_words(text, frozenset(), ("do",)) == prefixed


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
