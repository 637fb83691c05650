"""The PyPI peers of the benchmark (bench/run.mjs), with the interface of peers.mjs.

    python bench/peers/peers.py NAME FILE             whole process: one 0/1 per line of FILE on stdout
    python bench/peers/peers.py NAME FILE --predict   predict-only: the classify call alone, timed in
                                                      process (a warm-up pass, then the median of 3), as JSON

profanity-check (here its maintained fork alt-profanity-check, see requirements.txt) flags what its
linear model calls offensive; it classifies a list at once, as its README shows, so that is what is
timed. VADER flags a compound score of -0.05 or less, the threshold its README gives for negative.
Each checks one text it must flag and one it must not before it runs.
"""

import json
import sys
import time


def profanity_check():
    from profanity_check import predict

    return (lambda texts: [int(x) for x in predict(texts)]), "what a fucking joke", "thanks for the quick answer"


def vader():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    return (
        lambda texts: [int(analyzer.polarity_scores(t)["compound"] <= -0.05) for t in texts],
        "I hate this awful service",
        "thanks, great help",
    )


PEERS = {"profanity-check": profanity_check, "vader": vader}


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in PEERS:
        sys.exit(f"usage: python bench/peers/peers.py {'|'.join(PEERS)} FILE [--predict]")
    classify, yes, no = PEERS[sys.argv[1]]()
    if classify([yes, no]) != [1, 0]:
        sys.exit(f"{sys.argv[1]}: the known sample is not answered as expected")
    with open(sys.argv[2], encoding="utf-8", newline="\n") as f:
        texts = f.read().split("\n")
    if texts and texts[-1] == "":
        texts.pop()
    if len(sys.argv) > 3 and sys.argv[3] == "--predict":
        classify(texts)  # warm-up
        runs = []
        for _ in range(3):
            s = time.perf_counter()
            classify(texts)
            runs.append((time.perf_counter() - s) * 1000)
        runs.sort()
        print(json.dumps({"messages": len(texts), "ms": runs[1]}))
    else:
        sys.stdout.write("\n".join(str(x) for x in classify(texts)) + "\n")


if __name__ == "__main__":
    main()
