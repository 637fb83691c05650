#!/usr/bin/env node
// Draws the extension icons (extension/icons/icon-{16,32,48,128}.png): a speech bubble on a blue
// rounded square, with an amber dot for "needs attention". The PNGs are committed as sources;
// this script is how they are rebuilt (no image tools needed: shapes are signed distances,
// 4×4 supersampled, written with zlib).
import { writeFileSync, mkdirSync } from 'node:fs';
import { deflateSync, crc32 } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const OUT = fileURLToPath(new URL('../extension/icons/', import.meta.url));
const SIZES = [16, 32, 48, 128];

// Shapes in a 0..1 square, each a signed distance (negative inside).
const roundRect = (x, y, cx, cy, hw, hh, r) => {
  const qx = Math.abs(x - cx) - hw + r;
  const qy = Math.abs(y - cy) - hh + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
};
const circle = (x, y, cx, cy, r) => Math.hypot(x - cx, y - cy) - r;
const triangle = (x, y) => { // the bubble's tail, pointing down-left
  const inside = y > 0.62 && y < 0.82 && x > 0.28 && x < 0.46 && x - 0.28 < (0.82 - y) * 0.9;
  return inside ? -1 : 1;
};

const BLUE = [36, 71, 196];
const WHITE = [255, 255, 255];
const AMBER = [245, 166, 35];

function colourAt(x, y) {
  if (roundRect(x, y, 0.5, 0.5, 0.5, 0.5, 0.2) > 0) return null; // transparent corner
  if (circle(x, y, 0.74, 0.28, 0.13) < 0) return AMBER;
  if (roundRect(x, y, 0.5, 0.46, 0.3, 0.2, 0.1) < 0 || triangle(x, y) < 0) return WHITE;
  return BLUE;
}

function pixels(size) {
  const ss = 4;
  const rgba = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let [r, g, b, a] = [0, 0, 0, 0];
      for (let sy = 0; sy < ss; sy++) {
        for (let sx = 0; sx < ss; sx++) {
          const c = colourAt((px + (sx + 0.5) / ss) / size, (py + (sy + 0.5) / ss) / size);
          if (!c) continue;
          r += c[0]; g += c[1]; b += c[2]; a += 1;
        }
      }
      const i = (py * size + px) * 4;
      if (a) rgba.set([Math.round(r / a), Math.round(g / a), Math.round(b / a), Math.round((255 * a) / (ss * ss))], i);
    }
  }
  return rgba;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

function png(size) {
  const rgba = pixels(size);
  const raw = Buffer.alloc(size * (size * 4 + 1)); // each scanline: filter byte 0, then RGBA
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

mkdirSync(OUT, { recursive: true });
for (const size of SIZES) {
  const file = `${OUT}icon-${size}.png`;
  writeFileSync(file, png(size));
  console.log(`wrote ${file}`);
}
