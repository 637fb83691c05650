#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpora (fuzz/corpus/<target>/) from the project's real files:
the default plan, the export fixtures, the golden cases' texts, the plan's reply templates, an
incident log like the popup's, and a few rows of ../shared/data when it is there. Each seed
starts with the option bytes its target reads first (fuzz/src/lib.rs). Run from the repository:
`python3 fuzz/seed.py`. Small on purpose: a few hundred KB in all."""
import glob, json, os, pathlib, re, shutil

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "fuzz" / "corpus"
SHARED = ROOT.parent / "shared" / "data"


def put(target, name, data):
    d = OUT / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data if isinstance(data, bytes) else data.encode())


shutil.rmtree(OUT, ignore_errors=True)
plan_text = (ROOT / "data" / "plan.default.json").read_text()
plan = json.loads(plan_text)

# plan: the default plan as shipped and minified, a small one cut from it, and broken ones.
put("plan", "default.json", plan_text)
small = dict(plan)
small["categories"] = {k: v for k, v in list(plan["categories"].items())[:2]}
small["templates"] = plan["templates"][:2]
put("plan", "small.json", json.dumps(small, ensure_ascii=False))
put("plan", "empty_object.json", "{}")
put("plan", "wrong_types.json", '{"version": "1", "name": 3, "thresholds": {"flag": -1}}')
put("plan", "bad_term.json", json.dumps({**small, "categories": {"threat": {"description": "x", "terms": [{"lang": "fr", "weight": 2, "terms": ["*", ""]}]}}}))

# triage: three option bytes, then texts (U+0000 between messages, U+001E between a message's
# text, author, lang and platform), from the golden cases.
texts = []
for f in sorted(glob.glob(str(ROOT / "tests" / "cases" / "*.toml"))):
    texts += re.findall(r'^text\s*=\s*"((?:[^"\\]|\\.)*)"', pathlib.Path(f).read_text(), re.M)[:3]
for i in range(0, len(texts), 4):
    put("triage", f"cases_{i // 4:02}", b"\x25\x03\x00" + "\0".join(texts[i:i + 4]).encode())
put("triage", "fields", b"\xe1\xff\x0f" + "Arnaque !\u001e@Zoé\u001efr\u001efacebook\0😡👨‍👩‍👧 e\u0301 ﬁ İ ß".encode())

# ingest: the option byte (0: detect), eight mapping bytes (0: by the usual names), a buffer
# byte, then the export as written.
pre = b"\x00" * 9 + b"\x07"
for f in sorted(glob.glob(str(ROOT / "tests" / "exports" / "*" / "export.*"))) + sorted(glob.glob(str(ROOT / "tests" / "fixtures" / "*"))):
    p = pathlib.Path(f)
    if p.stat().st_size < 20000 and p.suffix in (".csv", ".tsv", ".json", ".jsonl", ".txt"):
        put("ingest", f"{p.parent.name}_{p.name}", pre + p.read_bytes())
# the same CSV with columns picked by hand from its header (mapping bytes 3, 7, 11…)
meta = ROOT / "tests" / "exports" / "meta_business_suite" / "export.csv"
if meta.exists():
    put("ingest", "meta_mapped.csv", b"\x01\x03\x07\x0b\x0f\x13\x02\x00\x00\x05" + meta.read_bytes())

# templates: a byte of which variables have values, then the body (U+0000, then the value).
for i, t in enumerate(plan.get("templates", [])[:24]):
    put("templates", f"plan_{i:02}_{t['id']}", bytes([0x55 if i % 2 else 0x80]) + t["body"].encode() + "\0Léa".encode())
put("templates", "braces", b"\x03" + "{{literal}} {author} }} {agent}{link}\0 ".encode())

# packed: JSON values of every kind, a verdict's shape, and text.
put("packed", "values.json", json.dumps({"a": [1, -2.5, 1e300, True, None, "é😡\u0000"], "b": {"": {"a": []}}, "c": "x" * 40}, ensure_ascii=False))
put("packed", "verdict_like.json", json.dumps([{"id": "1", "categories": [{"category": "threat", "score": 0.85, "evidence": [{"start": 0, "end": 3, "text": "😡ab", "rule": "x*"}]}]}], ensure_ascii=False))
put("packed", "text", b"\x01\x00\x00" + "Vous êtes des escrocs 😡\0Thanks!".encode())

# incident_log: the popup's export, and variations.
log = {"kind": "sentinelle-incident-log", "version": 1, "plan": "Plan de crise", "exported": "2026-03-02T18:00:00.000Z",
       "windows": [{"start": "2026-03-02T08:%02d:00.000Z" % (10 * i), "minutes": 10, "counts": {"question": 3, "misinformation": 10 * i}} for i in range(6)],
       "crisis": [{"on": True, "time": "2026-03-02T08:55:00.000Z"}, {"on": False, "time": 1772445600000}]}
put("incident_log", "popup_export.json", json.dumps(log))
put("incident_log", "empty.json", json.dumps({**log, "windows": [], "crisis": []}))
put("incident_log", "other_kind.json", '{"kind":"other","version":1,"windows":[]}')

# a few real rows of the shared labelled data, as text and as JSON Lines exports
for name in ["crisis_dev_fr_brand.jsonl", "mlma_hate_fr.jsonl", "hatexplain_en.jsonl", "twcs_airlines_intent_en.jsonl"]:
    f = SHARED / name
    if not f.exists():
        continue
    with open(f, encoding="utf-8") as fh:
        lines = [next(fh) for _ in range(12)]
    rows = [json.loads(l) for l in lines]
    put("ingest", f"shared_{name}", pre + "".join(lines).encode())
    put("triage", f"shared_{name}", b"\x01\x00\x00" + "\0".join(r["text"] for r in rows[:8]).encode())
    put("packed", f"shared_{name}", b"\x00\x00\x00" + "\0".join(r["text"] for r in rows[:3]).encode())

total = sum(p.stat().st_size for p in OUT.rglob("*") if p.is_file())
print(f"{sum(1 for p in OUT.rglob('*') if p.is_file())} seeds, {total // 1024} KB")
