#!/usr/bin/env python3
"""Merges the two blind labelling passes of the development set (data/dev/labels/out-pass1*.jsonl
and out-pass2*.jsonl, by different annotators, each in its own shuffled order) into
data/dev/crisis_dev_mixed.jsonl: the rows whose two primaries agree, labelled as the first pass
says, `ambiguous` when either pass marked it so. Prints the agreement report.

    python3 research/devset/merge.py
"""
import collections
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
DEV = os.path.normpath(os.path.join(HERE, '..', '..', 'data', 'dev'))


def read(path):
    with open(path, encoding='utf-8') as f:
        return [json.loads(l) for l in f if l.strip()]


def main():
    pool = {r['id']: r for r in read(os.path.join(DEV, 'pool.jsonl'))}
    p1, p2 = {}, {}
    for name in sorted(os.listdir(os.path.join(DEV, 'labels'))):
        into = p1 if name.startswith('out-pass1') else p2 if name.startswith('out-pass2') else None
        if into is not None:
            for r in read(os.path.join(DEV, 'labels', name)):
                into[r['id']] = r
    missing = [i for i in pool if i not in p1 or i not in p2]
    if missing:
        raise SystemExit(f'{len(missing)} rows lack a label in one pass, e.g. {missing[:3]}')
    n = len(pool)
    agree = [i for i in pool if p1[i]['primary'] == p2[i]['primary']]
    c1 = collections.Counter(p1[i]['primary'] for i in pool)
    c2 = collections.Counter(p2[i]['primary'] for i in pool)
    pe = sum(c1[k] * c2[k] for k in c1) / n / n
    po = len(agree) / n
    out = []
    for i in sorted(agree):
        src, a, b = pool[i], p1[i], p2[i]
        out.append({'id': i, 'text': src['text'], 'lang': src['lang'], 'primary': a['primary'], 'categories': a['categories'],
                    'severity': a['severity'], 'response': a['response'], 'ambiguous': bool(a.get('ambiguous') or b.get('ambiguous')),
                    'part': src['part'], 'source': src['source'], 'source_id': src['source_id']})
    with open(os.path.join(DEV, 'crisis_dev_mixed.jsonl'), 'w', encoding='utf-8') as f:
        for r in out:
            f.write(json.dumps(r, ensure_ascii=False) + '\n')
    for part in ('tune', 'untouched'):
        rows = [r for r in out if r['part'] == part]
        with open(os.path.join(DEV, f'crisis_dev_mixed_{part}.jsonl'), 'w', encoding='utf-8') as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + '\n')
    print(f'rows drawn: {n}; the two passes agree on the primary of {len(agree)} ({100 * po:.1f} %, Cohen kappa {(po - pe) / (1 - pe):.3f});'
          f" severity {100 * sum(p1[i]['severity'] == p2[i]['severity'] for i in pool) / n:.1f} %, response {100 * sum(p1[i]['response'] == p2[i]['response'] for i in pool) / n:.1f} %")
    print(f'kept: {len(out)} (tune {sum(r["part"] == "tune" for r in out)}, untouched {sum(r["part"] == "untouched" for r in out)}); ambiguous: {sum(r["ambiguous"] for r in out)}')
    print('\n| category | fr | en | all | tune | untouched |\n|---|---|---|---|---|---|')
    cats = ['identity_attack', 'insensitivity_backlash', 'misinformation', 'defamation_risk', 'employee_misconduct', 'safety_incident',
            'threat', 'abuse', 'complaint', 'question', 'praise', 'other']
    for c in cats:
        rows = [r for r in out if r['primary'] == c]
        print(f"| {c} | {sum(r['lang'] == 'fr' for r in rows)} | {sum(r['lang'] == 'en' for r in rows)} | {len(rows)} | {sum(r['part'] == 'tune' for r in rows)} | {sum(r['part'] == 'untouched' for r in rows)} |")
    print('\n| source | drawn | agreed |\n|---|---|---|')
    for s in sorted({r['source'] for r in pool.values()}):
        ids = [i for i in pool if pool[i]['source'] == s]
        print(f"| {s} | {len(ids)} | {sum(p1[i]['primary'] == p2[i]['primary'] for i in ids)} |")
    # What each public set's own label turns out to be under the plan's taxonomy (rows kept): how far
    # a public set's metric, through the mapping `eval --verdicts` uses, can measure the verdict.
    print('\n| source | its label | rows | primary by the taxonomy |\n|---|---|---|---|')
    by = collections.defaultdict(collections.Counter)
    for r in out:
        label = pool[r['id']].get('source_label')
        if label is not None:
            by[(r['source'], label)][r['primary']] += 1
    for (s, label), c in sorted(by.items()):
        if sum(c.values()) >= 5:
            print(f"| {s} | {label} | {sum(c.values())} | {', '.join(f'{k} {v}' for k, v in c.most_common())} |")


if __name__ == '__main__':
    main()
