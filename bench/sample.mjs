// The messages both wasm benchmarks triage: real texts from ../shared/data, cut or filled with
// the next texts to 200 characters, a fixed spread-out sample so every run measures the same messages.
import { sharedData } from '../tests/browser/shared-data.mjs';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * `total` messages `{id, text}` of `length` characters (200 unless told; bench/run.mjs's corpus
 * asks for 100): each non-empty text, cut, or followed by the next texts of its file until it is long enough — not repeated, which would make counting
 * features cheaper than in real messages (8 % of the character n-gram work is repeated words in
 * real texts, 48 % in texts padded with themselves). bench/common/mod.rs builds the same ones.
 */
export function benchSample(total, length = 200) {
  const data = sharedData();
  const texts = [];
  for (const f of fs.readdirSync(data).filter((f) => f.endsWith('.jsonl')).sort()) {
    const file = [];
    for (const line of fs.readFileSync(path.join(data, f), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const t = JSON.parse(line).text || '';
      if (t.trim()) file.push(t);
    }
    file.forEach((t, i) => {
      let m = t;
      for (let k = 1; [...m].length < length; k++) m += ' ' + file[(i + k) % file.length];
      texts.push([...m].slice(0, length).join(''));
    });
  }
  const step = Math.max(1, Math.floor(texts.length / total));
  const sample = [];
  for (let i = 0; sample.length < total && i < texts.length; i += step) sample.push({ id: String(i), text: texts[i] });
  return sample;
}

/** Every 97th message is also triaged alone: the check compares the two verdicts. */
export const CHECK_EVERY = 97;

/**
 * What a benchmark's answer is checked on: the ids of one full run's verdicts, and for every
 * CHECK_EVERY-th message its verdict in the batch beside the verdict it gets alone. Kept small so
 * a page can hand it back to Node (bench/browser.mjs computes the same inside the page).
 */
export function answerOf(triageBatch, sample, batchSize) {
  const verdicts = [];
  for (let i = 0; i < sample.length; i += batchSize) verdicts.push(...triageBatch(sample.slice(i, i + batchSize)));
  const pairs = [];
  for (let i = 0; i < sample.length; i += CHECK_EVERY) pairs.push([i, verdicts[i], triageBatch([sample[i]])[0]]);
  return { ids: verdicts.map((v) => v.id), pairs };
}

/**
 * Checks what a benchmark timed: one verdict per message, in order, and each checked message's
 * batch verdict equal to the verdict it gets alone. Returns how many were compared; throws on
 * the first difference.
 */
export function checkAnswer({ ids, pairs }, sample) {
  if (ids.length !== sample.length) throw new Error(`${ids.length} verdicts for ${sample.length} messages`);
  ids.forEach((id, i) => {
    if (id !== sample[i].id) throw new Error(`message ${sample[i].id}: verdict ${id} in its place`);
  });
  for (const [i, inBatch, alone] of pairs) {
    if (JSON.stringify(inBatch) !== JSON.stringify(alone)) throw new Error(`message ${sample[i].id}: the batch's verdict differs from the one it gets alone`);
  }
  return pairs.length;
}
