/**
 * The nat rules an OUTER Docker engine writes into a container on a user-defined network
 * for its embedded DNS (127.0.0.11). A DinD host carries them before its own dockerd
 * starts, so the inner engine's rules land around them: its OUTPUT jump is appended after
 * `-d 127.0.0.11/32 -j DOCKER_OUTPUT`, its MASQUERADE rules are inserted above
 * `-d 127.0.0.11/32 -j DOCKER_POSTROUTING` (ground truth e1–e3). The ports are random per
 * container; `learnDnsPorts` puts in the ones seen on the real host.
 */
import type { IPTable } from './ip-table.ts';

export const DNS_ADDRESS = '127.0.0.11';

export function installDnsRules(fw: IPTable, tcpPort: number, udpPort: number): void {
  fw.newChain('nat', 'DOCKER_OUTPUT');
  fw.newChain('nat', 'DOCKER_POSTROUTING');
  fw.run(['-t', 'nat', '-A', 'OUTPUT', '-d', `${DNS_ADDRESS}/32`, '-j', 'DOCKER_OUTPUT']);
  fw.run(['-t', 'nat', '-A', 'POSTROUTING', '-d', `${DNS_ADDRESS}/32`, '-j', 'DOCKER_POSTROUTING']);
  writeDnsPortRules(fw, tcpPort, udpPort);
}

/** (Re)writes the DNAT/SNAT rules of DOCKER_OUTPUT and DOCKER_POSTROUTING for these ports. */
export function writeDnsPortRules(fw: IPTable, tcpPort: number, udpPort: number): void {
  fw.run(['-t', 'nat', '-F', 'DOCKER_OUTPUT']);
  fw.run(['-t', 'nat', '-F', 'DOCKER_POSTROUTING']);
  // One pair of rules per protocol: DNAT the query to the resolver's port, SNAT its answer back to :53.
  for (const [proto, port] of [
    ['tcp', tcpPort],
    ['udp', udpPort],
  ] as const) {
    fw.run([
      '-t',
      'nat',
      '-A',
      'DOCKER_OUTPUT',
      '-d',
      `${DNS_ADDRESS}/32`,
      '-p',
      proto,
      '-m',
      proto,
      '--dport',
      '53',
      '-j',
      'DNAT',
      '--to-destination',
      `${DNS_ADDRESS}:${port}`,
    ]);
    fw.run([
      '-t',
      'nat',
      '-A',
      'DOCKER_POSTROUTING',
      '-s',
      `${DNS_ADDRESS}/32`,
      '-p',
      proto,
      '-m',
      proto,
      '--sport',
      String(port),
      '-j',
      'SNAT',
      '--to-source',
      ':53',
    ]);
  }
}
