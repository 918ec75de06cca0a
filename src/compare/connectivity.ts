/**
 * Real vs predicted connectivity of one traffic step: how many requests went out and
 * came back, the outcome a client saw, and the source address the receiver saw.
 */

export interface ConnectivityObservation {
  /** ICMP echo requests sent / answered. */
  sent?: number;
  received?: number;
  /** TCP/HTTP outcome as the client saw it. */
  outcome?: 'ok' | 'refused' | 'timeout' | 'unreachable';
  /** Source address the receiving container saw (after SNAT/MASQUERADE, or a proxy). */
  seenSource?: string;
}

export interface ConnectivityDifference {
  field: keyof ConnectivityObservation;
  real: string | number | undefined;
  model: string | number | undefined;
}

const FIELDS: ReadonlyArray<keyof ConnectivityObservation> = ['sent', 'received', 'outcome', 'seenSource'];

/**
 * A field is compared when the real side observed it; a model that predicts a seen
 * source the real receiver never recorded is a difference too.
 */
export function compareConnectivity(
  real: ConnectivityObservation,
  model: ConnectivityObservation,
): ConnectivityDifference[] {
  const out: ConnectivityDifference[] = [];
  for (const field of FIELDS) {
    const r = real[field];
    const m = model[field];
    const observed = r !== undefined || (field === 'seenSource' && m !== undefined && 'seenSource' in real);
    if (observed && r !== m) out.push({ field, real: r, model: m });
  }
  return out;
}

export function describeConnectivityDifference(d: ConnectivityDifference): string {
  const show = (v: string | number | undefined) => (v === undefined ? '(nothing)' : String(v));
  return `${d.field}: real ${show(d.real)}, model ${show(d.model)}`;
}
