"""Entity evaluations: CoNLL-2003 per document, and Reuters-21578's editor tags.

    python -m bench.eval_entities --conll testa      # CoNLL-2003 dev split, per document (also: train)
    python -m bench.eval_entities [--limit N] [--folder PATH] [--json]   # Reuters-21578 tag recall

Both also list every story given a weapon system, marking (``!``) those without a military word:
the check that systems are tagged only in a military sense, on business and sport news.

**CoNLL-2003, per document, as a facet is used.** A gold entity is a distinct PER, LOC or
ORG name in a document; a facet value (``persons``, ``places``, ``orgs``) matches it when
the words of one contain the words of the other (accents and case folded), when the
knowledge base maps the gold name to the value (``U.S.`` -> United States, ``EU`` ->
European Union), or, for people, when the surnames agree. Precision counts values that
match a gold entity of the same type; recall counts gold entities matched by a value.
Places given by a nationality word that the gold marks MISC (``Iranian`` -> Iran) are
also shown apart (``demonym-neutral``): neither right nor wrong.

Matching (the gold tags are lower-case slugs, our values canonical names):

* **people** -- by surname: a gold tag (``james-baker``, ``volcker``, ``de-la-madrid``) is
  found when an extracted person's last name token (accents and case folded) equals the
  tag's last token.
* **places** -- through the gazetteer: the tag (hyphens as spaces) is looked up as a place
  alias (``usa``, ``uk``, ``west-germany``); a few tags the gazetteer spells differently are
  mapped in ``PLACE_TAGS``. Historical states count their successor too (``ussr`` ->
  Soviet Union or Russia, ``west-germany`` -> West Germany or Germany). The tag is found when
  that place, or any extracted place lying in that country (a city, a region), was extracted.
* **orgs** -- through aliases: the tag is looked up as an organisation alias (``ec`` ->
  European Community, ``imf``, ``opec``, ``gatt``); tags that are not aliases are mapped in
  ``ORG_TAGS`` (``worldbank`` -> World Bank, ``ico-coffee`` -> International Coffee
  Organization).

Stories without a tag of a type do not count towards that type's recall.
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import re
import statistics
import time
from typing import Any

from search.entities import extract_entities
from search.entities import kb
from search.entities.demonyms import demonyms
from search.entities.names import name_key

from .conll import default_path, iter_documents
from .reuters import default_folder, iter_stories

PLACE_TAGS = {
    "ivory-coast": "Côte d'Ivoire", "trinidad-tobago": "Trinidad and Tobago", "uae": "United Arab Emirates",
    "yemen-arab-republic": "Yemen", "yemen-demo-republic": "Yemen", "kampuchea": "Cambodia",
    "burma": "Myanmar", "zaire": "Democratic Republic of the Congo", "macao": "Macau",
    "vatican": "Vatican City", "us-virgin-islands": "United States", "guam": "United States",
    "american-samoa": "United States", "british-virgin-islands": "United Kingdom",
    "cayman-islands": "United Kingdom", "bermuda": "United Kingdom", "anguilla": "United Kingdom",
    "gibraltar": "United Kingdom", "netherlands-antilles": "Netherlands", "aruba": "Netherlands",
    "guadeloupe": "France", "martinique": "France", "french-guiana": "France", "new-caledonia": "France",
    "western-samoa": "Samoa", "swaziland": "Eswatini", "czechoslovakia": "Czech Republic",
}
# Historical states: found when the state or its successor is.
SUCCESSORS = {"Soviet Union": ("Russia",), "West Germany": ("Germany",), "East Germany": ("Germany",),
              "Czechoslovakia": ("Czech Republic", "Slovakia"), "Yugoslavia": ("Serbia",),
              "Czech Republic": ("Czechoslovakia",)}
ORG_TAGS = {
    "worldbank": "World Bank", "ico-coffee": "International Coffee Organization",
    "ico-islam": "Organisation of Islamic Cooperation", "adb-asia": "Asian Development Bank",
    "adb-africa": "African Development Bank", "iwc-whale": "International Whaling Commission",
    "iwc-wheat": "International Wheat Council", "un": "United Nations", "ec": "European Community",
    "itc": "International Tin Council", "isa": "International Sugar Organization",
}


def _place_targets(tag: str) -> set[str]:
    names = set(kb.lookup("place", tag.replace("-", " "))) or set(kb.lookup("place", tag))
    if tag in PLACE_TAGS:
        names = {PLACE_TAGS[tag]}
    for name in list(names):
        names.update(SUCCESSORS.get(name, ()))
    return names


def _org_target(tag: str) -> str:
    if tag in ORG_TAGS:
        return ORG_TAGS[tag]
    names = kb.lookup("org", tag) or kb.lookup("org", tag.replace("-", " "))
    return names[0] if names else ""


def _surname(tag_or_name: str) -> str:
    key = name_key(tag_or_name.replace("-", " "))
    return key.split()[-1] if key else ""


def evaluate(limit: int | None = None, folder: str | None = None, sample: int = 15) -> dict[str, Any]:
    """Run the extractor over the collection; per-type recall, volumes, samples and cost."""
    country = kb.country_of_place()
    stats = {t: {"stories": 0, "gold": 0, "found": 0, "extracted": 0, "misses": [], "unmatched": []}
             for t in ("people", "places", "orgs")}
    times: list[float] = []
    systems_found: list[tuple[int, str, tuple[str, ...], bool]] = []
    n = 0
    for story in iter_stories(folder or default_folder(), limit=limit):
        n += 1
        t0 = time.perf_counter()
        ents = extract_entities(story.title, story.body)
        times.append((time.perf_counter() - t0) * 1000)
        if ents.systems:
            systems_found.append((story.newid, story.title, ents.systems,
                                  bool(_MILITARY_CHECK_RE.search(f"{story.title}\n{story.body}"))))

        surnames = {_surname(p): p for p in ents.persons}
        places = set(ents.places)
        place_countries = places | {country.get(p, "") for p in places}
        orgs = set(ents.orgs)

        def tally(kind: str, gold: tuple[str, ...], hit, extracted: tuple[str, ...], matched: set[str]) -> None:
            s = stats[kind]
            s["extracted"] += len(extracted)
            if gold:
                s["stories"] += 1
            for tag in gold:
                s["gold"] += 1
                if hit(tag):
                    s["found"] += 1
                else:
                    s["misses"].append(f"{story.newid}:{tag}")
            if gold:
                s["unmatched"] += [f"{story.newid}:{v}" for v in extracted if v not in matched]

        matched_people = {surnames[_surname(t)] for t in story.people if _surname(t) in surnames}
        tally("people", story.people, lambda t: _surname(t) in surnames, ents.persons, matched_people)
        gold_places = {t: _place_targets(t) for t in story.places}
        matched_places = {p for p in places if any(p in g or country.get(p) in g for g in gold_places.values())}
        tally("places", story.places, lambda t: bool(gold_places[t] & place_countries), ents.places,
              matched_places)
        gold_orgs = {t: _org_target(t) for t in story.orgs}
        tally("orgs", story.orgs, lambda t: gold_orgs[t] in orgs, ents.orgs, set(gold_orgs.values()))

    rng = random.Random(0)
    result: dict[str, Any] = {"stories": n}
    for kind, s in stats.items():
        result[kind] = {
            "stories_with_gold": s["stories"], "gold_tags": s["gold"], "found": s["found"],
            "recall": round(s["found"] / s["gold"], 4) if s["gold"] else None,
            "extracted_per_story": round(s["extracted"] / n, 3) if n else 0.0,
            "sample_misses": sorted(rng.sample(s["misses"], min(sample, len(s["misses"]))),
                                    key=lambda x: int(x.split(":")[0])),
            "sample_unmatched": sorted(rng.sample(s["unmatched"], min(sample, len(s["unmatched"]))),
                                       key=lambda x: int(x.split(":")[0])),
        }
    result["ms_per_article"] = {"median": round(statistics.median(times), 3) if times else 0.0,
                                "mean": round(statistics.fmean(times), 3) if times else 0.0}
    result["systems"] = _systems_summary(systems_found)
    return result


# The weapon-system check: Reuters-21578 (1987 business and economic news, full of Apache, Caesars,
# Tiger, Hawk and tickers) and CoNLL-2003 (1996 news, much of it sport) name few weapons, nearly all
# in stories on defence contracts or wars. Every story with a system is listed with whether it
# has a word of this list (independent of the extractor's own military-story test), for review.
_MILITARY_CHECK_RE = re.compile(r"\b(?:army|navy|air force|military|defen[cs]e|missiles?|weapons?|pentagon|"
                                r"fighters?|tanks?|troops|warplanes?|helicopters?|soldiers)\b", re.I)


def _systems_summary(found: list[tuple[int, str, tuple[str, ...], bool]]) -> dict[str, Any]:
    return {"values": sum(len(s) for _, _, s, _ in found), "stories": len(found),
            "stories_without_military_word": [f"{i}: {', '.join(s)} -- {t[:60]}" for i, t, s, m in found if not m],
            "stories_with_military_word": [f"{i}: {', '.join(s)} -- {t[:60]}" for i, t, s, m in found if m]}


def _format_systems(summary: dict[str, Any], unit: str) -> list[str]:
    lines = [f"\nsystems: {summary['values']} values in {summary['stories']} {unit}; "
             f"{len(summary['stories_without_military_word'])} {unit} without a military word:"]
    lines += [f"  ! {line}" for line in summary["stories_without_military_word"]]
    lines += [f"    {line}" for line in summary["stories_with_military_word"]]
    return lines


def format_report(result: dict[str, Any]) -> str:
    lines = [f"Reuters-21578: {result['stories']} stories"]
    for kind in ("people", "places", "orgs"):
        r = result[kind]
        lines.append(f"\n{kind}: recall {r['recall']} ({r['found']}/{r['gold_tags']} gold tags in "
                     f"{r['stories_with_gold']} stories); {r['extracted_per_story']} extracted per story")
        lines.append("  misses (story:tag):     " + ", ".join(r["sample_misses"]))
        lines.append("  unmatched (story:value): " + ", ".join(r["sample_unmatched"]))
    lines += _format_systems(result["systems"], "stories")
    ms = result["ms_per_article"]
    lines.append(f"\nextraction: median {ms['median']} ms, mean {ms['mean']} ms per article")
    return "\n".join(lines)


_WORD_RE = re.compile(r"[^\W_]+")
_CONLL_FACETS = {"PER": "persons", "LOC": "places", "ORG": "orgs"}
_KB_KIND = {"PER": "person", "LOC": "place", "ORG": "org"}


def _words(name: str) -> frozenset[str]:
    return frozenset(_WORD_RE.findall(kb.key(name)))


def _gold_forms(kind: str, name: str) -> list[frozenset[str]]:
    """Word sets a value may have to match a gold name: its own, and the knowledge base's
    canonical names for it (``U.S.`` -> United States)."""
    forms = [_words(name)]
    if kind != "PER":
        for alias in (name, name.removesuffix("'s")):
            forms += [_words(c) for c in kb.lookup(_KB_KIND[kind], alias)]
    return [f for f in forms if f]


def _matches(kind: str, value: str, gold: str, forms: list[frozenset[str]]) -> bool:
    v = _words(value)
    if v and any(v <= f or f <= v for f in forms):
        return True
    if kind == "PER":
        return _surname(value) == _surname(gold) != ""
    return False


def evaluate_conll(split: str, limit: int | None = None, sample: int = 25) -> dict[str, Any]:
    """Per-document precision, recall and F1 of the person, place and organisation facets."""
    counts = {k: {"tp": 0, "fp": 0, "gold": 0, "found": 0, "neutral": 0} for k in _CONLL_FACETS}
    errors: dict[str, dict[str, collections.Counter]] = {
        k: {"spurious": collections.Counter(), "missed": collections.Counter()} for k in _CONLL_FACETS}
    times: list[float] = []
    systems_found: list[tuple[int, str, tuple[str, ...], bool]] = []
    n = 0
    for doc in iter_documents(default_path(split), limit=limit):
        n += 1
        t0 = time.perf_counter()
        ents = extract_entities(doc.title, doc.body)
        times.append((time.perf_counter() - t0) * 1000)
        if ents.systems:
            systems_found.append((doc.number, doc.title, ents.systems,
                                  bool(_MILITARY_CHECK_RE.search(f"{doc.title}\n{doc.body}"))))
        misc = [(_words(m), m) for m in doc.gold["MISC"]]
        for kind, facet in _CONLL_FACETS.items():
            c, err = counts[kind], errors[kind]
            gold = {g: _gold_forms(kind, g) for g in doc.gold[kind]}
            values = getattr(ents, facet)
            for value in values:
                if any(_matches(kind, value, g, f) for g, f in gold.items()):
                    c["tp"] += 1
                    continue
                c["fp"] += 1
                if kind == "LOC" and any(kb.lookup("place", m) == (value,) or
                                         demonyms().get(kb.key(m)) == value for _, m in misc):
                    c["neutral"] += 1
                else:
                    err["spurious"][value] += 1
            for g, f in gold.items():
                c["gold"] += 1
                if any(_matches(kind, v, g, f) for v in values):
                    c["found"] += 1
                else:
                    err["missed"][g] += 1
    result: dict[str, Any] = {"split": split, "documents": n}
    for kind, c in counts.items():
        p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
        r = c["found"] / c["gold"] if c["gold"] else 0.0
        pn = c["tp"] / (c["tp"] + c["fp"] - c["neutral"]) if c["tp"] + c["fp"] - c["neutral"] else 0.0
        result[kind] = {
            "precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
            "values": c["tp"] + c["fp"], "gold": c["gold"],
            "demonym_neutral": {"precision": round(pn, 4),
                                "f1": round(2 * pn * r / (pn + r), 4) if pn + r else 0.0},
            "top_spurious": errors[kind]["spurious"].most_common(sample),
            "top_missed": errors[kind]["missed"].most_common(sample),
        }
    result["ms_per_document"] = {"median": round(statistics.median(times), 3) if times else 0.0,
                                 "mean": round(statistics.fmean(times), 3) if times else 0.0}
    result["systems"] = _systems_summary(systems_found)
    return result


def format_conll_report(result: dict[str, Any]) -> str:
    lines = [f"CoNLL-2003 eng.{result['split']}: {result['documents']} documents, scored per document",
             f"{'type':5} {'P':>6} {'R':>6} {'F1':>6}   {'values':>6} {'gold':>6}   demonym-neutral P / F1"]
    for kind in _CONLL_FACETS:
        r = result[kind]
        dn = r["demonym_neutral"]
        lines.append(f"{kind:5} {r['precision']:6.3f} {r['recall']:6.3f} {r['f1']:6.3f}   {r['values']:6} "
                     f"{r['gold']:6}   {dn['precision']:.3f} / {dn['f1']:.3f}")
    for kind in _CONLL_FACETS:
        r = result[kind]
        lines.append(f"\n{kind} spurious: " + ", ".join(f"{v} ({c})" for v, c in r["top_spurious"]))
        lines.append(f"{kind} missed:   " + ", ".join(f"{v} ({c})" for v, c in r["top_missed"]))
    lines += _format_systems(result["systems"], "documents")
    ms = result["ms_per_document"]
    lines.append(f"\nextraction: median {ms['median']} ms, mean {ms['mean']} ms per document")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N stories")
    parser.add_argument("--folder", default=None, help="the Reuters-21578 folder (default: ../shared/...)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--conll", choices=("testa", "train"), default=None,
                        help="score CoNLL-2003 eng.testa or eng.train per document instead of Reuters")
    args = parser.parse_args(argv)
    if args.conll:
        result = evaluate_conll(args.conll, args.limit)
        print(json.dumps(result, indent=2, ensure_ascii=False) if args.json else format_conll_report(result))
        return
    result = evaluate(args.limit, args.folder)
    print(json.dumps(result, indent=2, ensure_ascii=False) if args.json else format_report(result))


if __name__ == "__main__":
    main()
