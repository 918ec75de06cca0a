/**
 * One native nft base chain's traversal of one packet, as nft_do_chain runs it: rules in
 * order, each rule's statements in order (a failed match ends the rule), jumps push a
 * return point (goto does not), `return` or the end of a regular chain goes back, the
 * end of the base chain applies its policy (nft policies have no counters).
 *
 * What makes nftables differ from one iptables table: `accept` ends only this base
 * chain. The kernel then runs the next base chain registered at the same hook
 * (`nftHookChains`), so a packet must be accepted by every one of them, and a `drop`
 * anywhere is final.
 */

import type { HookVerdict } from '../path/chain-walk.ts';
import { formatIp, IPV6_LOOPBACK, type Ip, parseIp } from '../path/ip.ts';
import type { Packet } from '../path/packet.ts';
import type { RejectWith } from '../path/targets/target.ts';
import { NFT_JUMP_STACK_SIZE } from '../ruleset/jump-graph.ts';
import { compileNftRule, countPacket, type NftEnv, type NftStep } from './compile.ts';
import { chainOf, setOf } from './table-index.ts';
import type { NftChain, NftCounter, NftRule, NftStatement, NftTable, NftVerdict } from './types.ts';

export { type NftHookChain, nftHookChains } from './table-index.ts';

export class NftRuleError extends Error {
  constructor(
    readonly table: NftTable,
    readonly chain: string,
    readonly rule: NftRule | undefined,
    problem: string,
  ) {
    const where = rule ? `, rule "${rule.text.slice(0, 200)}"${rule.line ? ` (line ${rule.line})` : ''}` : '';
    super(`${problem} — in table ${table.family} ${table.name}, chain ${chain}${where}`);
    this.name = 'NftRuleError';
  }
}

/** Where a counter sits, for a delta list: the rule is 1-based in its chain. */
export interface NftCounterRef {
  family: NftTable['family'];
  table: string;
  chain: string;
  rule: number;
  text: string;
}

export interface NftWalkContext {
  env: NftEnv;
  /** Told of every counter a packet moves. */
  onCount?: (ref: NftCounterRef, counter: NftCounter, bytes: number) => void;
  /** Told of every rule that ends or moves the walk, for a packet path. */
  onStep?: (text: string) => void;
  compiled?: WeakMap<NftRule, NftStep[]>;
}

const REJECT: Readonly<Record<string, RejectWith>> = {
  'icmpx admin-prohibited': 'icmp-admin-prohibited',
  'icmp admin-prohibited': 'icmp-admin-prohibited',
  'icmp type admin-prohibited': 'icmp-admin-prohibited',
  'icmpx host-unreachable': 'icmp-host-unreachable',
  'icmp host-unreachable': 'icmp-host-unreachable',
  'icmp type host-unreachable': 'icmp-host-unreachable',
  'icmpx port-unreachable': 'icmp-port-unreachable',
  'icmp port-unreachable': 'icmp-port-unreachable',
  'icmp type port-unreachable': 'icmp-port-unreachable',
  'icmp net-unreachable': 'icmp-net-unreachable',
  'icmp type net-unreachable': 'icmp-net-unreachable',
  'icmp host-prohibited': 'icmp-host-prohibited',
  'icmp type host-prohibited': 'icmp-host-prohibited',
  'icmp net-prohibited': 'icmp-net-prohibited',
  'icmp type net-prohibited': 'icmp-net-prohibited',
  'tcp reset': 'tcp-reset',
  'icmpv6 admin-prohibited': 'icmp6-adm-prohibited',
  'icmpv6 type admin-prohibited': 'icmp6-adm-prohibited',
  'icmpv6 no-route': 'icmp6-no-route',
  'icmpv6 type no-route': 'icmp6-no-route',
  'icmpv6 addr-unreachable': 'icmp6-addr-unreachable',
  'icmpv6 type addr-unreachable': 'icmp6-addr-unreachable',
  'icmpv6 port-unreachable': 'icmp6-port-unreachable',
  'icmpv6 type port-unreachable': 'icmp6-port-unreachable',
};

function natVerdict(s: NftStatement & { kind: 'nat' }, p: Packet, env: NftEnv, by: string): HookVerdict {
  // `1.2.3.4:80`, `[fd00::2]:80`, `fd00::2` (nft prints IPv6 with a port in brackets).
  const m =
    /^([0-9.]+)?(?::(\d+)(?:-\d+)?)?$/.exec(s.to ?? '') ??
    /^\[([0-9a-fA-F:.]+)\](?::(\d+)(?:-\d+)?)?$/.exec(s.to ?? '') ??
    /^([0-9a-fA-F]*:[0-9a-fA-F]*:[0-9a-fA-F:.]*)()$/.exec(s.to ?? '');
  const address = m?.[1] === undefined ? undefined : parseIp(m[1]);
  const port = m?.[2] === undefined || m[2] === '' ? undefined : Number(m[2]);
  const v6 = typeof p.daddr === 'bigint';
  switch (s.type) {
    case 'masquerade': {
      const a = env.routing.primaryAddressOf(p.outDev, v6 ? 'ipv6' : 'ipv4');
      if (a === undefined)
        throw new Error(
          `masquerade: outgoing interface "${p.outDev}" has no ${v6 ? 'IPv6' : 'IPv4'} address`,
        );
      return { kind: 'nat', manip: 'src', address: a, port, target: `masquerade to ${formatIp(a)}`, by };
    }
    case 'snat':
      return { kind: 'nat', manip: 'src', address, port, target: `snat to ${s.to}`, by };
    case 'dnat':
      return { kind: 'nat', manip: 'dst', address, port, target: `dnat to ${s.to}`, by };
    case 'redirect': {
      const loopback: Ip = v6 ? IPV6_LOOPBACK : 0x7f000001;
      const a =
        env.hook === 'output'
          ? loopback
          : (env.routing.primaryAddressOf(p.inDev, v6 ? 'ipv6' : 'ipv4') ?? loopback);
      return { kind: 'nat', manip: 'dst', address: a, port, target: `redirect to ${formatIp(a)}`, by };
    }
  }
}

interface Frame {
  chain: NftChain;
  next: number;
}

export function walkNftBaseChain(
  ctx: NftWalkContext,
  table: NftTable,
  base: NftChain,
  p: Packet,
): HookVerdict {
  if (!base.base) throw new NftRuleError(table, base.name, undefined, 'not a base chain');
  const compiled = ctx.compiled ?? new WeakMap<NftRule, NftStep[]>();
  const sets = (name: string) => setOf(table, name);
  const stack: Frame[] = [];
  let chain = base;
  let pos = 0;
  let entries = 0;
  const enter = (verdict: NftVerdict & { chain: string }, rule: NftRule) => {
    const target = chainOf(table, verdict.chain);
    if (!target || target.base) {
      throw new NftRuleError(
        table,
        chain.name,
        rule,
        `${verdict.kind} to "${verdict.chain}", which is not a regular chain of this table`,
      );
    }
    if (verdict.kind === 'jump') stack.push({ chain, next: pos });
    entries += 1;
    if (stack.length >= NFT_JUMP_STACK_SIZE || entries > 100_000) {
      throw new NftRuleError(
        table,
        chain.name,
        rule,
        `jumps deeper than nf_tables allows (${NFT_JUMP_STACK_SIZE} levels) or a loop`,
      );
    }
    chain = target;
    pos = 0;
  };
  for (;;) {
    if (pos >= chain.rules.length) {
      const frame = stack.pop();
      if (frame) {
        ({ chain, next: pos } = frame);
        continue;
      }
      ctx.onStep?.(`policy ${base.base.policy} (end of ${table.family} ${table.name} ${base.name})`);
      return base.base.policy === 'drop'
        ? { kind: 'drop', by: `${table.family} ${table.name} ${base.name} policy` }
        : { kind: 'accept' };
    }
    const number = pos + 1;
    const rule = chain.rules[pos] as NftRule;
    pos += 1;
    let steps = compiled.get(rule);
    if (!steps) {
      try {
        steps = compileNftRule(rule, sets);
      } catch (e) {
        throw new NftRuleError(table, chain.name, rule, (e as Error).message);
      }
      compiled.set(rule, steps);
    }
    const by = `${table.family} ${table.name} ${chain.name} rule ${number}`;
    let verdict: NftVerdict | undefined;
    for (const step of steps) {
      if (step.kind === 'test') {
        if (!step.test(p, ctx.env)) break;
      } else if (step.kind === 'counter') {
        const counter = countPacket(step.statement, p.length);
        ctx.onCount?.(
          { family: table.family, table: table.name, chain: chain.name, rule: number, text: rule.text },
          counter,
          p.length,
        );
      } else if (step.kind === 'verdict') {
        verdict = step.verdict;
        break;
      } else if (step.kind === 'vmap') {
        verdict = step.lookup(p, ctx.env);
        break;
      } else if (step.kind === 'nat') {
        ctx.onStep?.(`${chain.name}: ${rule.text}`);
        return natVerdict(step.statement, p, ctx.env, by);
      } else {
        throw new NftRuleError(table, chain.name, rule, `nettwin does not model "${step.text}"`);
      }
    }
    if (!verdict || verdict.kind === 'continue') continue;
    ctx.onStep?.(`${chain.name}: ${rule.text}`);
    switch (verdict.kind) {
      case 'accept':
        return { kind: 'accept' };
      case 'drop':
        return { kind: 'drop', by };
      case 'reject':
        return { kind: 'reject', with: REJECT[verdict.with ?? ''] ?? 'icmp-port-unreachable', by };
      case 'return': {
        const frame = stack.pop();
        if (!frame) {
          pos = chain.rules.length;
          continue;
        }
        ({ chain, next: pos } = frame);
        continue;
      }
      case 'jump':
      case 'goto':
        enter(verdict, rule);
        continue;
    }
  }
}
