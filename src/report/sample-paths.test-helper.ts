/**
 * Hand-written packet paths shaped like the ground truth (e2: a ping blocked by
 * DOCKER-ISOLATION; e3: an outside client reaching a published port through DNAT), for
 * report tests and for looking at the pictures.
 */
import type { PathStep } from '../netfilter/host-types.ts';

const req = (s: Omit<PathStep, 'packet' | 'direction'>): PathStep => ({
  packet: 1,
  direction: 'request',
  ...s,
});
const rep = (s: Omit<PathStep, 'packet' | 'direction'>): PathStep => ({
  packet: 1,
  direction: 'reply',
  ...s,
});

export function isolationDropPath(): PathStep[] {
  const a = '172.17.0.2';
  const b = '172.30.0.2';
  const one: Array<Omit<PathStep, 'packet' | 'direction'>> = [
    { src: a, dst: b, kind: 'hook', chain: 'PREROUTING', table: 'nat', text: 'nat PREROUTING' },
    {
      src: a,
      dst: b,
      kind: 'rule',
      table: 'nat',
      chain: 'PREROUTING',
      rule: 1,
      text: '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER',
    },
    { src: a, dst: b, kind: 'policy', table: 'nat', chain: 'PREROUTING', text: ':PREROUTING ACCEPT' },
    { src: a, dst: b, kind: 'route', text: '172.30.0.0/16 dev test_web: forward from docker0 to test_web' },
    { src: a, dst: b, kind: 'hook', chain: 'FORWARD', table: 'filter', text: 'filter FORWARD' },
    {
      src: a,
      dst: b,
      kind: 'rule',
      table: 'filter',
      chain: 'FORWARD',
      rule: 1,
      text: '-A FORWARD -j DOCKER-USER',
    },
    {
      src: a,
      dst: b,
      kind: 'rule',
      table: 'filter',
      chain: 'DOCKER-USER',
      rule: 1,
      text: '-A DOCKER-USER -j RETURN',
    },
    {
      src: a,
      dst: b,
      kind: 'rule',
      table: 'filter',
      chain: 'FORWARD',
      rule: 2,
      text: '-A FORWARD -j DOCKER-ISOLATION-STAGE-1',
    },
    {
      src: a,
      dst: b,
      kind: 'rule',
      table: 'filter',
      chain: 'DOCKER-ISOLATION-STAGE-1',
      rule: 2,
      text: '-A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2',
    },
    {
      src: a,
      dst: b,
      kind: 'rule',
      table: 'filter',
      chain: 'DOCKER-ISOLATION-STAGE-2',
      rule: 1,
      text: '-A DOCKER-ISOLATION-STAGE-2 -o test_web -j DROP',
    },
    {
      src: a,
      dst: b,
      kind: 'drop',
      text: 'dropped by filter DOCKER-ISOLATION-STAGE-2 rule 1; conntrack entry never confirmed',
    },
  ];
  return [1, 2, 3].flatMap((packet) => one.map((s) => ({ ...s, packet, direction: 'request' as const })));
}

export function publishedPortPath(): PathStep[] {
  const client = '192.168.70.10';
  const host = '192.168.70.6';
  const server = '172.18.0.66';
  return [
    req({ src: client, dst: host, kind: 'hook', chain: 'PREROUTING', table: 'nat', text: 'nat PREROUTING' }),
    req({
      src: client,
      dst: host,
      kind: 'rule',
      table: 'nat',
      chain: 'PREROUTING',
      rule: 1,
      text: '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER',
    }),
    req({
      src: client,
      dst: host,
      kind: 'rule',
      table: 'nat',
      chain: 'DOCKER',
      rule: 3,
      text: '-A DOCKER ! -i test_net -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.18.0.66:80',
    }),
    req({ src: client, dst: server, kind: 'nat', text: 'DNAT 192.168.70.6:8080 → 172.18.0.66:80' }),
    req({
      src: client,
      dst: server,
      kind: 'route',
      text: '172.18.0.0/16 dev test_net: forward from eth0 to test_net',
    }),
    req({
      src: client,
      dst: server,
      kind: 'hook',
      chain: 'FORWARD',
      table: 'filter',
      text: 'filter FORWARD',
    }),
    req({
      src: client,
      dst: server,
      kind: 'rule',
      table: 'filter',
      chain: 'FORWARD',
      rule: 4,
      text: '-A FORWARD -o test_net -j DOCKER',
    }),
    req({
      src: client,
      dst: server,
      kind: 'rule',
      table: 'filter',
      chain: 'DOCKER',
      rule: 1,
      text: '-A DOCKER -d 172.18.0.66/32 ! -i test_net -o test_net -p tcp -m tcp --dport 80 -j ACCEPT',
    }),
    req({
      src: client,
      dst: server,
      kind: 'hook',
      chain: 'POSTROUTING',
      table: 'nat',
      text: 'nat POSTROUTING',
    }),
    req({
      src: client,
      dst: server,
      kind: 'policy',
      table: 'nat',
      chain: 'POSTROUTING',
      text: ':POSTROUTING ACCEPT',
    }),
    req({
      src: client,
      dst: server,
      kind: 'deliver',
      text: 'nginx-demo (172.18.0.66) port 80 on test_net; sees source 192.168.70.10',
    }),
    rep({
      src: server,
      dst: client,
      kind: 'conntrack',
      text: 'ESTABLISHED reply: un-DNAT source 172.18.0.66:80 → 192.168.70.6:8080 & "no nat table"',
    }),
    rep({ src: host, dst: client, kind: 'route', text: 'default via 192.168.70.1 dev eth0 <neighbour>' }),
    rep({ src: host, dst: client, kind: 'hook', chain: 'FORWARD', table: 'filter', text: 'filter FORWARD' }),
    rep({
      src: host,
      dst: client,
      kind: 'rule',
      table: 'filter',
      chain: 'FORWARD',
      rule: 5,
      text: '-A FORWARD -i test_net ! -o test_net -j ACCEPT',
    }),
    rep({ src: host, dst: client, kind: 'deliver', text: 'external client 192.168.70.10 on eth0' }),
  ];
}
