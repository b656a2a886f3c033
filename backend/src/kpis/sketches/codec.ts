/**
 * The stored form of a row's sketches (`duration_sketches.sketch`, bytea): one block per
 * duration KPI that has values, each self-delimiting:
 *
 *   kpi index (1 byte) · entries n (varint) · first key (zigzag varint) · its count (varint)
 *   · then n − 1 × (key delta (varint) · count (varint))
 *
 * Keys ascend, so deltas are small; a day's bucket of a few values takes about two bytes.
 * Because blocks delimit themselves, the concatenation of blobs is a valid blob holding
 * the union (sum) of their histograms: PostgreSQL's `string_agg(sketch, '')` merges any
 * number of rows into one value per agent without decoding them, and the reader adds the
 * blocks up (`decodeInto`).
 */
import { LogHistogram } from './log-histogram.js';

/** The bucket keys of one KPI's values, in any order, repeated per value: a row being built (few values: a list, not a dense array). */
export type BucketKeys = number[];

/** Ascending (key, count) pairs of a key list. */
function runs(keys: BucketKeys): Array<[number, number]> {
  const sorted = Int32Array.from(keys).sort();
  const out: Array<[number, number]> = [];
  for (const key of sorted) {
    const last = out[out.length - 1];
    if (last && last[0] === key) last[1]++;
    else out.push([key, 1]);
  }
  return out;
}

class ByteWriter {
  private buf = Buffer.allocUnsafe(256);
  length = 0;

  byte(b: number): void {
    if (this.length === this.buf.length) {
      const next = Buffer.allocUnsafe(this.buf.length * 2);
      this.buf.copy(next, 0, 0, this.length);
      this.buf = next;
    }
    this.buf[this.length++] = b;
  }

  varint(n: number): void {
    // Non-negative integers below 2^53: 7 bits a byte (division, not bit shifts, past 2^31).
    while (n >= 0x80) {
      this.byte((n % 0x80) | 0x80);
      n = Math.floor(n / 0x80);
    }
    this.byte(n);
  }

  bytes(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}

const zigzag = (k: number) => (k >= 0 ? 2 * k : -2 * k - 1);
const unzigzag = (z: number) => (z % 2 === 0 ? z / 2 : -(z + 1) / 2);

/** Encodes the histograms of a row, one per KPI index (empty ones are left out). */
export function encodeSketches(perKpi: ReadonlyArray<BucketKeys | LogHistogram | undefined>): Buffer {
  const w = new ByteWriter();
  perKpi.forEach((h, kpi) => {
    if (!h) return;
    const entries = h instanceof LogHistogram ? [...h.entries()] : runs(h);
    if (entries.length === 0) return;
    w.byte(kpi);
    w.varint(entries.length);
    let prev = 0;
    entries.forEach(([key, n], i) => {
      w.varint(i === 0 ? zigzag(key) : key - prev);
      w.varint(n);
      prev = key;
    });
  });
  return w.bytes();
}

/**
 * Adds every block of `blob` (one row's sketches, or many rows' concatenated) to the
 * histogram of its KPI index. Throws on a truncated or foreign blob.
 */
export function decodeInto(blob: Uint8Array, into: ReadonlyArray<LogHistogram>): void {
  let i = 0;
  const varint = (): number => {
    let n = 0;
    let scale = 1;
    for (;;) {
      if (i >= blob.length) throw new Error('duration sketch: truncated blob');
      const b = blob[i++]!;
      n += (b & 0x7f) * scale;
      if (b < 0x80) return n;
      scale *= 0x80;
    }
  };
  while (i < blob.length) {
    const kpi = blob[i++]!;
    const target = into[kpi];
    if (!target) throw new Error(`duration sketch: unknown KPI index ${kpi}`);
    const entries = varint();
    let key = 0;
    for (let e = 0; e < entries; e++) {
      key = e === 0 ? unzigzag(varint()) : key + varint();
      target.addKey(key, varint());
    }
  }
}
