"""The general vocabulary of attribution in news copy: role nouns, titles, nationality adjectives.

These lists are what any newsroom style guide would call a source ("a spokesperson", "the
mayor", "officials"), not words taken from the stories citebot happens to hold: a rule that only
works because its word list was fitted to a sample corpus would mislabel the next one. Plurals
are derived (`plural`), so each noun is listed once.
"""

from __future__ import annotations

# People named by what they do. Each is also a title before a name ("Mayor Ana Ruiz", "harbour
# master Tom Price"), so `attribution` cuts it off to keep the name.
PERSON_ROLES = frozenset("""
spokesperson spokesman spokeswoman president vice-president premier chancellor minister secretary
mayor governor senator congressman congresswoman representative lawmaker legislator councillor
councilor commissioner ambassador envoy diplomat consul chief director head leader chairman
chairwoman chair chairperson executive founder co-founder owner manager master official officer
inspector superintendent sheriff constable detective commander colonel captain lieutenant
sergeant admiral judge magistrate prosecutor attorney lawyer solicitor barrister counsel coroner
analyst economist expert researcher scientist professor lecturer academic doctor physician
surgeon nurse paramedic engineer adviser advisor aide negotiator mediator investigator auditor
editor correspondent reporter journalist columnist blogger witness resident survivor victim suspect
defendant plaintiff activist campaigner organiser organizer coach librarian teacher principal
headteacher dean rector pastor priest bishop imam rabbi broker trader strategist historian curator
treasurer administrator coordinator supervisor operator pilot agent warden ranger steward deputy
monitor observer regulator president-elect keeper ceo cfo coo cto
""".split())

# Institutions and publications that speak as one ("the ministry said", "state media reported").
BODIES = frozenset("""
ministry department government agency company firm authority council committee commission court
board office military army navy parliament embassy union group institute bank regulator
administration campaign party coalition alliance organisation organization foundation charity
association federation league club team university school hospital newspaper broadcaster network
television media affiliate prosecution cabinet senate congress tribunal watchdog site website
publication platform outlet
""".split())

# Nouns that name a group without a plural -s, or are mostly used in the plural.
GROUPS = frozenset("police authorities media staff records documents filings prosecutors officials".split())

HONORIFICS = frozenset("mr mr. mrs mrs. ms ms. dr dr. prof prof. sir dame rev rev.".split())

# Lowercase words inside a name: "Ursula von der Leyen", "Charles de Gaulle".
NAME_PARTICLES = frozenset("von van der den de del della da di du la le bin al ibn".split())

# Nationality and regional adjectives (a general list, not one story's), so that "Belarusian
# Lukashenko" is never read as a first name and a surname.
DEMONYMS = frozenset("""
afghan albanian algerian american andorran angolan argentine argentinian armenian australian
austrian azerbaijani bahraini bangladeshi barbadian belarusian belgian belizean beninese bhutanese
bolivian bosnian botswanan brazilian british bruneian bulgarian burkinabe burmese burundian
cambodian cameroonian canadian chadian chilean chinese colombian congolese croatian cuban
cypriot czech danish djiboutian dominican dutch ecuadorian egyptian emirati english eritrean
estonian ethiopian european fijian filipino finnish french gabonese gambian georgian german
ghanaian greek grenadian guatemalan guinean guyanese haitian honduran hungarian icelandic indian
indonesian iranian iraqi irish israeli italian ivorian jamaican japanese jordanian kazakh kenyan
korean kosovar kuwaiti kyrgyz lao laotian latvian lebanese liberian libyan lithuanian luxembourgish
macedonian malagasy malawian malaysian maldivian malian maltese mauritanian mauritian mexican
moldovan monegasque mongolian montenegrin moroccan mozambican namibian nepalese nepali nicaraguan
nigerian nigerien norwegian omani pakistani palestinian panamanian paraguayan peruvian polish
portuguese qatari romanian russian rwandan salvadoran samoan saudi scottish senegalese serbian
singaporean slovak slovakian slovenian somali spanish sudanese surinamese swedish
swiss syrian taiwanese tajik tanzanian thai togolese tongan trinidadian tunisian turkish turkmen
ugandan ukrainian uruguayan uzbek venezuelan vietnamese welsh yemeni zambian zimbabwean
african asian arab arabic baltic balkan caribbean latin nordic scandinavian western eastern
northern southern soviet kurdish basque catalan flemish tamil pashtun persian chechen crimean
""".split())


def plural(noun: str) -> str:
    """The plural of a role noun: spokesperson -> spokespeople, chairman -> chairmen, agency -> agencies."""
    if noun.endswith("person"):
        return noun[: -len("person")] + "people"
    if noun.endswith("man") or noun.endswith("woman"):
        return noun[:-3] + "men"
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    return noun + "s"


_PLURALS = frozenset(plural(w) for w in PERSON_ROLES | BODIES)


def role_noun(word: str) -> bool:
    """Whether a lowercase word names a role, a body or a group, singular or plural."""
    return word in PERSON_ROLES or word in BODIES or word in GROUPS or word in _PLURALS


def is_title_word(word: str) -> bool:
    """Whether a capitalised word before a surname is a title, honorific or nationality, not a first name."""
    word = word.lower()
    return word in PERSON_ROLES or word in HONORIFICS or word in DEMONYMS or word.rstrip(".") in HONORIFICS
