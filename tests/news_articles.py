"""Invented multi-chunk news articles for tests that need real-looking, real-length text.

Why: the crash-safety and shared-store tests need several distinct articles long enough to be
split into many chunks (a process killed between two chunk writes must leave something to find),
and a fresh clone has no ../shared benchmark. Every place, person, outlet and organisation here
is made up; outlets live on example.* domains. `article(i)` is a pure function of `i`, so the
same index always gives the same article (tests share articles between files by index).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

PLACES = ["Velmora", "Quistan Bay", "Oranthe", "Brackwell", "Tessaly Downs", "Korvath", "Lindmere", "Saberton",
          "Elwyn Falls", "Marrowgate", "Pellridge", "Ostvane"]
PEOPLE = ["Ilsa Varnok", "Tomas Dreelin", "Anika Solberth", "Rufus Gammerly", "Petra Oswin", "Jonah Kettleby",
          "Mirela Tansk", "Oskar Fenwhistle", "Dana Quellor", "Hugo Brannick", "Sela Marchetty", "Ivo Pradlin"]
OUTLETS = [("Harbor Courier", "harborcourier.example.com"), ("Northvale Tribune", "northvale-tribune.example.org"),
           ("Ledger of the Plains", "plainsledger.example.net"), ("Morning Quill", "morningquill.example")]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

# (title after the place name, the thing the story is about, its sentences). {p} place, {a}/{b}
# people, {n}/{m} numbers, {d} a weekday, {t} the thing.
TOPICS = [
    ("council approves a new tram line after a long dispute", "the tram line", [
        "The council of {p} voted {n} to {m} on {d} to build {t} between the old harbour and the northern estates.",
        "Councillor {a} said the route had been argued over for {n} years and that the vote finally settled it.",
        "Residents of the eastern streets had asked for a tunnel instead, fearing noise from {t} at night.",
        "Engineers expect the first trams to run within {m} months if the rail supplier delivers on time.",
    ]),
    ("harbour workers end a strike over night shifts", "the strike", [
        "Dock workers in {p} returned to the cranes on {d} after {n} days of {t} over unpaid night shifts.",
        "Union organiser {a} said the port authority had agreed to pay the missing hours in {m} instalments.",
        "Ships had queued in the outer roads during {t}, and some cargo was sent to rival ports instead.",
        "The port authority's director, {b}, said the settlement would cost less than a longer stoppage.",
    ]),
    ("water utility warns of a dry summer", "the reservoir", [
        "The water utility serving {p} said on {d} that {t} was at {n} percent of its usual level for the season.",
        "Its chief hydrologist, {a}, asked households to water gardens only in the early morning.",
        "Farmers upstream have drawn more from the river than in any year of the last {m} years, the utility said.",
        "A hosepipe ban is possible if {t} falls below a threshold the utility did not name.",
    ]),
    ("school district opens a library in a former mill", "the mill library", [
        "Pupils in {p} borrowed their first books on {d} from {t}, built inside a brick building that once spun wool.",
        "Head librarian {a} said the shelves hold {n} titles, a third of them in the region's older dialect.",
        "The conversion took {m} months and was paid for partly by a bequest from a retired teacher.",
        "Parents had campaigned for a library after the old reading room closed when its roof leaked.",
    ]),
    ("battery plant figures questioned by auditors", "the battery plant", [
        "Auditors in {p} said on {d} that the jobs promised by {t} were counted twice in the regional plan.",
        "The plant's spokesperson, {a}, said the company had reported {n} posts and stood by the number.",
        "According to the auditors, only {m} of the posts are permanent, and the rest are construction work.",
        "Regional minister {b} asked for a corrected figure before the next budget vote.",
    ]),
    ("festival returns to the old market square", "the lantern festival", [
        "Crowds filled the old market square of {p} on {d} as {t} returned after a pause of {n} years.",
        "Organiser {a} said {m} volunteers had folded the paper lanterns by hand over the winter.",
        "Stallholders sold roasted chestnuts and plum cake, and a brass band played until midnight.",
        "Police reported no incidents, though a side street was closed when a lantern caught an awning.",
    ]),
    ("bridge closed after inspectors find cracks", "the river bridge", [
        "Inspectors closed {t} in {p} on {d} after finding cracks in {n} of its steel bearings.",
        "City engineer {a} said the bridge would stay shut for at least {m} weeks while repairs are planned.",
        "Commuters now face a detour through the industrial quarter, adding about twenty minutes each way.",
        "The bridge was last strengthened decades ago, and {b} of the transport board called the closure overdue.",
    ]),
    ("mayoral race narrows to two candidates", "the mayoral race", [
        "Two candidates remain in {t} of {p} after a third withdrew on {d}, citing family reasons.",
        "{a}, a former harbour pilot, promised to cut bus fares and reopen the night ferry.",
        "{b}, who ran the chamber of commerce, said the city could not afford both promises.",
        "A poll of {n} residents put the two within {m} points of each other, inside its margin of error.",
    ]),
    ("orchard growers count losses after late frost", "the frost", [
        "Apple and pear growers around {p} said on {d} that {t} had destroyed blossom on {n} hectares.",
        "Grower {a} said her family orchard would pick perhaps a third of a normal crop this autumn.",
        "The growers' cooperative asked the province for emergency loans of up to {m} thousand each.",
        "Cider makers warned that prices would rise if they had to buy fruit from outside the valley.",
    ]),
    ("museum returns a carved door to its village", "the carved door", [
        "The regional museum returned {t} to the village of {p} on {d}, {n} years after a collector removed it.",
        "Curator {a} said records showed the door had been bought without the village council's consent.",
        "Villagers carried the door to the chapel, where it will be hung again once the frame is restored.",
        "The museum said it was reviewing {m} other objects acquired from the same collector.",
    ]),
]
GENERIC = [
    "Speaking to reporters on {d}, {a} said the details would be published in full next week.",
    "Critics, among them {b}, said the decision had been taken with too little public discussion.",
    "Officials in {p} declined to say how much the work would cost before the tenders were opened.",
    "Local shopkeepers said they had heard little about {t} until the announcement.",
    "A spokesperson for the regional government said it was following {t} closely.",
    "The matter is expected to come before the regional assembly within {m} weeks.",
    "Earlier plans for {t} were shelved twice, once for lack of money and once after a court challenge.",
    "{b} said the people of {p} deserved a clear timetable rather than another round of promises.",
    "Figures released on {d} showed {n} complaints about the matter since the start of the year.",
    "Asked whether the plan could still change, {a} said nothing was certain until the contracts were signed.",
]


def article(i: int) -> dict:
    """The i-th invented article: a JSONL row as `citebot ingest` reads it (~3,000 characters)."""
    title_tail, thing, sentences = TOPICS[i % len(TOPICS)]
    place = PLACES[(i // len(TOPICS) + i) % len(PLACES)]
    rng = random.Random(f"citebot-test-article-{i}")
    a, b = rng.sample(PEOPLE, 2)
    outlet, domain = OUTLETS[i % len(OUTLETS)]

    def fill(template: str) -> str:
        text = template.format(p=place, a=a, b=b, t=thing, d=rng.choice(DAYS), n=rng.randint(3, 90), m=rng.randint(2, 40))
        return text[0].upper() + text[1:]

    paragraphs = [" ".join(fill(s) for s in sentences)]
    pool = sentences + GENERIC
    while sum(len(p) for p in paragraphs) < 2800:
        paragraphs.append(" ".join(fill(s) for s in rng.sample(pool, 4)))
    slug = f"{place}-{title_tail}".lower().replace(" ", "-")
    return {
        "id": f"test-{i:04d}",
        "title": f"{place} {title_tail}",
        "source": outlet,
        "url": f"https://{domain}/news/{i:04d}-{slug}",
        "published_at": f"2024-{1 + i % 12:02d}-{1 + (i * 7) % 28:02d}T09:30:00+00:00",
        "author": rng.choice(PEOPLE),
        "body": "\n\n".join(paragraphs),
    }


def write_articles(path: Path, start: int, count: int) -> Path:
    """Articles start .. start+count-1 as one JSONL file at `path`."""
    rows = [article(i) for i in range(start, start + count)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path
