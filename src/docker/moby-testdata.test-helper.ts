/**
 * moby's firewaller testdata as both golden tests read it (TestIptabler's ip6tables dumps,
 * TestNftabler's ip6 tables): `### case` sections, the case's parameters in its name, and
 * the one network and port bindings Docker's CI programmed for every case.
 */
import type { BridgeRuleConfig, GatewayMode, PortForward } from './firewall.ts';

/** `### case` sections; `= other` stands for the text of an earlier case. */
export function readCases(text: string): Map<string, string> {
  const cases = new Map<string, string>();
  for (const section of text.split(/^### /m).slice(1)) {
    const nl = section.indexOf('\n');
    const name = section.slice(0, nl);
    const body = section.slice(nl + 1);
    const alias = /^= (.+)\n?$/.exec(body);
    const dump = alias ? cases.get(alias[1] as string) : body;
    if (dump === undefined) throw new Error(`case ${name} refers to unknown case ${alias?.[1]}`);
    cases.set(name, dump);
  }
  return cases;
}

export interface Case {
  hairpin: boolean;
  internal: boolean;
  icc: boolean;
  masq: boolean;
  snat: boolean;
  gwm: GatewayMode;
  bindlh: boolean;
}

/** "hairpin=false,internal=true,icc=true" (internal: the port parameters do not matter) or the full form. */
export function parseCase(name: string): Case {
  const kv = Object.fromEntries(name.split(',').map((p) => p.split('=') as [string, string]));
  const bool = (k: string): boolean => kv[k] === 'true';
  return {
    hairpin: bool('hairpin'),
    internal: bool('internal'),
    icc: bool('icc'),
    masq: bool('masq'),
    snat: bool('snat'),
    gwm: (kv.gwm ?? 'nat') as GatewayMode,
    bindlh: bool('bindlh'),
  };
}

/** The case's network: br-dummy, 192.168.0.0/24 and fd49:efd7:54aa::/64. */
export function network(c: Case): BridgeRuleConfig {
  return {
    bridge: 'br-dummy',
    subnet: '192.168.0.0/24',
    icc: c.icc,
    masquerade: c.masq,
    internal: c.internal,
    hairpin: c.hairpin,
    ...(c.snat ? { snatSource: '192.168.123.0' } : {}),
    gatewayMode: c.gwm,
    trustedHostInterfaces: [],
    ipv6: {
      subnet: 'fd49:efd7:54aa::/64',
      ...(c.snat ? { snatSource: 'fd34:d0d4:672f::123' } : {}),
      gatewayMode: c.gwm,
    },
  };
}

/** One of the case's two bindings, 8080→80/tcp. */
export function binding(c: Case, hostIp: string, containerIp: string): PortForward {
  const base = { protocol: 'tcp' as const, hostPort: 8080, containerPort: 80, bridge: 'br-dummy' };
  return { ...base, hostIp, containerIp, hairpin: c.hairpin };
}
