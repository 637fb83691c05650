#!/usr/bin/env python3
"""Draws the rows of the development set from ../shared/data: a fixed, seeded sample from every
source and both languages, stratified by each source's own labels so that every category of the
plan has rows where the sources have them. Writes data/dev/pool.jsonl (with the source and its
label, for the report) and the two blind annotation passes (`dev-id` and text only, each in its
own shuffled order) to the folder given.

    python3 research/devset/sample.py OUT_DIR

Deterministic: the same data gives the same rows. The French brand inbox's labelled rows
(crisis_dev_fr_brand.jsonl) are already labelled and are not drawn again; its unlabelled pool is.
"""
import hashlib
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..', '..'))
DATA = os.environ.get('SENTINELLE_DATA') or os.path.normpath(os.path.join(ROOT, '..', 'shared', 'data'))

# source file -> (field that stratifies, {stratum: rows}); None: any label.
PLAN = {
    'complaints_en.jsonl': ('label', {'complaint': 40, 'not_complaint': 30}),
    'tweeteval_offensive_en.jsonl': ('label', {'offensive': 40, 'not-offensive': 20}),
    'tweeteval_hate_en.jsonl': ('label', {'hate': 40, 'not-hate': 20}),
    'tweeteval_sentiment_en.jsonl': ('label', {'positive': 30, 'negative': 15, 'neutral': 15}),
    'davidson_hate_offensive_en.jsonl': ('label', {'hate_speech': 25, 'offensive_language': 15, 'neither': 10}),
    'hatexplain_en.jsonl': ('label', {'hatespeech': 25, 'offensive': 15, 'normal': 10}),
    'mlma_hate_en.jsonl': ('label', None, 40),
    'mlma_hate_fr.jsonl': ('label', None, 60),
    'ftr_racism_fr.jsonl': ('label', {'racist': 40, 'non_racist': 20}),
    'cyberagressionado_fr.jsonl': ('verbal_abuse', {'threat': 50, 'name_calling': 25, 'denigration': 25, 'aggression-other': 15, 'blaming': 10, 'none': 15}),
    'constraint_covid_fakenews_en.jsonl': ('label', {'fake': 35, 'real': 15}),
    'coaid_en.jsonl': ('label', {'fake': 25, 'real': 15}),
    'twcs_airlines_intent_en.jsonl': ('label', {'FLIGHTSTAFF': 25, 'DELAY': 15, 'BAGGAGE': 10, 'OTHER': 10, 'CUSTSUPP': 10, 'BOOKFLT': 10, 'UNK': 20}),
    'free_fr_brand_unlabelled.jsonl': ('label', None, 420),
}


def rows(name):
    with open(os.path.join(DATA, name), encoding='utf-8') as f:
        for line in f:
            line = line.strip()
            if line:
                r = json.loads(line)
                if (r.get('text') or '').strip():
                    yield r


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, 'data', 'dev')
    os.makedirs(out, exist_ok=True)
    rng = random.Random(20261204)
    pool, seen = [], set()
    for name, spec in PLAN.items():
        field, strata = spec[0], spec[1]
        all_rows = list(rows(name))
        rng.shuffle(all_rows)
        picked = []
        if strata is None:
            picked = all_rows[: spec[2]]
        else:
            for stratum, n in strata.items():
                picked += [r for r in all_rows if str(r.get(field)) == stratum][:n]
        for r in picked:
            key = ' '.join(r['text'].split()).lower()
            if key in seen:
                continue  # the same text twice (retweets) would be labelled twice
            seen.add(key)
            pool.append({'source': name[: -len('.jsonl')], 'source_id': r['id'], 'lang': r.get('lang'),
                         'source_label': r.get(field) if strata is not None else r.get('label'), 'text': r['text']})
    rng.shuffle(pool)
    for i, r in enumerate(pool):
        r['id'] = f'dev-{i + 1:04d}'
        # The fixed untouched part: a hash of the text, so it never moves with the sample's order;
        # the airline set (CC BY-NC-SA) is never tuned on at all.
        h = int(hashlib.sha256(r['text'].encode()).hexdigest(), 16) % 100
        r['part'] = 'untouched' if h < 30 or r['source'].startswith('twcs') else 'tune'
    with open(os.path.join(out, 'pool.jsonl'), 'w', encoding='utf-8') as f:
        for r in pool:
            f.write(json.dumps({k: r[k] for k in ('id', 'part', 'source', 'source_id', 'lang', 'source_label', 'text')}, ensure_ascii=False) + '\n')
    for k, seed in (('pass1', 1), ('pass2', 2)):
        order = pool[:]
        random.Random(seed).shuffle(order)
        with open(os.path.join(out, f'{k}.jsonl'), 'w', encoding='utf-8') as f:
            for r in order:
                f.write(json.dumps({'id': r['id'], 'text': r['text']}, ensure_ascii=False) + '\n')
    print(f'{len(pool)} rows; untouched: {sum(r["part"] == "untouched" for r in pool)}')


if __name__ == '__main__':
    main()
