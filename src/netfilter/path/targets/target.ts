/**
 * What a target is: compiled once from its TargetSpec, then asked per packet for a
 * verdict. Terminal verdicts end the hook; `continue` goes on with the next rule
 * (LOG, MARK …); jump/goto/return move through chains (bounded by the walker).
 */
import type { Hook, TableName, TargetSpec } from '../../types.ts';
import type { NatManip } from '../conntrack.ts';
import type { Ip } from '../ip.ts';
import type { Packet } from '../packet.ts';
import type { RoutingTable } from '../routing.ts';

export type RejectWith =
  | 'icmp-net-unreachable'
  | 'icmp-host-unreachable'
  | 'icmp-port-unreachable'
  | 'icmp-proto-unreachable'
  | 'icmp-net-prohibited'
  | 'icmp-host-prohibited'
  | 'icmp-admin-prohibited'
  /** ip6tables' REJECT: ICMPv6 destination unreachable (type 1) codes. */
  | 'icmp6-no-route'
  | 'icmp6-adm-prohibited'
  | 'icmp6-addr-unreachable'
  | 'icmp6-port-unreachable'
  | 'icmp6-policy-fail'
  | 'icmp6-reject-route'
  | 'tcp-reset';

export type TargetVerdict =
  | { kind: 'continue' }
  | { kind: 'accept' }
  | { kind: 'drop' }
  | { kind: 'reject'; with: RejectWith }
  | { kind: 'return' }
  | { kind: 'jump'; chain: string }
  | { kind: 'goto'; chain: string }
  /** A NAT binding for the packet's conntrack entry; ends the nat chain like ACCEPT. */
  | { kind: 'nat'; manip: NatManip; address?: Ip; port?: number; target: string };

export interface TargetEnv {
  hook: Hook;
  table: TableName;
  routing: RoutingTable;
}

export type TargetFn = (p: Packet, env: TargetEnv) => TargetVerdict;

export interface TargetModule {
  name: string;
  /** Tables the target is valid in (iptables refuses it elsewhere); undefined = any. */
  tables?: TableName[];
  compile(target: TargetSpec): TargetFn;
}

export class TargetOptionError extends Error {}

export function unknownTargetOption(target: TargetSpec, name: string): never {
  throw new TargetOptionError(`-j ${target.name}: unsupported option --${name}`);
}

export function optionArg(target: TargetSpec, name: string): string | undefined {
  const option = target.options.find((o) => o.name === name);
  if (!option) return undefined;
  if (option.args.length !== 1) {
    throw new TargetOptionError(`-j ${target.name} --${name} expects 1 argument, got ${option.args.length}`);
  }
  return option.args[0];
}

/** Rejects options outside `known` (flags like --random are accepted and have no effect here). */
export function checkOptions(target: TargetSpec, known: readonly string[]): void {
  for (const o of target.options) if (!known.includes(o.name)) unknownTargetOption(target, o.name);
}

export const CONTINUE: TargetVerdict = { kind: 'continue' };
