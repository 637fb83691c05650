#!/usr/bin/env python3
"""Plain TF-IDF + logistic-regression baseline under stratified 10-fold cross-validation.

For each labelled JSONL file ({"id", "text", "label", "lang", "split", ...}, see
../shared/data/README.md) this computes, with the metric the data set's paper uses:

  features  TfidfVectorizer(analyzer='word',    ngram_range=(1, 2))
          + TfidfVectorizer(analyzer='char_wb', ngram_range=(2, 5))   (FeatureUnion;
            scikit-learn defaults otherwise, lowercase=True)
  model     LogisticRegression(class_weight='balanced', max_iter=2000)  (defaults otherwise)
  folds     StratifiedKFold(n_splits=10, shuffle=True, random_state=0); the whole pipeline,
            vectorizers included, is fitted on the training part of each fold only.

Rows whose text is missing or only whitespace are dropped and counted. Scores are the mean of
the ten per-fold scores, in percent, with their standard deviation across folds (population
std, ddof=0, as numpy's .std()); the JSON also has every per-fold score and the score of the
pooled out-of-fold predictions.

Usage:
  python3 research/baseline_cv.py [FILE.jsonl ...] [--json OUT.json]
  (no FILE: every *.jsonl in the data directory: $SENTINELLE_DATA, else ../shared/data beside
  the checkout)

Tested with Python 3.11.7, scikit-learn==1.9.1, numpy==2.4.6, scipy==1.17.1
(pinned in research/requirements-baseline.txt: pip install -r research/requirements-baseline.txt).
Single-threaded on purpose (n_jobs=1, BLAS/OpenMP threads pinned to 1): deterministic, and
the machine is shared with builds.
"""

import os

# Before numpy is imported: one BLAS/OpenMP thread (determinism and a shared 2-core machine).
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
             "BLIS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse
import collections
import glob
import json
import platform
import sys
import time

try:
    import numpy as np
    import scipy
    import sklearn
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score, precision_score, recall_score, accuracy_score
    from sklearn.model_selection import StratifiedKFold
    from sklearn.pipeline import FeatureUnion, Pipeline
except ImportError as exc:  # pragma: no cover
    sys.exit(f"baseline_cv.py: {exc}. Install with: "
             f"pip install -r {os.path.join(os.path.dirname(os.path.abspath(__file__)), 'requirements-baseline.txt')}")

# The labelled data sets: $SENTINELLE_DATA, else ../shared/data beside the checkout (this file is
# in <checkout>/research/).
DEFAULT_DIR = os.environ.get("SENTINELLE_DATA") or os.path.normpath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data"))
N_SPLITS = 10
SEED = 0

# Per data set (file name without .jsonl): label field, expected labels, the paper's metric.
# Extra: per-class (label, ...) whose precision and recall are also reported.
DATASETS = {
    "complaints_en": dict(label_key="label", labels=["complaint", "not_complaint"], metric="macro_f1"),
    "tweeteval_offensive_en": dict(label_key="label", labels=["offensive", "not-offensive"], metric="macro_f1"),
    "tweeteval_hate_en": dict(label_key="label", labels=["hate", "not-hate"], metric="macro_f1"),
    "tweeteval_sentiment_en": dict(label_key="label", labels=["negative", "neutral", "positive"],
                                   metric="macro_recall"),
    "davidson_hate_offensive_en": dict(label_key="label",
                                       labels=["hate_speech", "offensive_language", "neither"],
                                       metric="weighted_f1", class_pr=["hate_speech"]),
    "hatexplain_en": dict(label_key="label", labels=["hatespeech", "offensive", "normal"], metric="macro_f1"),
    "mlma_hate_en": dict(label_key="binary_label", labels=["normal", "toxic"], metric="macro_f1"),
    "mlma_hate_fr": dict(label_key="binary_label", labels=["normal", "toxic"], metric="macro_f1"),
    "ftr_racism_fr": dict(label_key="label", labels=["racist", "non_racist"], metric="macro_f1"),
    "cyberagressionado_fr": dict(label_key="label", labels=["hate_speech", "not_hate_speech"], metric="macro_f1"),
    "constraint_covid_fakenews_en": dict(label_key="label", labels=["fake", "real"], metric="weighted_f1"),
    "coaid_en": dict(label_key="label", labels=["fake", "real"], metric="macro_f1"),
    "twcs_airlines_intent_en": dict(skip="for studying replies; 98.9% of rows are UNK"),
}
# Extra evaluations of a subset of a file: (name, file stem, field, value, note).
SUBSETS = [
    ("complaints_en[annotated_subset]", "complaints_en", "annotated_subset", True,
     "only the paper's annotated tweets; the other rows are random tweets/replies, all not_complaint"),
]

METRICS = {
    "macro_f1": ("macro-F1", lambda y, p: f1_score(y, p, average="macro")),
    "macro_recall": ("macro-recall", lambda y, p: recall_score(y, p, average="macro")),
    "weighted_f1": ("weighted-F1", lambda y, p: f1_score(y, p, average="weighted")),
    "accuracy": ("accuracy", accuracy_score),
}


def make_pipeline():
    features = FeatureUnion([
        ("word", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), lowercase=True)),
        ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), lowercase=True)),
    ])
    model = LogisticRegression(class_weight="balanced", max_iter=2000)
    return Pipeline([("tfidf", features), ("lr", model)])


def load(path, label_key, subset=None):
    """Rows of a JSONL file -> (texts, labels, report of what was dropped / odd)."""
    texts, labels = [], []
    n_total = n_empty = n_nolabel = n_subset_out = 0
    with open(path, encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            n_total += 1
            if subset is not None and row.get(subset[0]) != subset[1]:
                n_subset_out += 1
                continue
            text, label = row.get("text"), row.get(label_key)
            if not isinstance(text, str) or not text.strip():
                n_empty += 1
                continue
            if label is None or label == "":
                n_nolabel += 1
                continue
            texts.append(text)
            labels.append(str(label))
    # Duplicate texts (exact, and after lowercasing / collapsing whitespace) and label conflicts.
    exact = collections.Counter(texts)
    norm = collections.defaultdict(set)
    norm_count = collections.Counter()
    for t, y in zip(texts, labels):
        k = " ".join(t.lower().split())
        norm[k].add(y)
        norm_count[k] += 1
    info = dict(
        rows_in_file=n_total,
        dropped_empty_text=n_empty,
        dropped_missing_label=n_nolabel,
        excluded_by_subset=n_subset_out,
        duplicate_texts_exact=sum(c - 1 for c in exact.values() if c > 1),
        duplicate_texts_normalised=sum(c - 1 for c in norm_count.values() if c > 1),
        duplicate_groups_with_conflicting_labels=sum(1 for s in norm.values() if len(s) > 1),
    )
    return texts, labels, info


def evaluate(texts, labels, metric, class_pr=(), progress=None):
    y = np.array(labels)
    X = np.array(texts, dtype=object)
    skf = StratifiedKFold(n_splits=N_SPLITS, shuffle=True, random_state=SEED)
    extra_names = ["macro_f1", "weighted_f1", "macro_recall", "accuracy"]
    per_fold = collections.defaultdict(list)
    oof = np.empty(len(y), dtype=y.dtype)
    n_iter = []
    for fold, (tr, te) in enumerate(skf.split(X, y)):
        t0 = time.perf_counter()
        pipe = make_pipeline()
        pipe.fit(X[tr], y[tr])
        pred = pipe.predict(X[te])
        oof[te] = pred
        n_iter.append(int(np.max(pipe.named_steps["lr"].n_iter_)))
        for name in extra_names:
            per_fold[name].append(float(METRICS[name][1](y[te], pred)))
        for c in class_pr:
            per_fold[f"{c}_precision"].append(float(precision_score(y[te], pred, labels=[c], average="macro",
                                                                    zero_division=0)))
            per_fold[f"{c}_recall"].append(float(recall_score(y[te], pred, labels=[c], average="macro",
                                                              zero_division=0)))
        if fold == 0:
            first_fold_features = sum(len(t.vocabulary_) for _, t in pipe.named_steps["tfidf"].transformer_list)
        if progress:
            progress(fold, per_fold[metric][-1], time.perf_counter() - t0)
        del pipe
    scores = {k: dict(mean=100 * float(np.mean(v)), std=100 * float(np.std(v)),
                      folds=[round(100 * s, 4) for s in v]) for k, v in per_fold.items()}
    pooled = {name: 100 * float(METRICS[name][1](y, oof)) for name in extra_names}
    for c in class_pr:
        pooled[f"{c}_precision"] = 100 * float(precision_score(y, oof, labels=[c], average="macro", zero_division=0))
        pooled[f"{c}_recall"] = 100 * float(recall_score(y, oof, labels=[c], average="macro", zero_division=0))
    return dict(scores=scores, pooled_out_of_fold=pooled, lr_max_n_iter_per_fold=n_iter,
                features_fold0=first_fold_features)


def run_one(name, path, cfg, subset=None, note=None):
    t_start = time.perf_counter()
    texts, labels, info = load(path, cfg["label_key"], subset)
    counts = collections.Counter(labels)
    expected = cfg.get("labels")
    result = dict(name=name, file=os.path.abspath(path), label_key=cfg["label_key"], metric=cfg["metric"],
                  **info, rows_used=len(texts), label_counts=dict(sorted(counts.items())))
    if note:
        result["note"] = note
    if expected and set(counts) != set(expected):
        result["label_warning"] = f"labels {sorted(counts)} differ from expected {sorted(expected)}"
        print(f"  WARNING {name}: {result['label_warning']}", file=sys.stderr)
    too_small = [c for c, n in counts.items() if n < N_SPLITS]
    if too_small or len(counts) < 2:
        result["skipped"] = f"classes with fewer than {N_SPLITS} rows: {too_small}" if too_small else "one class"
        print(f"  SKIP {name}: {result['skipped']}", file=sys.stderr)
        return result

    def progress(fold, score, secs):
        print(f"  {name} fold {fold + 1}/{N_SPLITS}: {METRICS[cfg['metric']][0]} {100 * score:.1f} ({secs:.1f}s)",
              file=sys.stderr, flush=True)

    result.update(evaluate(texts, labels, cfg["metric"], cfg.get("class_pr", ()), progress))
    result["wall_seconds"] = round(time.perf_counter() - t_start, 1)
    return result


def fmt_table(results):
    head = ["data set", "metric", "score % (mean ± std, 10 folds)", "rows", "empty dropped", "time (s)"]
    lines = []
    for r in results:
        if "skipped" in r and "scores" not in r:
            lines.append([r["name"], "—", f"skipped: {r['skipped']}", str(r.get("rows_used", "—")),
                          str(r.get("dropped_empty_text", "—")), "—"])
            continue
        s = r["scores"][r["metric"]]
        cell = f"{s['mean']:.1f} ± {s['std']:.1f}"
        extras = [k for k in r["scores"]
                  if k.endswith("_precision") or (k.endswith("_recall") and k != "macro_recall")]
        if extras:
            cell += "; " + ", ".join(
                f"{k.replace('_', ' ')} {r['scores'][k]['mean']:.1f} ± {r['scores'][k]['std']:.1f}" for k in extras)
        lines.append([r["name"], METRICS[r["metric"]][0], cell, str(r["rows_used"]),
                      str(r["dropped_empty_text"]), f"{r['wall_seconds']:.1f}"])
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(row) + " |" for row in lines]
    return "\n".join(out)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="*", help=f"JSONL files (default: every *.jsonl in {DEFAULT_DIR})")
    ap.add_argument("--json", metavar="OUT", help="write all results (per-fold scores included) to OUT")
    ap.add_argument("--label-key", default="label", help="label field for files not in the built-in table")
    ap.add_argument("--metric", default="macro_f1", choices=sorted(METRICS),
                    help="metric for files not in the built-in table")
    ap.add_argument("--no-subsets", action="store_true", help="skip the extra subset evaluations")
    args = ap.parse_args(argv)

    files = args.files or sorted(glob.glob(os.path.join(DEFAULT_DIR, "*.jsonl")))
    if not files:
        sys.exit("no input files")
    t_all = time.perf_counter()
    results = []
    for path in files:
        stem = os.path.basename(path)
        stem = stem[:-len(".jsonl")] if stem.endswith(".jsonl") else stem
        cfg = DATASETS.get(stem)
        if cfg is None:
            cfg = dict(label_key=args.label_key, metric=args.metric)
            print(f"{stem}: not in the built-in table; label field '{cfg['label_key']}', {cfg['metric']}",
                  file=sys.stderr)
        if "skip" in cfg:
            print(f"{stem}: skipped ({cfg['skip']})", file=sys.stderr)
            results.append(dict(name=stem, file=os.path.abspath(path), skipped=cfg["skip"]))
            continue
        print(f"{stem}: running", file=sys.stderr, flush=True)
        results.append(run_one(stem, path, cfg))
        if not args.no_subsets:
            for name, sub_stem, field, value, note in SUBSETS:
                if sub_stem == stem:
                    print(f"{name}: running", file=sys.stderr, flush=True)
                    results.append(run_one(name, path, cfg, subset=(field, value), note=note))
    total = time.perf_counter() - t_all

    print(fmt_table(results))
    for r in results:
        odd = []
        if r.get("dropped_empty_text"):
            odd.append(f"{r['dropped_empty_text']} empty text(s) dropped")
        if r.get("dropped_missing_label"):
            odd.append(f"{r['dropped_missing_label']} row(s) without a label dropped")
        if r.get("duplicate_texts_exact") or r.get("duplicate_texts_normalised"):
            odd.append(f"{r['duplicate_texts_exact']} exact / {r['duplicate_texts_normalised']} normalised "
                       f"duplicate texts, {r['duplicate_groups_with_conflicting_labels']} with conflicting labels")
        if r.get("label_warning"):
            odd.append(r["label_warning"])
        if any(n >= 2000 for n in r.get("lr_max_n_iter_per_fold", [])):
            odd.append("LogisticRegression hit max_iter=2000 in some fold")
        if r.get("note"):
            odd.append(r["note"])
        if odd:
            print(f"- {r['name']}: " + "; ".join(odd))
    print(f"total wall time: {total:.1f}s")

    if args.json:
        meta = dict(
            command=" ".join([os.path.basename(sys.executable)] + sys.argv),
            python=platform.python_version(), sklearn=sklearn.__version__, numpy=np.__version__,
            scipy=scipy.__version__,
            features="FeatureUnion(TfidfVectorizer(analyzer='word', ngram_range=(1,2)), "
                     "TfidfVectorizer(analyzer='char_wb', ngram_range=(2,5))), defaults otherwise",
            model="LogisticRegression(class_weight='balanced', max_iter=2000), defaults otherwise",
            folds=f"StratifiedKFold(n_splits={N_SPLITS}, shuffle=True, random_state={SEED})",
            scores="percent; mean and population std (ddof=0) of the per-fold scores",
            total_wall_seconds=round(total, 1),
        )
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(dict(meta=meta, results=results), fh, indent=1, ensure_ascii=False)
            fh.write("\n")
        print(f"wrote {args.json}", file=sys.stderr)


if __name__ == "__main__":
    main()
