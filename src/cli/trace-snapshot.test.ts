/**
 * `trace --snapshot` on a snapshot of a real Docker 20.10 host (two networks, three
 * containers; fixtures/snapshots/README.md) predicts what the real pings and requests
 * on that host did. The outcomes below were measured on it, right after the snapshot.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runTrace, type TraceOptions } from './trace.ts';
import { traceSnapshot } from './trace-snapshot.test-helper.ts';

const SNAPSHOT = join(import.meta.dirname, '../../fixtures/snapshots/two-networks-20.10.json');

function trace(extra: Partial<TraceOptions>) {
  return traceSnapshot(SNAPSHOT, extra);
}

/** [from, to, real outcome]: `ping -c 3` (3/3 or 0/3 answered), `curl -m 2` (response or timeout). */
const REAL: Array<[string, string, 'delivered' | 'timeout']> = [
  ['api', 'db', 'delivered'], // same network (backend)
  ['db', 'api', 'delivered'],
  ['api', 'web', 'timeout'], // backend → frontend: DOCKER-ISOLATION-STAGE-2 drops
  ['web', 'api', 'timeout'],
  ['web', 'db', 'timeout'],
  ['api', '192.168.70.6', 'delivered'], // the host's eth0
  ['web', '172.18.0.1', 'delivered'], // its gateway
  ['api', '192.168.70.9', 'delivered'], // the LAN's client, masqueraded
  ['api', 'web:80', 'timeout'], // curl http://172.18.0.2:80 → exit 28
  ['api', '192.168.70.6:8080', 'delivered'], // published port via docker-proxy: 404 from httpd
  ['192.168.70.9', '192.168.70.6:8080', 'delivered'], // from the LAN: DNAT to web
];

describe('nettwin trace --snapshot', () => {
  for (const [from, to, outcome] of REAL) {
    it(`${from} → ${to}: ${outcome}, as on the real host`, () => {
      const out = trace({ from, to, count: to.includes(':') ? undefined : '3', json: true });
      assert.equal(out.exitCode, 0, out.stderr);
      assert.equal(JSON.parse(out.stdout).verdict, outcome);
    });
  }

  it('the path names containers and networks', () => {
    const out = trace({ from: 'api', to: 'web' });
    assert.equal(out.exitCode, 0, out.stderr);
    assert.match(out.stdout, /^172\.19\.0\.2 \(api\) → 172\.18\.0\.2 \(web\) \(icmp, 1×\)\n/);
    assert.match(
      out.stdout,
      /arrives on br-[0-9a-f]{12} \(network backend\): icmp 172\.19\.0\.2 \(api\) > 172\.18\.0\.2 \(web\)/,
    );
    assert.match(out.stdout, /-A DOCKER-ISOLATION-STAGE-2 -o br-[0-9a-f]{12} -j DROP/);
  });

  it('--save prints the snapshot ruleset with the flow counted on top of its counters', () => {
    const before = JSON.parse(readFileSync(SNAPSHOT, 'utf8')).iptables.save as string;
    const frontendDrop = /\[(\d+):(\d+)\] (-A DOCKER-ISOLATION-STAGE-2 -o br-[0-9a-f]{12} -j DROP)/g;
    const counts = (text: string) => [...text.matchAll(frontendDrop)].map((m) => [Number(m[1]), m[3]]);
    const out = trace({ from: 'api', to: 'web', count: '3', save: true });
    const [a, b] = [counts(before), counts(out.stdout)];
    // Exactly one STAGE-2 DROP (the one for web's bridge) counts the 3 requests.
    assert.deepEqual(
      b.map(([n, rule], i) => (n as number) - (a[i]?.[0] as number) + (rule === a[i]?.[1] ? 0 : NaN)).sort(),
      [0, 3],
    );
  });

  it('errors: unknown names, options that the snapshot replaces, a file that is not a snapshot', () => {
    const unknown = trace({ from: 'nope', to: 'web' });
    assert.equal(unknown.exitCode, 2);
    assert.match(unknown.stderr, /--from "nope": .*containers: db, api, web/);
    assert.match(
      trace({ from: 'api', to: 'web', bridge: ['x=1.2.3.4/8'] }).stderr,
      /--bridge does not go with --snapshot/,
    );
    const foreign = runTrace(
      { snapshot: 'package.json', bridge: [], iface: [], sysctl: [], listen: [], from: 'a', to: 'b' },
      () => '{"name":"nettwin"}',
    );
    assert.equal(
      foreign.stderr,
      `nettwin trace: snapshot package.json: field format: expected "nettwin-snapshot", found nothing: this is not a nettwin snapshot (take one with \`nettwin snapshot --out FILE\`)\n`,
    );
    assert.match(
      trace({ ruleset: 'r.txt', from: 'a', to: 'b' }).stderr,
      /--ruleset does not go with --snapshot/,
    );
    const neither = runTrace({ bridge: [], iface: [], sysctl: [], listen: [], from: 'a', to: 'b' });
    assert.match(neither.stderr, /--ruleset FILE .* or --snapshot FILE/);
  });

  it('a what-if on the recorded host: forwarding off breaks the same-network ping? no: bridged traffic does not route', () => {
    const out = trace({ from: 'api', to: '192.168.70.9', sysctl: ['net.ipv4.ip_forward=0'], json: true });
    assert.equal(JSON.parse(out.stdout).verdict, 'timeout');
    const same = trace({ from: 'api', to: 'db', sysctl: ['net.ipv4.ip_forward=0'], json: true });
    assert.equal(JSON.parse(same.stdout).verdict, 'delivered');
  });
});
