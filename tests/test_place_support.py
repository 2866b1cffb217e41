"""Every place value is named by the text: its name, an alias or a demonym (issue 15).

The same check as ``python -m bench.place_support`` (which runs it over Reuters-21578, the
war coverage and CoNLL-2003 testa), here on the seeds and on texts written to provoke
phantom places.
"""

from __future__ import annotations

import dataclasses
import glob
import os

import pytest

from bench.place_support import support, unsupported_places
from search.entities import extract_entities
from search.ingest.formats import read_path
from search.models import Article

SEEDS = sorted(glob.glob(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "seeds", "*.txt")))

HOSTILE = [
    "Floods hit West Yorkshire on Monday, and forecasters said the west would get more rain.",
    "Sanctions by the west have hurt Moscow, analysts said.",
    "The publisher opened new printing facilities near the coast last year.",
    "The Gulf of Tonkin incident of 1964 drew the United States deeper into the war in Vietnam.",
    "Writing in the Atlantic magazine, she argued that the alliance had lost its way.",
    "Submarines patrolled the North Atlantic while NATO ministers met.",
    "Operational Command South said troops repelled attacks near Kherson.",
    "West German and South African officials met a New Zealander and two North Korean diplomats.",
    "The Americans and Britain's envoy flew to Kyïv; Iranian drones struck Odesa.",
    "LONDON, March 3 - Shares rose in early trading.",
]


def _seed(path: str) -> Article:
    (article,) = [r for r in read_path(path) if isinstance(r, Article)]
    return article


@pytest.mark.parametrize("path", SEEDS, ids=os.path.basename)
def test_every_seed_place_is_named_by_the_text(path):
    article = _seed(path)
    bad, kinds = unsupported_places(article.title, article.body, os.path.basename(path))
    assert bad == []
    assert sum(kinds.values()) > 0  # the seeds are full of places: the check ran on something


@pytest.mark.parametrize("text", HOSTILE)
def test_no_phantom_place_in_hostile_texts(text):
    assert unsupported_places("", text)[0] == []


def test_an_injected_place_is_caught():
    # The check must be able to fail: values the text does not name are reported, with the
    # words the extractor took for them.
    text = HOSTILE[0]  # "West Yorkshire ... the west": no West Germany
    ents = extract_entities("", text)
    injected = dataclasses.replace(ents, places=(*ents.places, "West Germany", "New Zealand"),
                                   aliases={**ents.aliases, "West Germany": ("west",)})
    bad, kinds = unsupported_places("", text, "hostile-0", injected)
    assert [u.value for u in bad] == ["West Germany", "New Zealand"]
    assert kinds[""] == 2
    assert bad[0].doc == "hostile-0" and "[west]" in bad[0].snippet
    (seed,) = [_seed(p) for p in SEEDS[:1]]
    seed_ents = extract_entities(seed.title, seed.body)
    bad, _ = unsupported_places(seed.title, seed.body, entities=dataclasses.replace(
        seed_ents, places=(*seed_ents.places, "Persian Gulf")))
    assert [u.value for u in bad] == ["Persian Gulf"]


@pytest.mark.parametrize("place, text, kind", [
    ("Iran", "Iranian drones struck.", "demonym"),
    ("United States", "The Americans left.", "demonym"),  # plural tail
    ("United Kingdom", "Britain's envoy spoke.", "alias"),  # possessive tail
    ("Kyiv", "Strikes on KYÏV overnight.", "name"),  # case and accents folded
    ("Kyiv", "Strikes on Kiev overnight.", "alias"),
    ("West Germany", "A West-German firm.", "demonym"),  # a hyphen for the space
    ("West Germany", "Sanctions by the west; West Yorkshire; German cars.", ""),
    ("New Zealand", "New printing facilities; a Zealander.", ""),
    ("North Korea", "The North Atlantic; Korean food.", ""),
    ("Iran", "Iranians", "demonym"),
    ("Iran", "Iranianism and Tehran", ""),  # whole words only
    ("Oman", "Romania and Omanis", "demonym"),
])
def test_support_reads_whole_names_aliases_and_demonyms(place, text, kind):
    assert support(place, "", text) == kind
