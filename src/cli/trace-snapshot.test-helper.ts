/** `trace --snapshot FILE` with no other option but those a test gives. */
import { runTrace, type TraceOptions } from './trace.ts';

export function traceSnapshot(snapshot: string, extra: Partial<TraceOptions>) {
  return runTrace({ snapshot, bridge: [], iface: [], sysctl: [], listen: [], from: '', to: '', ...extra });
}
