/** `nettwin trace --json`: the flow's result for machines (DESIGN.md, "Command line"). */
import type { FlowResult } from '../netfilter/host-types.ts';

export function formatJson(result: FlowResult): string {
  const counters = result.counters.filter((c) => c.rule > 0);
  const policies = result.counters.filter((c) => c.rule === 0);
  return `${JSON.stringify(
    {
      verdict: result.verdict,
      // Which tables `counters` and `policies` are rows of: iptables' (ipv4) or ip6tables' (ipv6).
      family: result.family ?? 'ipv4',
      sent: result.sent,
      delivered: result.delivered,
      seenSource: result.seenSource ?? null,
      receiver: result.receiver ?? null,
      counters: counters.map(({ table, chain, rule, packets, bytes, text }) => ({
        table,
        chain,
        rule,
        packets,
        bytes,
        text,
      })),
      policies: policies.map(({ table, chain, packets, bytes, text }) => ({
        table,
        chain,
        policy: text.split(' ')[1],
        packets,
        bytes,
      })),
      // docker-proxy's connection to the other family (a [::] listener, an IPv4-only container).
      ...(result.relayCounters ? { relayCounters: result.relayCounters } : {}),
      ...(result.nftCounters ? { nftCounters: result.nftCounters } : {}),
      path: result.path,
    },
    null,
    2,
  )}\n`;
}
