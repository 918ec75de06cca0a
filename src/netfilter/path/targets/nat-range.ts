/**
 * "[ip[-ip]][:port[-port]]" as DNAT --to-destination / SNAT --to-source write it. The
 * twin binds the first address and port of a range (deterministic; the kernel picks
 * the first free one, which is the first one on a quiet host).
 */
import { parseIPv4, parseIPv6 } from '../../address/index.ts';
import type { Ip } from '../ip.ts';
import { TargetOptionError } from './target.ts';

export interface NatRange {
  address?: Ip;
  port?: number;
}

export function parseNatRange(text: string, context: string): NatRange {
  // ip6tables: `[fd00::2]:80`, `[fd00::2]`, or a bare `fd00::2` (no port).
  const v6 =
    /^\[([0-9a-fA-F:.]+)\](?:-\[[0-9a-fA-F:.]+\])?(?::(\d+)(?:-(\d+))?)?$/.exec(text) ??
    /^([0-9a-fA-F]*:[0-9a-fA-F]*:[0-9a-fA-F:.]*)(?:-[0-9a-fA-F:.]+)?()$/.exec(text);
  if (v6) {
    const range: NatRange = {};
    try {
      range.address = parseIPv6(v6[1] as string);
    } catch (error) {
      throw new TargetOptionError(`${context}: ${(error as Error).message}`);
    }
    if (v6[2]) {
      const port = Number(v6[2]);
      if (port < 1 || port > 65535) throw new TargetOptionError(`${context}: port ${port} out of range`);
      range.port = port;
    }
    return range;
  }
  const m = /^([0-9.]+)?(?:-[0-9.]+)?(?::(\d+)(?:-(\d+))?)?$/.exec(text);
  if (!m || (m[1] === undefined && m[2] === undefined)) {
    throw new TargetOptionError(`${context}: "${text}" is not [ip[-ip]][:port[-port]]`);
  }
  const range: NatRange = {};
  if (m[1] !== undefined) {
    try {
      range.address = parseIPv4(m[1]);
    } catch (error) {
      throw new TargetOptionError(`${context}: ${(error as Error).message}`);
    }
  }
  if (m[2] !== undefined) {
    const port = Number(m[2]);
    if (port < 1 || port > 65535) throw new TargetOptionError(`${context}: port ${port} out of range`);
    range.port = port;
  }
  return range;
}

export function parsePorts(text: string, context: string): number {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!m || Number(m[1]) > 65535) throw new TargetOptionError(`${context}: "${text}" is not a port[-port]`);
  return Number(m[1]);
}
