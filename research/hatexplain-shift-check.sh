#!/usr/bin/env bash
# A second look at TweetEval hate's shift, on another data set: HateXplain's tweets about women
# and migrants (targets Women, Refugee, Arab, Islam, Hispanic; "hate" = its hatespeech label),
# scored by a model trained on every data set *except* HateXplain (so no head has seen them),
# then by the plain baseline trained on TweetEval hate. About 2 minutes.
# Research, not part of the product or of CI (see research/README.md).
#   bash research/hatexplain-shift-check.sh [TMPDIR]
# The data sets: $SENTINELLE_DATA, else ../shared/data beside the checkout.
source "$(dirname "$0")/../scripts/lib.sh"
DATA="${SENTINELLE_DATA:-$ROOT/../shared/data}"
[ -d "$DATA" ] || die "$DATA not found (set SENTINELLE_DATA)"
WORK="${1:-$(mktemp -d)}"
mkdir -p "$WORK/data"
for f in "$DATA"/*.jsonl; do
  case "$f" in *hatexplain*) ;; *) ln -sf "$f" "$WORK/data/" ;; esac
done
python3 - "$DATA/hatexplain_en.jsonl" "$WORK/tweeteval_hate_en_hatexplain.jsonl" <<'PY'
import json, sys
keep = {"Women", "Refugee", "Arab", "Islam", "Hispanic"}
with open(sys.argv[1]) as src, open(sys.argv[2], "w") as out:
    for line in src:
        r = json.loads(line)
        if keep & set(r.get("targets") or []):
            label = "hate" if r["label"] == "hatespeech" else "not-hate"
            out.write(json.dumps({"id": r["id"], "text": r["text"], "label": label, "lang": "en"}) + "\n")
PY
BIN="$ROOT/target/release/sentinelle"
[ -x "$BIN" ] || (cd "$ROOT" && cargo build --release)
say "training without HateXplain"
"$BIN" train --data "$WORK/data" --out "$WORK/model.bin" --report "$WORK/model.json" >/dev/null
"$BIN" eval --model "$WORK/model.bin" --report "$WORK/model.json" "$WORK/tweeteval_hate_en_hatexplain.jsonl"
say "plain baseline trained on TweetEval hate"
ROOT="$ROOT" python3 - "$DATA/tweeteval_hate_en.jsonl" "$WORK/tweeteval_hate_en_hatexplain.jsonl" <<'PY'
import json, os, sys
sys.path.insert(0, os.path.join(os.environ.get("ROOT", "."), "research"))
from baseline_cv import make_pipeline
from sklearn.metrics import f1_score
rows = lambda p: [r for r in map(json.loads, open(p)) if (r.get("text") or "").strip()]
train, test = rows(sys.argv[1]), rows(sys.argv[2])
m = make_pipeline().fit([r["text"] for r in train], [r["label"] == "hate" for r in train])
gold = [r["label"] == "hate" for r in test]
pred = m.predict([r["text"] for r in test])
print(f"plain baseline: macro-F1 {100 * f1_score(gold, pred, average='macro'):.1f} on {len(test)} rows")
PY
