"""The analysis pipeline: designators, folding, possessives, stemming, spelling variants."""

from hypothesis import given, settings
from hypothesis import strategies as st

from search.analysis import analyse, query_terms, surface_words


def same(a: str, b: str) -> bool:
    return query_terms(a) == query_terms(b) and query_terms(a) != []


def test_designators_are_one_query_term_and_indexed_with_their_parts():
    assert query_terms("S-300") == ["s300"]
    assert {"s300", "300"} <= set(analyse("the S-300 system"))  # one-letter parts are dropped
    for designator, joined in [("F-16", "f16"), ("IRIS-T", "irist"), ("MiG-29", "mig29"),
                               ("M142", "m142"), ("155mm", "155mm")]:
        assert query_terms(designator) == [joined]
        assert joined in analyse(f"they sent {designator} units")
    assert {"155", "mm"} <= set(analyse("155mm shells"))
    assert {"mig"} <= set(analyse("a MiG-29 jet"))


def test_designator_spellings_meet():
    assert same("F-16", "F16")
    assert same("Iris-T", "IRIS-T")
    assert same("MiG-29", "mig-29")


def test_parts_share_the_designators_position_so_phrases_still_work():
    postings = analyse("S-300 system")
    assert postings["s300"] == postings["300"] == [0]
    assert postings["system"] == [1]


def test_case_accents_and_possessives_fold():
    assert same("Türkiye", "turkiye")
    assert same("Ukraine's", "Ukraine")
    assert same("HIMARS's", "HIMARS")
    assert same("Ukraine\u2019s", "ukraine")


def test_snowball_stemming():
    assert same("Patriots", "Patriot")
    assert same("shelling", "shelled")


def test_british_and_american_spellings_and_transliterations_meet():
    for a, b in [("defence", "defense"), ("armour", "armor"), ("programme", "program"),
                 ("Kiev", "Kyiv"), ("armoured", "armored")]:
        assert same(a, b), (a, b)


def test_stop_words_dropped_but_us_kept():
    assert query_terms("the of and") == []
    assert query_terms("US") == ["us"]
    assert query_terms("U.S.") == ["us"]


def test_hyphenated_compounds_split_and_join():
    # indexed as the joined word and its parts; queried as the joined word alone (one unit)
    assert query_terms("counter-offensive") == ["counteroffens"] == query_terms("counteroffensive")
    assert {"counteroffens", "counter", "offens"} <= set(analyse("a counter-offensive"))
    assert query_terms("anti-tank") == ["antitank"]
    # names joined by a hyphen stay two words; designators stay one
    assert query_terms("Russia-Ukraine") == ["russia", "ukrain"]
    assert query_terms("S-300") == ["s300"] and query_terms("F-16") == ["f16"]


def test_surface_words_are_unstemmed():
    assert "missiles" in surface_words("Russian missiles")


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_no_text_crashes_the_analyzer(text):
    analyse(text)
    query_terms(text)
    surface_words(text)


def test_plain_words_take_the_short_path_to_the_same_tokens():
    """Words of ASCII letters skip the Whoosh pipeline (analysis._plain_word): for every
    such word of the seeds, every stop word and every spelling variant, in three cases,
    the short path gives what the pipeline gives."""
    from search.analysis import (_NEWS, _TOKEN_RE, _WORDS, _surface, spelling_variants,
                                 stop_words, word_tokens)

    from .conftest import SEEDS

    text = " ".join(p.read_text(encoding="utf-8") for p in SEEDS.iterdir())
    words = {w for w in _TOKEN_RE.findall(text)} | set(stop_words()) | set(spelling_variants())
    words |= {"a", "I", "x", "US", "Us", "us", "said", "DEFENCE", "Kiev", "grey"}
    plain = {form for w in words if w.isascii() and w.isalpha()
             for form in (w, w.lower(), w.upper(), w.capitalize())}
    assert len(plain) > 2000
    # Possessives and numbers take the short path too (analysis._simple_text).
    simple = plain | {w + s for w in plain for s in ("'s", "\u2019s", "'S")}
    simple |= {w for w in _TOKEN_RE.findall(text) if w.isdigit()} | {"0", "7", "007", "1987"}
    simple |= {"5.93", "0.39", "1.000.000", "12.5.2023", "0.0", "3.14159", "1.0001"}
    simple |= {"it's", "o's", "O'Neill", "Ukraine's'", "'s", "s's", "\u00b2", "1\u00b2", "٣"}
    for word in sorted(simple):
        tokens = [(t.pos, t.text) for t in _NEWS(word, positions=True, mode="index")]
        width = tokens[-1][0] + 1 if tokens else 0
        assert word_tokens.__wrapped__(word) == (tuple(tokens), width), word
        surface = tuple(t.text for t in _WORDS(word, mode="query")
                        if t.text.isalpha() and len(t.text) > 2)
        assert _surface(word) == surface, word


@given(st.text(st.characters(max_codepoint=127)))
@settings(max_examples=300)
def test_the_ascii_tokenizer_finds_the_words_the_unicode_one_does(text):
    """ASCII text is tokenized with an ASCII-only pattern (faster): the same words."""
    from search.analysis import _ASCII_TOKEN_RE, _TOKEN_RE

    assert _ASCII_TOKEN_RE.findall(text) == _TOKEN_RE.findall(text)
