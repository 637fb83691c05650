#!/usr/bin/env python3
"""Ideas tried on the plain baseline (research/baseline_cv.py) before porting them to the engine.

Each variant keeps the baseline's pipeline, folds and metric and adds one thing, so its number
compares with baseline_cv.py's line for the same data set. None of these was kept (see "What was
tried and not kept" in data/MODEL_CARD.md); the script stays so the card's numbers reproduce.

  vectors  word vectors learned from every text under the data directory (no labels): a
           window-4 co-occurrence matrix of the words seen at least 5 times, positive PMI,
           truncated SVD to 100 dimensions, and 512 k-means clusters of those vectors. Adds either
           the clusters as words (TF-IDF of cluster 1–2-grams: --add clusters) or the mean vector
           of the message's words (--add mean, times --scale).
  targets  (HateXplain only) stacks heads that predict which community a post targets (the
           annotators' `targets`), trained inside each training fold, their out-of-fold
           probabilities times --scale added as features: the hate / offensive line is about
           whom the words are aimed at.
  pool     adds another data set's rows to each training fold, its labels mapped onto this set's
           (--map '{"theirs": "ours"}'), each row weighted --weight times a balanced row here.

Usage:
  python3 research/baseline_variants.py vectors --add clusters STEM...
  python3 research/baseline_variants.py vectors --add mean [--scale 1] STEM...
  python3 research/baseline_variants.py pool --extra STEM --map JSON --weight 0.1[,0.3…] STEM
  python3 research/baseline_variants.py targets --scale 0.5[,1,2…] hatexplain_en

Single-threaded and seeded like baseline_cv.py: the same command prints the same numbers.
"""

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse
import collections
import glob
import json
import re
import sys

import numpy as np
import scipy.sparse as sp
from sklearn.cluster import MiniBatchKMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_predict
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils.class_weight import compute_sample_weight

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import baseline_cv as B  # noqa: E402  (the baseline's data sets, loading, folds and metrics)

WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?|\d+|[^\w\s]", re.UNICODE)


def words(text):
    return WORD.findall(text.lower())


def learn_vectors(data_dir, min_count=5, window=4, dims=100, clusters=512):
    """{word: cluster}, {word: unit vector} from every text of every JSONL file in data_dir."""
    docs = []
    for path in sorted(glob.glob(os.path.join(data_dir, "*.jsonl"))):
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    text = json.loads(line).get("text") or ""
                    if text.strip():
                        docs.append(words(text))
    counts = collections.Counter(w for d in docs for w in d)
    vocab = [w for w, c in counts.most_common() if c >= min_count]
    index = {w: i for i, w in enumerate(vocab)}
    rows, cols, vals = [], [], []
    for d in docs:
        ids = [index.get(w, -1) for w in d]
        for i, a in enumerate(ids):
            if a < 0:
                continue
            for j in range(max(0, i - window), min(len(ids), i + window + 1)):
                if j != i and ids[j] >= 0:
                    rows.append(a)
                    cols.append(ids[j])
                    vals.append(1.0 / abs(i - j))
    n = len(vocab)
    c = sp.coo_matrix((vals, (rows, cols)), shape=(n, n)).tocsr()
    c.sum_duplicates()
    row_sums = np.asarray(c.sum(1)).ravel()
    ctx = np.asarray(c.sum(0)).ravel() ** 0.75
    ctx /= ctx.sum()
    c = c.tocoo()
    pmi = np.log(c.data / row_sums[c.row] / ctx[c.col])  # log P(w,c) / (P(w) P_0.75(c))
    keep = pmi > 0
    ppmi = sp.csr_matrix((pmi[keep], (c.row[keep], c.col[keep])), shape=(n, n))
    vecs = TruncatedSVD(dims, random_state=0).fit_transform(ppmi)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True) + 1e-9
    labels = MiniBatchKMeans(clusters, random_state=0, batch_size=4096, n_init=3).fit(vecs).labels_
    print(f"vectors: {len(docs)} texts, {n} words, {dims} dimensions, {clusters} clusters", file=sys.stderr)
    return dict(zip(vocab, (int(x) for x in labels))), dict(zip(vocab, vecs))


def baseline_features():
    return [("word", TfidfVectorizer(analyzer="word", ngram_range=(1, 2))),
            ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5)))]


def cross_validate(stem, data_dir, fit_predict):
    cfg = B.DATASETS[stem]
    texts, labels, _ = B.load(os.path.join(data_dir, f"{stem}.jsonl"), cfg["label_key"])
    x, y = np.array(texts, dtype=object), np.array(labels)
    scores = collections.defaultdict(list)
    for tr, te in StratifiedKFold(B.N_SPLITS, shuffle=True, random_state=B.SEED).split(x, y):
        for name, pred in fit_predict(x[tr], y[tr], x[te]).items():
            scores[name].append(B.METRICS[cfg["metric"]][1](y[te], pred))
    for name, s in scores.items():
        print(f"{stem}\t{name}\t{B.METRICS[cfg['metric']][0]} {100 * np.mean(s):.2f} ± {100 * np.std(s):.2f}", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("variant", choices=["vectors", "pool", "targets"])
    ap.add_argument("stems", nargs="+")
    ap.add_argument("--data", default=B.DEFAULT_DIR)
    ap.add_argument("--add", choices=["clusters", "mean"], default="clusters")
    ap.add_argument("--scale", default="1")
    ap.add_argument("--extra")
    ap.add_argument("--map", type=json.loads)
    ap.add_argument("--weight", default="0.1")
    a = ap.parse_args()
    for stem in a.stems:
        if stem not in B.DATASETS or "skip" in B.DATASETS[stem]:
            sys.exit(f"baseline_variants.py: {stem}: not a data set baseline_cv.py scores")

    if a.variant == "vectors":
        cluster, vector = learn_vectors(a.data)

        def as_clusters(texts):
            return [" ".join(f"c{cluster[w]}" for w in words(t) if w in cluster) for t in texts]

        def mean_vector(texts):
            out = np.zeros((len(texts), 100))
            for i, t in enumerate(texts):
                v = [vector[w] for w in words(t) if w in vector]
                if v:
                    out[i] = np.mean(v, 0)
            return sp.csr_matrix(out * float(a.scale))

        extra = (("clusters", Pipeline([("map", FunctionTransformer(as_clusters)),
                                        ("tfidf", TfidfVectorizer(ngram_range=(1, 2), token_pattern=r"\S+"))]))
                 if a.add == "clusters" else ("mean", FunctionTransformer(mean_vector)))

        def fit_predict(xtr, ytr, xte):
            pipe = Pipeline([("f", FeatureUnion(baseline_features() + [extra])),
                             ("lr", LogisticRegression(class_weight="balanced", max_iter=2000))])
            return {f"+{a.add}" + (f" ×{float(a.scale)}" if a.add == "mean" else ""): pipe.fit(xtr, ytr).predict(xte)}

        for stem in a.stems:
            cross_validate(stem, a.data, fit_predict)
        return

    if a.variant == "targets":
        if a.stems != ["hatexplain_en"]:
            sys.exit("baseline_variants.py targets: only hatexplain_en has target communities")
        communities = ["African", "Women", "Islam", "Homosexual", "Jewish", "Arab", "Refugee", "Hispanic",
                       "Caucasian", "Men", "Other", "None"]
        with open(os.path.join(a.data, "hatexplain_en.jsonl"), encoding="utf-8") as fh:
            rows = [json.loads(line) for line in fh if line.strip()]
        by_text = {}
        for r in rows:
            by_text.setdefault(r["text"], [c in (r.get("targets") or []) for c in communities])
        scales = [float(x) for x in a.scale.split(",")]

        def fit_predict(xtr, ytr, xte):
            feats = FeatureUnion(baseline_features())
            here, test = feats.fit_transform(xtr), feats.transform(xte)
            targets = np.array([by_text[t] for t in xtr], dtype=int)
            ztr, zte = np.zeros((len(xtr), len(communities))), np.zeros((len(xte), len(communities)))
            for j in range(len(communities)):
                head = LogisticRegression(class_weight="balanced", max_iter=2000)
                ztr[:, j] = cross_val_predict(head, here, targets[:, j], cv=KFold(5, shuffle=True, random_state=0),
                                              method="predict_proba")[:, 1]
                zte[:, j] = head.fit(here, targets[:, j]).predict_proba(test)[:, 1]
            out = {}
            for s in scales:
                model = LogisticRegression(class_weight="balanced", max_iter=2000)
                model.fit(sp.hstack([here, sp.csr_matrix(ztr * s)]).tocsr(), ytr)
                out[f"+targets ×{s}"] = model.predict(sp.hstack([test, sp.csr_matrix(zte * s)]).tocsr())
            return out

        cross_validate("hatexplain_en", a.data, fit_predict)
        return

    if not a.extra or a.map is None:
        sys.exit("baseline_variants.py pool: needs --extra STEM and --map JSON")
    ecfg = B.DATASETS[a.extra]
    et, el, _ = B.load(os.path.join(a.data, f"{a.extra}.jsonl"), ecfg["label_key"])
    kept = [i for i, label in enumerate(el) if label in a.map]
    et = np.array([et[i] for i in kept], dtype=object)
    el = np.array([a.map[el[i]] for i in kept])
    weights = [float(w) for w in a.weight.split(",")]

    def fit_predict(xtr, ytr, xte):
        # The vocabulary and IDF come from both sets' texts, for every weight (0 included).
        feats = FeatureUnion(baseline_features()).fit(np.concatenate([xtr, et]))
        here, there, test = feats.transform(xtr), feats.transform(et), feats.transform(xte)
        out = {}
        for w in weights:
            sw = np.concatenate([compute_sample_weight("balanced", ytr), w * compute_sample_weight("balanced", el)])
            model = LogisticRegression(max_iter=2000).fit(sp.vstack([here, there]), np.concatenate([ytr, el]), sample_weight=sw) \
                if w > 0 else LogisticRegression(max_iter=2000).fit(here, ytr, sample_weight=sw[: len(ytr)])
            out[f"+{a.extra} ×{w}"] = model.predict(test)
        return out

    for stem in a.stems:
        cross_validate(stem, a.data, fit_predict)


if __name__ == "__main__":
    main()
