"""Write ``search/data/given_names.json``: given names of many countries, from Faker.

The US Census lists (the ``names`` package) know American given names only; news names
Pakistani, Romanian, Irish, Italian, Dutch... people with no other cue (Cosmin Contra, Niall
Quinn, Aamir Sohail). Faker (MIT licence) ships first-name lists for some 80 locales. This
script, run by hand with Faker installed (it is not a dependency of the project), keeps the
names written in the Latin alphabet (accents folded, lower case, three letters or more) that
the Census lists lack and that are not lower-case English words, and writes them with
Faker's licence notice, as its licence asks.

    apt-get install wamerican && pip install faker names && python scripts/given_names_from_faker.py
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import re
import sys
import unicodedata

_LATIN_NAME_RE = re.compile(r"[a-z][a-z'\-]{2,}")
# Faker's generic "en" list holds everyday words (Add, Cash, Minor, Viva); American names
# come from the Census lists anyway.
_SKIPPED_LOCALES = frozenset({"en", "en_US"})
_OUT = os.path.join(os.path.dirname(__file__), "..", "search", "data", "given_names.json")


def _fold(name: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)).lower()


def faker_given_names() -> set[str]:
    import faker.providers.person as person
    out: set[str] = set()
    for module in pkgutil.iter_modules(person.__path__):
        if module.name in _SKIPPED_LOCALES:
            continue
        provider = getattr(importlib.import_module(f"{person.__name__}.{module.name}"), "Provider", None)
        for attr in ("first_names", "first_names_male", "first_names_female", "first_names_nonbinary"):
            names = getattr(provider, attr, None)
            if isinstance(names, dict):
                names = list(names)
            if isinstance(names, (list, tuple, set)):
                out.update(f for f in (_fold(n) for n in names if isinstance(n, str)) if _LATIN_NAME_RE.fullmatch(f))
    return out


def english_words(path: str = "/usr/share/dict/words") -> set[str]:
    """Lower-case English words (the Debian ``wamerican`` list, SCOWL): Faker's lists hold many
    (Peace, Purity, Prior, Atlas, Villa), which start more runs that are not people. Only the
    names are written out; nothing of the word list is shipped."""
    with open(path, encoding="utf-8") as fh:
        return {w for w in (line.strip() for line in fh) if w.islower() and w.isalpha()}


def main() -> None:
    import faker
    import names  # the Census lists already shipped through the ``names`` package
    folder = os.path.dirname(names.__file__)
    census: set[str] = set()
    for f in ("dist.male.first", "dist.female.first"):
        with open(os.path.join(folder, f), encoding="ascii") as fh:
            census.update(line.split()[0].lower() for line in fh if line.strip())
    found = sorted(faker_given_names() - census - english_words())
    licence_path = next(p for p in (os.path.join(os.path.dirname(faker.__file__), "..", d, "licenses", "LICENSE.txt")
                                    for d in os.listdir(os.path.join(os.path.dirname(faker.__file__), ".."))
                                    if d.lower().startswith("faker-") and d.endswith(".dist-info")) if os.path.exists(p))
    with open(licence_path, encoding="utf-8") as fh:
        licence = fh.read()
    data = {"source": f"Faker {faker.VERSION} (https://github.com/joke2k/faker), first names of every person "
                      "locale but en and en_US, Latin alphabet, accents folded, lower case, without the US Census given names and lower-case English words",
            "licence": licence, "names": found}
    with open(_OUT, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=0)
        fh.write("\n")
    print(f"{len(found)} names -> {os.path.normpath(_OUT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
