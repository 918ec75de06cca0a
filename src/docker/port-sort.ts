/**
 * The order in which the daemon programs a container's published ports:
 * go-connections nat.SortPortMap. Its Less is "larger host port first, or larger
 * container port, or tcp" — not a strict ordering, so the result depends on Go's
 * algorithm: sort.Sort on fewer than 13 elements is a plain insertion sort. Seed 001
 * (`80:80` and `443:443` programmed as 443, then 80) shows the effect.
 * Docker starts from map iteration order (random); the model starts from the order given.
 */
import type { PortMapping } from '../contract.ts';

function less(a: PortMapping, b: PortMapping): boolean {
  const ha = a.hostPort ?? 0;
  const hb = b.hostPort ?? 0;
  return (
    ha > hb ||
    a.containerPort > b.containerPort ||
    (a.containerPort === b.containerPort && a.protocol === 'tcp')
  );
}

export function sortPortMappings(ports: readonly PortMapping[]): PortMapping[] {
  const s = [...ports];
  if (s.length > 12) {
    // Go would use pdqsort here; a stable order is the best the model can promise.
    return s.sort((a, b) => (less(a, b) ? -1 : less(b, a) ? 1 : 0));
  }
  for (let i = 1; i < s.length; i++) {
    for (let j = i; j > 0 && less(s[j] as PortMapping, s[j - 1] as PortMapping); j--) {
      [s[j], s[j - 1]] = [s[j - 1] as PortMapping, s[j] as PortMapping];
    }
  }
  return s;
}
