/**
 * Draws Pulse's logos (a white heartbeat line on a blue rounded square) as real PNGs:
 * manifest/assets/logo.png (320×320) and logo-small.png (128×128).
 * Run: `npx tsx scripts/package/logos.ts` (the PNGs are committed).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodePng } from './png.js';

const LINE: [number, number][] = [
  [0.12, 0.55], [0.34, 0.55], [0.42, 0.36], [0.5, 0.74], [0.58, 0.24], [0.66, 0.55], [0.88, 0.55],
];

function distanceToSegment(px: number, py: number, [ax, ay]: [number, number], [bx, by]: [number, number]): number {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

export function drawLogo(size: number): Uint8Array {
  const rgba = new Uint8Array(size * size * 4);
  const radius = 0.18 * size;
  const half = 0.075 * size / 2; // line half-width in pixels
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const px = x + 0.5;
      const py = y + 0.5;
      // Rounded-square coverage (signed distance, 1px antialiasing).
      const qx = Math.max(Math.abs(px - size / 2) - (size / 2 - radius), 0);
      const qy = Math.max(Math.abs(py - size / 2) - (size / 2 - radius), 0);
      const outside = Math.hypot(qx, qy) - radius;
      const alpha = Math.max(0, Math.min(1, 0.5 - outside));
      // Vertical gradient: Garden blue 600 → kale-ish teal.
      const g = y / size;
      let r = 31 + (3 - 31) * g;
      let gr = 115 + (100 - 115) * g;
      let b = 183 + (120 - 183) * g;
      let d = Infinity;
      for (let i = 0; i + 1 < LINE.length; i++) {
        const a = LINE[i]!;
        const c = LINE[i + 1]!;
        d = Math.min(d, distanceToSegment(px, py, [a[0] * size, a[1] * size], [c[0] * size, c[1] * size]));
      }
      const ink = Math.max(0, Math.min(1, half + 0.5 - d));
      r += (255 - r) * ink;
      gr += (255 - gr) * ink;
      b += (255 - b) * ink;
      const o = (y * size + x) * 4;
      rgba[o] = Math.round(r);
      rgba[o + 1] = Math.round(gr);
      rgba[o + 2] = Math.round(b);
      rgba[o + 3] = Math.round(alpha * 255);
    }
  }
  return rgba;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../manifest/assets');
  for (const [name, size] of [['logo.png', 320], ['logo-small.png', 128]] as const) {
    writeFileSync(path.join(dir, name), encodePng(size, size, drawLogo(size)));
    console.log(`wrote manifest/assets/${name} (${size}×${size})`);
  }
}
