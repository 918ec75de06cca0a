/** A FlowResult as a human reads it: the outcome, then each packet's way through the hooks, then the counters. */
import type { FlowResult, PathStep } from '../host-types.ts';

const KIND_LABEL: Record<PathStep['kind'], string> = {
  hook: 'hook',
  rule: 'rule',
  policy: 'policy',
  route: 'route',
  conntrack: 'ct',
  nat: 'nat',
  deliver: 'reach',
  drop: 'DROP',
  socket: 'socket',
  note: '',
};

export function formatPath(result: FlowResult): string {
  const lines: string[] = [];
  const seen = result.seenSource ? `, seen source ${result.seenSource}` : '';
  const receiver = result.receiver ? `, receiver ${result.receiver}` : '';
  lines.push(`verdict: ${result.verdict} (${result.delivered}/${result.sent} answered${receiver}${seen})`);
  let packet = -1;
  for (const step of result.path) {
    if (step.packet !== packet) {
      packet = step.packet;
      lines.push('', `packet ${step.packet} (${step.direction})`);
    }
    if (step.kind === 'hook') {
      lines.push(`  ${step.text}`);
      continue;
    }
    const label = KIND_LABEL[step.kind];
    // A native nft rule has no number in its chain that nft prints: its text names it.
    const where = step.kind === 'rule' && step.rule !== undefined ? `#${step.rule} ` : '';
    lines.push(`    ${label ? `${label.padEnd(6)} ` : ''}${where}${step.text}`);
  }
  if (result.counters.length > 0) {
    lines.push('', 'counters that moved:');
    for (const c of result.counters) {
      lines.push(`  [${c.packets}:${c.bytes}] ${c.table} ${c.text}`);
    }
  }
  const relay = result.relayCounters;
  if (relay && relay.counters.length > 0) {
    const v6 = relay.family === 'ipv6';
    lines.push(
      '',
      `counters that moved in ${v6 ? "ip6tables'" : "iptables'"} tables (docker-proxy's ${v6 ? 'IPv6' : 'IPv4'} connection):`,
    );
    for (const c of relay.counters)
      lines.push(`  [${c.packets}:${c.bytes}] ${v6 ? 'ip6 ' : ''}${c.table} ${c.text}`);
  }
  return `${lines.join('\n')}\n`;
}
