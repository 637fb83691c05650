// The fixed corpus of `make bench` (bench/run.mjs) and of the Spark run (research/spark): `total`
// real messages of 100 characters, a fixed spread over ../shared/data (bench/sample.mjs), each on
// one line — a line break inside a text becomes a space, so the peers can read one message a line.
//   node bench/corpus.mjs [MESSAGES=50000]   writes target/bench/corpus.{jsonl,txt}
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, benchSample } from './sample.mjs';

export const oneLine = (t) => t.replace(/[\r\n\u2028\u2029\u0085\v\f\x1c-\x1e]/g, ' ');

/** Writes target/bench/corpus.{jsonl,txt}; returns the messages `{id, text}`. */
export function writeCorpus(total, dir = path.join(ROOT, 'target/bench')) {
  const corpus = benchSample(total, 100).map((m, k) => ({ id: `m${String(k).padStart(7, '0')}`, text: oneLine(m.text) }));
  if (corpus.length < total) throw new Error(`../shared/data gives ${corpus.length} messages, fewer than ${total}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'corpus.jsonl'), corpus.map((m) => JSON.stringify(m)).join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'corpus.txt'), corpus.map((m) => m.text).join('\n') + '\n');
  return corpus;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const corpus = writeCorpus(Number(process.argv[2] || 50_000));
  console.log(`${corpus.length} messages → target/bench/corpus.{jsonl,txt}`);
}
