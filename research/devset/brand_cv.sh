#!/usr/bin/env bash
# The whole verdict on the French brand file, cross-validated: the learned decision is trained on
# the development set and four fifths of the brand file, and the verdict is scored on the fifth it
# never saw, five times. This is what an agent on that inbox gets from a decision trained on it.
#
#     bash research/devset/brand_cv.sh   (after `cargo build --release`)
set -euo pipefail
cd "$(dirname "$0")/../.."
brand=../shared/data/crisis_dev_fr_brand.jsonl
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$brand" "$work" <<'PY'
import random, sys
rows = [l for l in open(sys.argv[1], encoding='utf-8') if l.strip()]
random.Random(7).shuffle(rows)
for k in range(5):
    open(f'{sys.argv[2]}/test{k}.jsonl', 'w', encoding='utf-8').writelines(rows[k::5])
    open(f'{sys.argv[2]}/train{k}.jsonl', 'w', encoding='utf-8').writelines(r for i, r in enumerate(rows) if i % 5 != k)
PY
for k in 0 1 2 3 4; do
  target/release/sentinelle train --decision data/dev/crisis_dev_mixed.jsonl "$work/train$k.jsonl" --out "$work/d$k.json" --folds 2 >/dev/null 2>&1
  target/release/sentinelle eval --decision "$work/d$k.json" --verdicts "$work/test$k.jsonl" | sed -n 3p >>"$work/table"
done
# Rows | accuracy | macro-F1 | … : accuracy pooled over the folds, macro-F1 their mean.
python3 - "$work/table" <<'PY'
import sys
rows = [[c.strip().strip('*') for c in l.split('|')[1:-1]] for l in open(sys.argv[1])]
n = sum(int(r[1]) for r in rows)
acc = sum(int(r[1]) * float(r[2]) for r in rows) / n
print(f'French brand file, the verdict, 5-fold: {n} rows, primary accuracy {acc:.1f}, macro-F1 {sum(float(r[3]) for r in rows) / len(rows):.1f} (mean of folds)')
PY
