"""Nationality adjectives, for people detection: ``Ukrainian Defense Minister`` is a role
prefix, and ``Iranian`` is never a first name. Keys are place names in places.json.

An adjective of several words (``West German``, ``New Zealander``, ``South African``) is one
adjective: its words alone say nothing of the place (``the west``, ``new facilities``,
``North Atlantic``), so only the whole phrase names it. Alternatives are separated by
commas."""

from __future__ import annotations

from functools import lru_cache

_TABLE = """
Afghanistan: Afghan | Albania: Albanian | Algeria: Algerian | Angola: Angolan | Argentina: Argentine, Argentinian
Armenia: Armenian | Australia: Australian | Austria: Austrian | Azerbaijan: Azerbaijani, Azeri
Bahrain: Bahraini | Bangladesh: Bangladeshi | Belarus: Belarusian, Belarussian, Byelorussian | Belgium: Belgian
Bolivia: Bolivian | Bosnia and Herzegovina: Bosnian | Brazil: Brazilian | Bulgaria: Bulgarian
Burma: Burmese | Myanmar: Burmese | Cambodia: Cambodian | Cameroon: Cameroonian | Canada: Canadian | Chile: Chilean
China: Chinese | Colombia: Colombian | Croatia: Croatian | Cuba: Cuban | Cyprus: Cypriot | Czech Republic: Czech
Czechoslovakia: Czechoslovak, Czechoslovakian | Denmark: Danish | Ecuador: Ecuadorean, Ecuadorian
Egypt: Egyptian | Estonia: Estonian | Ethiopia: Ethiopian | Finland: Finnish | France: French
Georgia: Georgian | Germany: German | West Germany: West German | East Germany: East German | Ghana: Ghanaian
Greece: Greek | Hungary: Hungarian | Iceland: Icelandic | India: Indian | Indonesia: Indonesian | Iran: Iranian
Iraq: Iraqi | Ireland: Irish | Israel: Israeli | Italy: Italian | Japan: Japanese | Jordan: Jordanian
Kazakhstan: Kazakh, Kazakhstani | Kenya: Kenyan | Kuwait: Kuwaiti | Kyrgyzstan: Kyrgyz | Latvia: Latvian
Lebanon: Lebanese | Libya: Libyan | Lithuania: Lithuanian | Luxembourg: Luxembourgish | Malaysia: Malaysian
Mexico: Mexican | Moldova: Moldovan | Mongolia: Mongolian | Morocco: Moroccan | Netherlands: Dutch
New Zealand: New Zealander | Nigeria: Nigerian | North Korea: North Korean | Norway: Norwegian | Oman: Omani
Pakistan: Pakistani | Peru: Peruvian | Philippines: Philippine, Filipino | Poland: Polish | Portugal: Portuguese
Qatar: Qatari | Romania: Romanian | Russia: Russian | Saudi Arabia: Saudi | Serbia: Serbian | Slovakia: Slovak
Slovenia: Slovenian, Slovene | South Africa: South African | South Korea: South Korean | Spain: Spanish
Sri Lanka: Sri Lankan | Sudan: Sudanese | Sweden: Swedish | Switzerland: Swiss | Syria: Syrian
Taiwan: Taiwanese | Tajikistan: Tajik | Thailand: Thai | Tunisia: Tunisian | Turkey: Turkish
Turkmenistan: Turkmen | Ukraine: Ukrainian | United Arab Emirates: Emirati | United Kingdom: British
United States: American | Uzbekistan: Uzbek | Venezuela: Venezuelan | Vietnam: Vietnamese | Yemen: Yemeni
Yugoslavia: Yugoslav, Yugoslavian | Soviet Union: Soviet | Zambia: Zambian | Zimbabwe: Zimbabwean
Europe: European | Africa: African | Asia: Asian | Arab World: Arab, Arabian | Palestine: Palestinian
"""


@lru_cache(maxsize=None)
def demonyms() -> dict[str, str]:
    """``ukrainian`` -> ``Ukraine`` (lower-case adjective -> place name)."""
    out: dict[str, str] = {}
    for chunk in _TABLE.replace("\n", "|").split("|"):
        if ":" not in chunk:
            continue
        place, words = chunk.split(":")
        for word in words.split(","):
            if word.strip():
                out.setdefault(" ".join(word.split()).lower(), place.strip())
    return out


@lru_cache(maxsize=None)
def demonym_words() -> frozenset[str]:
    """Every word of every adjective (``west``, ``german``, ``zealander``): words that the
    people rules, which read one token at a time, never take for a name."""
    return frozenset(w for adjective in demonyms() for w in adjective.split())
