// The npm peers of the benchmark (bench/run.mjs), each behind the same tiny interface: one text
// in, flagged or not out. Pinned in bench/peers/package.json, installed by scripts/bench.sh.
//
//   node bench/peers/peers.mjs NAME FILE             whole process: one 0/1 per line of FILE on stdout
//   node bench/peers/peers.mjs NAME FILE --predict   predict-only: the classify loop alone, timed in
//                                                    process (a warm-up pass, then the median of 3), as JSON
//
// What "flagged" means for each is what the library itself answers: leo-profanity, obscenity and
// bad-words say whether a text holds profanity; AFINN `sentiment` flags a negative score.
// Before it runs, each checks one text it must flag and one it must not (the bench checks the answer
// it times: a library that loaded no word list would be fast and wrong).
import fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

const PEERS = {
  'leo-profanity-en': () => {
    const leo = require('leo-profanity');
    leo.loadDictionary('en');
    return { flag: (t) => leo.check(t), yes: 'what a fucking joke', no: 'thanks for the quick answer' };
  },
  'leo-profanity-fr': () => {
    const leo = require('leo-profanity');
    leo.loadDictionary('fr');
    return { flag: (t) => leo.check(t), yes: 'quel connard, ce vendeur', no: 'merci pour votre réponse rapide' };
  },
  'sentiment-afinn': () => {
    const Sentiment = require('sentiment');
    const s = new Sentiment();
    return { flag: (t) => s.analyze(t).score < 0, yes: 'I hate this awful service', no: 'thanks, great help' };
  },
  obscenity: () => {
    const { RegExpMatcher, englishDataset, englishRecommendedTransformers } = require('obscenity');
    const m = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });
    return { flag: (t) => m.hasMatch(t), yes: 'what a fucking joke', no: 'thanks for the quick answer' };
  },
  'bad-words': () => {
    const { Filter } = require('bad-words');
    const f = new Filter();
    return { flag: (t) => f.isProfane(t), yes: 'what a fucking joke', no: 'thanks for the quick answer' };
  },
};

const [name, file, mode] = process.argv.slice(2);
if (!PEERS[name] || !file) {
  console.error(`usage: node bench/peers/peers.mjs ${Object.keys(PEERS).join('|')} FILE [--predict]`);
  process.exit(2);
}
const peer = PEERS[name]();
if (!peer.flag(peer.yes) || peer.flag(peer.no)) throw new Error(`${name}: the known sample is not answered as expected`);
const lines = fs.readFileSync(file, 'utf8').split('\n');
if (lines.at(-1) === '') lines.pop();

const classify = () => {
  const out = new Uint8Array(lines.length);
  for (let i = 0; i < lines.length; i++) out[i] = peer.flag(lines[i]) ? 1 : 0;
  return out;
};

if (mode === '--predict') {
  classify(); // warm-up: the JIT, the word lists' first use
  const ms = [];
  for (let r = 0; r < 3; r++) {
    const s = performance.now();
    classify();
    ms.push(performance.now() - s);
  }
  ms.sort((a, b) => a - b);
  console.log(JSON.stringify({ messages: lines.length, ms: ms[1] }));
} else {
  process.stdout.write(Array.from(classify()).join('\n') + '\n');
}
