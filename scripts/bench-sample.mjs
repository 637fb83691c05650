// The messages both wasm benchmarks triage: real texts from ../shared/data, cut or filled with
// the next texts to 200 characters, a fixed spread-out sample so every run measures the same messages.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * `total` messages `{id, text}` of 200 characters: each non-empty text, cut, or followed by the
 * next texts of its file until it is long enough — not repeated, which would make counting
 * features cheaper than in real messages (8 % of the character n-gram work is repeated words in
 * real texts, 48 % in texts padded with themselves). examples/common/mod.rs builds the same ones.
 */
export function benchSample(total) {
  const data = ['../shared/data', '../../shared/data'].map((d) => path.resolve(ROOT, d)).find((d) => fs.existsSync(d));
  if (!data) throw new Error('../shared/data not found');
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
      for (let k = 1; [...m].length < 200; k++) m += ' ' + file[(i + k) % file.length];
      texts.push([...m].slice(0, 200).join(''));
    });
  }
  const step = Math.max(1, Math.floor(texts.length / total));
  const sample = [];
  for (let i = 0; sample.length < total && i < texts.length; i += step) sample.push({ id: String(i), text: texts[i] });
  return sample;
}
