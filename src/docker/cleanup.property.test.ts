/**
 * Property: whatever networks and containers were created (with ports, options, in any
 * order, with removals in between), removing every container and every user network
 * brings the ruleset back to exactly what it was right after daemon start — for every
 * profile. One fact of iptables-nft on top: a table, once created, stays. Docker 28
 * creates `raw` with its first direct-routing DROP (fixtures/groundtruth/28.5: raw
 * PREROUTING exists and its policy counts as soon as containers run); deleting the last
 * rule leaves `*raw` with empty ACCEPT chains (measured: `iptables -t raw -A …` then
 * `-D …` with iptables 1.8.9 nft, iptables-save still prints the empty table).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { serializeRuleset } from '../netfilter/ruleset/index.ts';
import { DockerDaemonModel, DockerModelError } from './daemon-model.ts';
import { PortAllocationError } from './port-allocator.ts';
import { DockerRefusal } from './refusals.ts';

type Step =
  | { op: 'net'; icc: boolean; masq: boolean; internal: boolean }
  | { op: 'run'; net: number; ports: Array<{ host?: number; container: number; udp: boolean }> }
  | { op: 'rm'; index: number }
  | { op: 'stop'; index: number }
  | { op: 'rmnet'; index: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    op: fc.constant('net' as const),
    icc: fc.boolean(),
    masq: fc.boolean(),
    internal: fc.boolean(),
  }),
  fc.record({
    op: fc.constant('run' as const),
    net: fc.nat(6),
    ports: fc.array(
      fc.record(
        {
          host: fc.integer({ min: 8000, max: 8010 }),
          container: fc.constantFrom(80, 443, 53),
          udp: fc.boolean(),
        },
        { requiredKeys: ['container', 'udp'] },
      ),
      { maxLength: 3 },
    ),
  }),
  fc.record({ op: fc.constant('rm' as const), index: fc.nat(10) }),
  fc.record({ op: fc.constant('stop' as const), index: fc.nat(10) }),
  fc.record({ op: fc.constant('rmnet' as const), index: fc.nat(6) }),
);

/** What iptables-save prints for a raw table whose rules are all gone (iptables-nft). */
const EMPTY_RAW = '*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n';

test('removing all containers and networks restores the ruleset right after start', () => {
  fc.assert(
    fc.property(
      fc.constantFrom('20.10', '26.1', '28.5', '17.06', '17.03'),
      fc.constantFrom<string[]>([], ['--userland-proxy=false'], ['--icc=false']),
      fc.constantFrom('bare' as const, 'dind' as const),
      fc.array(step, { maxLength: 25 }),
      (version, daemonOptions, baseline, steps) => {
        const m = DockerDaemonModel.start({ version, daemonOptions, baseline });
        const initial = serializeRuleset(m.ruleset());
        const hadRaw = () => m.ruleset().tables.some((t) => t.name === 'raw');
        const rawAtStart = hadRaw();
        let rawCreated = rawAtStart;
        let ranOnDocker0 = false;
        const networks: string[] = ['bridge'];
        const containers: string[] = [];
        let k = 0;
        for (const s of steps) {
          try {
            if (s.op === 'net') {
              const name = `n${k++}`;
              m.createNetwork({
                name,
                internal: s.internal,
                options: {
                  'com.docker.network.bridge.enable_icc': String(s.icc),
                  'com.docker.network.bridge.enable_ip_masquerade': String(s.masq),
                },
              });
              networks.push(name);
            } else if (s.op === 'run') {
              const name = `c${k++}`;
              m.run({
                name,
                network: networks[s.net % networks.length] as string,
                publish: s.ports.map((p) => ({
                  ...(p.host ? { hostPort: p.host } : {}),
                  containerPort: p.container,
                  protocol: p.udp ? ('udp' as const) : ('tcp' as const),
                })),
              });
              containers.push(name);
              if (networks[s.net % networks.length] === 'bridge') ranOnDocker0 = true;
            } else if (s.op === 'rm' && containers.length > 0) {
              const [name] = containers.splice(s.index % containers.length, 1);
              m.remove(name as string, { force: true });
            } else if (s.op === 'stop' && containers.length > 0) {
              m.stop(containers[s.index % containers.length] as string);
            } else if (s.op === 'rmnet' && networks.length > 1) {
              const name = networks[1 + (s.index % (networks.length - 1))] as string;
              m.removeNetwork(name);
              networks.splice(networks.indexOf(name), 1);
            }
          } catch (e) {
            // Port clashes, a `run` that fails after `create`, and busy networks are real
            // Docker errors; they must leave the model consistent.
            if (
              !(
                e instanceof PortAllocationError ||
                e instanceof DockerModelError ||
                e instanceof DockerRefusal
              )
            )
              throw e;
            if (s.op === 'run') {
              const name = `c${k - 1}`;
              try {
                m.remove(name, { force: true });
              } catch {}
            }
          }
          rawCreated ||= hadRaw();
        }
        for (const c of containers) m.remove(c, { force: true });
        for (const n of networks.slice(1)) m.removeNetwork(n);
        // Only Docker 28 writes raw rules; once it has, the empty table remains.
        if (version !== '28.5') assert.equal(rawCreated, rawAtStart, `Docker ${version} writes no raw rules`);
        // 28.5 guards every container address in raw PREROUTING (ground truth e1).
        if (version === '28.5' && ranOnDocker0) assert.ok(rawCreated, 'Docker 28.5 wrote its raw DROP');
        const leftover = rawCreated && !rawAtStart ? EMPTY_RAW : '';
        assert.equal(serializeRuleset(m.ruleset()), leftover + initial);
        assert.equal(m.host().listeners.length, 0);
      },
    ),
    { numRuns: 300 },
  );
});
