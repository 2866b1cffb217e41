"""The vocabulary behind "did you mean" and word completion (search/understanding/vocabulary.py)."""

from __future__ import annotations

import random

from whoosh import fields
from whoosh import index as whoosh_index
from whoosh.filedb.filestore import RamStorage

from search.engine import SearchEngine
from search.entities import extract_entities
from search.backends.embedded.indexer import index_paths
from search.models import Article, SearchRequest
from search.backends.embedded.schema import to_document
from search.understanding.fields import build_schema
from search.understanding.vocabulary import Vocabulary
from tests.test_scorer import _write


def _random_words(rng: random.Random, count: int) -> list[str]:
    return ["".join(rng.choice("abcdeilnorst") for _ in range(rng.randint(3, 9))) for _ in range(count)]


def test_corrector_suggests_what_whooshs_reader_corrector_suggests():
    rng = random.Random(5)
    ix = RamStorage().create_index(fields.Schema(words=fields.KEYWORD))
    writer = ix.writer()
    pool = sorted(set(_random_words(rng, 3000)))  # distinct in each document, as ours
    for _ in range(400):
        writer.add_document(words=" ".join(rng.sample(pool, 20)))
    writer.commit()
    with ix.searcher() as searcher:
        reader = searcher.reader()
        ours = Vocabulary.from_field(reader).corrector()
        whooshs = searcher.corrector("words")
        probes = [w[:i] + rng.choice("aeiouxyz") + w[i + 1:]
                  for w in rng.sample(pool, 40) for i in [rng.randrange(len(w))]]
        for probe in probes + _random_words(rng, 15):
            for maxdist in (1, 2):
                assert ours.suggest(probe, limit=3, maxdist=maxdist) == \
                    whooshs.suggest(probe, limit=3, maxdist=maxdist), (probe, maxdist)


def test_an_index_with_a_words_field_still_gets_suggestions(tmp_path):
    # An index written before vocabularies moved into the impact files.
    schema = build_schema()
    schema.add("words", fields.KEYWORD(stored=False))
    folder = tmp_path / "old"
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), schema)
    writer = ix.writer()
    for title, body in [("Artillery shells", "Shells for the howitzers"), ("Howitzers", "More artillery")]:
        doc = to_document(Article(title=title, body=body), extract_entities(title, body))
        writer.add_document(**{k: v for k, v in doc.items() if k in schema or k.startswith("_")})
    writer.commit()
    vocabulary = Vocabulary.from_field(ix.reader())
    assert vocabulary.counts["artillery"] == 2 and vocabulary.counts["shells"] == 1
    assert vocabulary.corrector().suggest("artilery", limit=1) == ["artillery"]


def test_adding_to_an_index_with_a_words_field_keeps_its_suggestions(tmp_path):
    """Its new segments index the words in Whoosh, as before, and their impact files claim
    no vocabulary of their own (an empty one would hide the words)."""
    from search.backends.embedded import storage

    root = str(tmp_path / "index")
    storage.prepare_root(root)
    generation = storage.new_generation(root)
    schema = build_schema()
    schema.add("words", fields.KEYWORD(stored=False))
    whoosh_index.create_in(generation, schema)
    storage.publish(root, generation)
    _write(tmp_path / "a.jsonl", [{"title": "Artillery shells", "body": "Howitzers fire artillery"},
                                  {"title": "Artillery", "body": "more howitzers"}])
    index_paths([str(tmp_path / "a.jsonl")], root, workers=1)
    engine = SearchEngine(root)
    assert not engine._snapshot().source.impacts.has_vocabulary()
    assert engine.vocabulary("how") == [("howitzers", 2)]
    assert engine.search(SearchRequest(text="artilery", correct=False)).suggestion == "artillery"
    engine.close()


def test_suggestions_and_completion_come_from_the_impact_files(tmp_path):
    _write(tmp_path / "a.jsonl", [{"title": "Artillery shells", "body": f"Howitzers number {n}"}
                                  for n in range(30)] + [{"title": "Artillery", "body": "howitzer"}])
    index_paths([str(tmp_path / "a.jsonl")], str(tmp_path / "index"), workers=1)
    engine = SearchEngine(str(tmp_path / "index"))
    assert engine._snapshot().source.impacts.has_vocabulary()
    assert engine.vocabulary("how") == [("howitzers", 30), ("howitzer", 1)]
    assert engine.search(SearchRequest(text="artilery", correct=False)).suggestion == "artillery"
    engine.close()
