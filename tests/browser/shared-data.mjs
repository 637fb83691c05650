// Where the labelled data sets are: ../shared/data, beside the checkout. The one place the
// JavaScript tests and benchmarks find them; tests that need them say so in their names.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SHARED_DATA = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'data');

/** The path of `file` in the shared data; throws with what is missing. */
export function sharedData(file = '') {
  if (!existsSync(SHARED_DATA)) throw new Error(`${SHARED_DATA}: the labelled data sets must sit beside the checkout, as ../shared/data`);
  return join(SHARED_DATA, file);
}
