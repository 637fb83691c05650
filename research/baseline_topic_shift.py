#!/usr/bin/env python3
"""The plain baseline across HatEval's targets: the probe `sentinelle eval` runs on the model.

TweetEval hate's official test is shifted from its training rows, which cross-validation cannot
see. `sentinelle eval` probes it by training on the rows about one target (women, or migrants)
and scoring on the rows about the other; this script does the same for the plain baseline of
research/baseline_cv.py (TF-IDF word 1-2-grams + char_wb 2-5-grams, class-balanced logistic
regression, threshold 0.5), so the two can be compared.

The targets' word lists mirror HATEVAL_SHIFT in src/train/datasets.rs (there they are matched on the
engine's normalised tokens, which also undo leetspeak: the row counts differ by a few).

Usage: python3 research/baseline_topic_shift.py [FILE.jsonl]
(default: tweeteval_hate_en.jsonl in $SENTINELLE_DATA, else in ../shared/data beside the checkout)
"""

import json
import os
import re
import sys

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

from sklearn.metrics import f1_score  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from baseline_cv import DEFAULT_DIR, make_pipeline  # noqa: E402

TOPICS = [
    ("women", "woman women girl* bitch* whore* slut* cunt* hoe hoes feminis* wife wives lady ladies she her "
              "skank* female* rape raped rapist*"),
    ("migrants", "immigra* migra* refugee* illegal illegals border* wall deport* muslim* islam* invasion invader* "
                 "alien* asylum daca buildthatwall rapefugee* sendthemback nodaca amnesty"),
]


def matcher(words):
    parts = [re.escape(w[:-1]) + r"\w*" if w.endswith("*") else re.escape(w) for w in words.split()]
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", re.IGNORECASE)


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(DEFAULT_DIR, "tweeteval_hate_en.jsonl")
    names = [matcher(w) for _, w in TOPICS]
    rows = {1: [], 2: []}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            r = json.loads(line)
            text = r.get("text") or ""
            if not text.strip():
                continue
            about = [bool(m.search(text)) for m in names]
            if about == [True, False]:
                rows[1].append((text, r["label"] == "hate"))
            elif about == [False, True]:
                rows[2].append((text, r["label"] == "hate"))
    print(f"{TOPICS[0][0]}: {len(rows[1])} rows, {TOPICS[1][0]}: {len(rows[2])} rows")
    scores = []
    for a, b in [(1, 2), (2, 1)]:
        model = make_pipeline().fit([t for t, _ in rows[a]], [y for _, y in rows[a]])
        gold = [y for _, y in rows[b]]
        pred = model.predict([t for t, _ in rows[b]])
        s = 100 * f1_score(gold, pred, average="macro")
        scores.append(s)
        print(f"{TOPICS[a - 1][0]} -> {TOPICS[b - 1][0]}: macro-F1 {s:.1f} "
              f"(predicted hate {sum(pred) / len(pred):.2f}, gold {sum(gold) / len(gold):.2f})")
    print(f"across, mean: {sum(scores) / 2:.1f}")


if __name__ == "__main__":
    main()
