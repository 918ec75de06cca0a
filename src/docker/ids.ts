/**
 * Deterministic stand-ins for Docker's random 64-hex ids (network and container ids).
 * Real ids are random; the model derives them from a seed and a counter so runs are
 * reproducible, and `learnBridgeName` replaces them once the real ones are known.
 */
export class IdSource {
  private state: number;

  constructor(seed = 0x2017) {
    this.state = seed >>> 0 || 1;
  }

  /** 32 random-looking bits (mulberry32). */
  private next32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  hex64(): string {
    let s = '';
    for (let i = 0; i < 8; i++) s += this.next32().toString(16).padStart(8, '0');
    return s;
  }

  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + (this.next32() % (hi - lo + 1));
  }
}

/**
 * A 64-hex id that depends only on `text` and `seed` (FNV-1a of the text seeds the same
 * generator). The model names a network by its name and creation ordinal, so its
 * `br-<12 hex>` bridge stays the same from run to run and does not move when a
 * scenario adds a container before the network.
 */
export function stableHex64(text: string, seed = 0x2017): string {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return new IdSource(h >>> 0).hex64();
}
