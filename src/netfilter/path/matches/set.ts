/**
 * -m set --match-set NAME src|dst|src,dst: membership in an ipset given in
 * HostState.ipsets. Members are "ip", "ip/prefix", or two dimensions
 * "ip,ip/prefix" / "ip,[proto:]port" (hash:ip,port); each dimension reads the
 * packet's source or destination as the flags say.
 */
import { type Cidr, cidrContains, parseCidr } from '../../address/index.ts';
import type { Packet } from '../packet.ts';
import {
  inverted,
  type MatchFn,
  type MatchModule,
  MatchOptionError,
  requireArgs,
  unknownOption,
} from './match.ts';

type Dimension = { kind: 'addr'; cidr: Cidr } | { kind: 'port'; port: number; protocol?: string };
type Member = Dimension[];

const compiledSets = new WeakMap<readonly string[], Member[]>();

function parseDimension(text: string, setName: string): Dimension {
  const port = /^(?:(tcp|udp):)?(\d+)$/.exec(text);
  if (port && !text.includes('.')) return { kind: 'port', port: Number(port[2]), protocol: port[1] };
  try {
    return { kind: 'addr', cidr: parseCidr(text) };
  } catch (error) {
    throw new Error(`ipset "${setName}": bad member part "${text}": ${(error as Error).message}`);
  }
}

function membersOf(name: string, raw: readonly string[]): Member[] {
  let members = compiledSets.get(raw);
  if (!members) {
    members = raw.map((m) => m.split(',').map((part) => parseDimension(part.trim(), name)));
    compiledSets.set(raw, members);
  }
  return members;
}

function dimensionMatches(d: Dimension, p: Packet, flag: 'src' | 'dst'): boolean {
  if (d.kind === 'addr') {
    // ipsets here are hash:ip/hash:net of family inet: an IPv6 packet is never a member.
    const address = flag === 'src' ? p.saddr : p.daddr;
    return typeof address === 'number' && cidrContains(d.cidr, address);
  }
  if (d.protocol !== undefined && d.protocol !== p.protocol) return false;
  if (p.protocol !== 'tcp' && p.protocol !== 'udp') return false;
  return (flag === 'src' ? p.sport : p.dport) === d.port;
}

export const setMatch: MatchModule = {
  name: 'set',
  compile(match) {
    const tests: MatchFn[] = [];
    for (const option of match.options) {
      if (option.name !== 'match-set') unknownOption(match, option);
      const [name, flagText] = requireArgs(match, option, 2) as [string, string];
      const flags = flagText.split(',');
      if (flags.length === 0 || flags.length > 6 || flags.some((f) => f !== 'src' && f !== 'dst')) {
        throw new MatchOptionError(
          `-m set --match-set ${name}: flags must be src/dst, comma-separated, got "${flagText}"`,
        );
      }
      const test: MatchFn = (p, env) => {
        const raw = env.ipsets[name];
        if (!raw)
          throw new Error(`-m set --match-set: ipset "${name}" is not defined (add it to HostState.ipsets)`);
        return membersOf(name, raw).some(
          (member) =>
            member.length <= flags.length &&
            member.every((d, i) => dimensionMatches(d, p, flags[i] as 'src' | 'dst')),
        );
      };
      tests.push(inverted(option.invert, test));
    }
    if (tests.length !== 1) throw new MatchOptionError('-m set needs exactly one --match-set NAME FLAGS');
    return tests[0] as MatchFn;
  },
};
