import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Actor, Backend, ExecResult } from '../backends/backend.ts';
import { createModelBackend } from '../backends/model.ts';
import { pingVerdict, probeArgv, probeReal, type RealProbeHost, silentNetcatFailure } from './probe-real.ts';
import { addressSeenBy, exclusiveKey, probeCells } from './step-probe.ts';

const exec = (exitCode: number, stdout = '', stderr = ''): ExecResult => ({ exitCode, stdout, stderr });

test('probe argv: one ping, a bounded nc -z; never shell text', () => {
  const from: Actor = { kind: 'external' };
  assert.deepEqual(probeArgv({ from, address: '172.18.0.2', port: null, proto: 'icmp' }), [
    'ping',
    '-n',
    '-c',
    '1',
    '-W',
    '1',
    '172.18.0.2',
  ]);
  assert.deepEqual(probeArgv({ from, address: '172.18.0.2', port: 80, proto: 'tcp' }), [
    'timeout',
    '2.5',
    'nc',
    '-nvz',
    '172.18.0.2',
    '80',
  ]);
  assert.throws(
    () => probeArgv({ from, address: '172.18.0.2', port: 53, proto: 'udp' }),
    /no argv for a udp probe/,
  );
});

test("ping's words as verdicts", () => {
  assert.equal(pingVerdict(exec(0, '1 packets transmitted, 1 received')), 'delivered');
  assert.equal(pingVerdict(exec(1, '1 packets transmitted, 0 received, 100% packet loss')), 'timeout');
  assert.equal(pingVerdict(exec(2, '', 'ping: connect: Network is unreachable')), 'unreachable');
  assert.equal(
    pingVerdict(exec(1, 'From 172.18.0.1 icmp_seq=1 Destination Host Unreachable\n1 packets transmitted')),
    'unreachable',
  );
  assert.throws(() => pingVerdict(exec(127, '', 'ping: not found')), /ping exited with 127: ping: not found/);
});

test('a silent nc -u failure is a lost datagram; other errors are not', () => {
  const e = Object.assign(new Error('x'), {
    name: 'DindExecError',
    command: 'nc -u to 172.19.0.3:53',
    exitCode: 1,
    stderr: '',
  });
  assert.equal(silentNetcatFailure(e), true);
  assert.equal(silentNetcatFailure({ ...e, stderr: 'nc: getaddrinfo: oops' }), false);
  assert.equal(silentNetcatFailure({ ...e, exitCode: 2 }), false);
  assert.equal(silentNetcatFailure(new Error('nc -u')), false);
});

/** A real host whose probes answer from a table, recording how many ran at once. */
function fakeReal(answers: Record<string, ExecResult>, arrived: Record<string, boolean>) {
  let running = 0;
  const stats = { peak: 0, udpPeak: 0, udpRunning: 0 };
  const host: RealProbeHost = {
    async execAs(_from, argv) {
      running++;
      stats.peak = Math.max(stats.peak, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      const key = argv.includes('nc') ? `${argv.at(-2)}:${argv.at(-1)}` : `${argv.at(-1)}`;
      return answers[key] ?? exec(1, '1 packets transmitted, 0 received');
    },
    async udpSend(_from, to, port) {
      stats.udpRunning++;
      stats.udpPeak = Math.max(stats.udpPeak, stats.udpRunning);
      await new Promise((r) => setTimeout(r, 5));
      stats.udpRunning--;
      return { outcome: { arrived: arrived[`${to}:${port}`] ?? false }, counters: [] as never };
    },
  };
  return { host, stats };
}

test('dind: cells probed at most 4 at once, UDP one at a time, verdicts in table order', async () => {
  const { host, stats } = fakeReal(
    {
      '10.0.0.1': exec(0),
      '10.0.0.2:80': exec(1, '', 'nc: connect to 10.0.0.2 port 80 (tcp) failed: Connection refused'),
    },
    { '10.0.0.3:53': true },
  );
  const backend = { name: 'dind', ...host } as unknown as Backend;
  const from: Actor = { kind: 'host' };
  const targets = [
    { from, address: '10.0.0.1', port: null, proto: 'icmp' as const },
    { from, address: '10.0.0.2', port: 80, proto: 'tcp' as const },
    { from, address: '10.0.0.3', port: 53, proto: 'udp' as const },
    { from, address: '10.0.0.4', port: 53, proto: 'udp' as const },
    ...[5, 6, 7, 8, 9].map((n) => ({ from, address: `10.0.0.${n}`, port: null, proto: 'icmp' as const })),
  ];
  const cells = await probeCells(backend, targets);
  assert.deepEqual(
    cells.map((c) => c.real),
    ['delivered', 'refused', 'delivered', 'timeout', 'timeout', 'timeout', 'timeout', 'timeout', 'timeout'],
  );
  assert.ok(cells.every((c) => c.model === undefined));
  assert.ok(stats.peak <= 4 && stats.peak >= 2, `peak ${stats.peak}`);
  assert.equal(stats.udpPeak, 1);
  assert.equal(await probeReal(host, targets[1] as (typeof targets)[number]), 'refused');
});

test('model: every cell predicted with its deciding rule and path; twin: both sides, same order', async () => {
  const model = createModelBackend();
  await model.startHost({ dockerVersion: '28.5', daemonOptions: [] });
  await model.createNetwork({ name: 'front', subnet: '172.18.0.0/16', gateway: '172.18.0.1' });
  await model.createNetwork({ name: 'back', subnet: '172.19.0.0/16', gateway: '172.19.0.1' });
  await model.runContainer({ name: 'web', network: 'front', httpBody: 'hi', httpPort: 80 });
  await model.runContainer({ name: 'api', network: 'back' });
  const from: Actor = { kind: 'container', name: 'api' };
  const targets = [
    { from, address: '172.18.0.2', port: 80, proto: 'tcp' as const },
    {
      from: { kind: 'container', name: 'web' } as Actor,
      address: '172.18.0.2',
      port: 80,
      proto: 'tcp' as const,
    },
  ];
  const cells = await probeCells(model, targets);
  assert.equal(cells[0]?.model?.verdict, 'timeout');
  assert.equal(cells[0]?.model?.rule?.table, 'raw');
  assert.equal(cells[0]?.model?.rule?.chain, 'PREROUTING');
  assert.match(cells[0]?.model?.rule?.text ?? '', /^-A PREROUTING -d 172\.18\.0\.2\/32 ! -i br-\S+ -j DROP$/);
  assert.ok((cells[0]?.model?.path.length ?? 0) > 0);
  assert.equal(cells[0]?.real, undefined);

  const { host } = fakeReal({ '172.18.0.2:80': exec(124) }, {});
  const twin = { name: 'twin', model, real: async () => host } as unknown as Backend;
  const both = await probeCells(twin, targets);
  assert.deepEqual(
    both.map((c) => [c.real, c.model?.verdict]),
    [
      ['timeout', 'timeout'],
      ['timeout', 'delivered'],
    ],
  );
});

test('a twin whose real side cannot run commands is an error, not a silent model-only run', async () => {
  const twin = { name: 'twin', real: async () => ({ name: 'dind' }) } as unknown as Backend;
  await assert.rejects(probeCells(twin, []), /offers no execAs/);
});

test('UDP probes never overlap; TCP probes of one address and port never overlap; pings always may', () => {
  const from: Actor = { kind: 'host' };
  assert.deepEqual(exclusiveKey({ from, address: '10.0.0.1', port: 53, proto: 'udp' }), { exclusive: 'udp' });
  assert.deepEqual(exclusiveKey({ from, address: '10.0.0.2', port: 54, proto: 'udp' }), { exclusive: 'udp' });
  assert.deepEqual(exclusiveKey({ from, address: '10.0.0.1', port: 80, proto: 'tcp' }), {
    exclusive: 'tcp 10.0.0.1:80',
  });
  assert.deepEqual(exclusiveKey({ from, address: '10.0.0.1', port: null, proto: 'icmp' }), {});
});

test('a container is aimed at where its name leads the sender: the address on a network they share', async () => {
  const model = createModelBackend();
  await model.startHost({ dockerVersion: '28.5', daemonOptions: [] });
  await model.createNetwork({ name: 'front', subnet: '172.18.0.0/16', gateway: '172.18.0.1' });
  await model.createNetwork({ name: 'back', subnet: '172.19.0.0/16', gateway: '172.19.0.1' });
  await model.runContainer({ name: 'web', network: 'front' });
  await model.connectNetwork('back', 'web');
  await model.runContainer({ name: 'api', network: 'back' });
  await model.runContainer({ name: 'old', network: 'bridge' });
  assert.equal(addressSeenBy(model, 'api', 'web'), '172.19.0.2');
  assert.equal(addressSeenBy(model, 'web', 'api'), '172.19.0.3');
  // The default bridge has no DNS: the step falls back to the first address.
  assert.equal(addressSeenBy(model, 'old', 'web'), undefined);
  assert.equal(addressSeenBy({ name: 'dind' } as unknown as Backend, 'api', 'web'), undefined);
});
