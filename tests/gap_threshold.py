"""Measure the gap-grouping threshold (`gap_similarity`) on questions of known topics.

    PYTHONPATH=. python tests/gap_threshold.py

52 questions: 13 news topics, each asked 4 ways (some topics deliberately close: one crash's
injuries vs its cause, one tournament in two years, a bridge's opening vs its cost). Prints, per
threshold, the share of same-topic pairs whose cosine reaches it, the share of other-topic pairs
that do, and what the greedy grouping of `bot.library.gaps` makes of the questions in 30 shuffled
orders. Results (all-MiniLM-L6-v2) are in docs/feedback.md.
"""

from __future__ import annotations

import itertools
import random
import statistics

from bot.library.gaps import group_questions
from vectorstore.embeddings import SentenceTransformerEmbedder
from vectorstore.feedback_store import QuestionRecord
from vectorstore.sentence_vectors import encode

TOPICS = [
    ["When does the new bridge over the river open?", "What is the opening date of the new river bridge?",
     "when will the new bridge open", "Has a date been set for opening the new bridge across the river?"],
    ["How much did the new bridge over the river cost?", "What was the price of building the new river bridge?",
     "cost of the new bridge", "How expensive was the new bridge across the river?"],
    ["Who won the mayoral election in Springfield?", "Which candidate became mayor of Springfield?",
     "who is the new mayor of springfield", "Springfield mayoral race: who won?"],
    ["Who won the governor's race in Ohio?", "Which candidate was elected governor of Ohio?", "new ohio governor",
     "Ohio gubernatorial election winner?"],
    ["How many people were injured in the train crash in Leeds?", "What was the number of injuries in the Leeds rail accident?",
     "how many were hurt in the leeds train derailment", "Leeds train crash injuries: how many?"],
    ["What caused the train crash in Leeds?", "Why did the Leeds train derail?", "cause of the leeds rail accident",
     "What led to the train crash near Leeds?"],
    ["Why did the car factory in Detroit close?", "What was the reason the Detroit car plant shut down?",
     "why was the detroit factory shut", "What led to the closure of the car factory in Detroit?"],
    ["What did the central bank decide about interest rates?", "Did the central bank raise or cut rates?",
     "interest rate decision by the central bank", "What happened to interest rates at the central bank meeting?"],
    ["What is the inflation rate this month?", "How high is inflation now?", "latest inflation figure",
     "Did inflation go up or down last month?"],
    ["Did the suspects head to Ukraine?", "Were the attackers trying to flee to Ukraine?", "did the gunmen go towards ukraine",
     "Where were the suspects heading when they were caught?"],
    ["What did Putin say about the concert hall attack?", "How did Putin respond to the attack at the concert hall?",
     "putin statement on crocus attack", "Putin's reaction to the concert hall shooting?"],
    ["Who won the 2018 World Cup?", "Which country won the football World Cup in 2018?", "2018 world cup winner",
     "Who were the world champions in 2018?"],
    ["Who won the 2022 World Cup?", "Which country won the football World Cup in 2022?", "2022 world cup winner",
     "Who were the world champions in 2022?"],
]
THRESHOLDS = (0.6, 0.65, 0.7, 0.75, 0.8)


def main() -> None:
    model = SentenceTransformerEmbedder()
    vectors = {q: model.embed_query(q) for topic in TOPICS for q in topic}
    label = {q: i for i, topic in enumerate(TOPICS) for q in topic}
    same = [float(vectors[a] @ vectors[b]) for topic in TOPICS for a, b in itertools.combinations(topic, 2)]
    other = [float(vectors[a] @ vectors[b]) for t1, t2 in itertools.combinations(TOPICS, 2) for a in t1 for b in t2]
    for t in THRESHOLDS:
        groups, misplaced = [], []
        for seed in range(30):
            order = list(vectors)
            random.Random(seed).shuffle(order)
            records = [QuestionRecord(f"{i:012x}", "s", q, "", i, True, vector=encode([vectors[q]])) for i, q in enumerate(order)]
            made = group_questions(records, t)
            groups.append(len(made))
            misplaced.append(sum(
                sum(1 for r in g if label[r.question] != statistics.mode(label[x.question] for x in g)) for g in made))
        print(f"threshold {t:.2f}: same-topic pairs reaching it {sum(s >= t for s in same) / len(same):.1%}, "
              f"other-topic pairs {sum(s >= t for s in other) / len(other):.1%}; greedy groups "
              f"{statistics.mean(groups):.1f} for {len(TOPICS)} topics, {statistics.mean(misplaced):.1f} of "
              f"{len(vectors)} questions in another topic's group")


if __name__ == "__main__":
    main()
