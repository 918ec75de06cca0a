/**
 * `nettwin trace` end to end against the ground truth: a recorded step's dump with its
 * counters zeroed goes in, and `--save` must print that step's recorded dump exactly.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseTranscript } from '../netfilter/ruleset/index.ts';
import { runTrace, type TraceOptions } from './trace.ts';

const root = join(import.meta.dirname, '../..');
const transcript = (file: string) =>
  parseTranscript(readFileSync(join(root, 'fixtures/groundtruth', file), 'utf8'));
const zeroed = (dump: string) => dump.replace(/\[\d+:\d+\]/g, '[0:0]');

function stepDump(file: string, title: string): string {
  const step = transcript(file).steps.find((s) => s.title === title);
  assert.ok(step, `no step "${title}" in ${file}`);
  return step.dumpText;
}

const e2Host = {
  iface: ['eth0=192.168.70.6/24'],
  defaultVia: '192.168.70.1',
  bridge: ['docker0=172.17.0.1/16', 'test_web=172.30.0.1/16'],
  sysctl: [],
  listen: [],
};

function options(extra: Partial<TraceOptions>): TraceOptions {
  return { ruleset: 'r.txt', bridge: [], iface: [], sysctl: [], listen: [], from: '', to: '', ...extra };
}

describe('nettwin trace', () => {
  it('an `iptables -L` listing is named as such (exit 2), not a parse error', () => {
    const listing = readFileSync(join(root, 'fixtures/seeds/001-hehe-filter.iptables-L'), 'utf8');
    const given = (text: string) =>
      runTrace(options({ ...e2Host, from: '172.17.0.2', to: '172.30.0.2' }), () => text);
    const l = given(listing);
    assert.equal(l.exitCode, 2);
    assert.match(
      l.stderr,
      /--ruleset r\.txt: this is an `iptables -L` listing; trace reads iptables-save output/,
    );
  });

  it('an `nft list ruleset` listing beside the dump: its native chains are walked, counted and printed back', () => {
    const dump = stepDump('e2-cross-bridge.txt', 'test1 pings test3 across bridges');
    const listing = [
      'table inet filter {',
      '\tchain forward {',
      '\t\ttype filter hook forward priority filter - 10; policy accept;',
      '\t\tip saddr 172.17.0.0/16 ip daddr 172.30.0.0/16 counter packets 0 bytes 0 reject with icmpx admin-prohibited',
      '\t}',
      '}',
      '',
    ].join('\n');
    const files: Record<string, string> = { 'r.txt': zeroed(dump), 'n.nft': listing };
    const run = (extra: Partial<TraceOptions>) =>
      runTrace(
        options({
          ...e2Host,
          ruleset: ['r.txt', 'n.nft'],
          from: '172.17.0.2',
          to: '172.30.0.2',
          count: '2',
          ...extra,
        }),
        (f) => files[f] ?? '',
      );
    const json = JSON.parse(run({ json: true }).stdout) as { verdict: string; nftCounters: unknown };
    assert.equal(json.verdict, 'unreachable');
    assert.deepEqual(json.nftCounters, [
      {
        family: 'inet',
        table: 'filter',
        chain: 'forward',
        rule: 1,
        packets: 2,
        bytes: 168,
        text: 'ip saddr 172.17.0.0/16 ip daddr 172.30.0.0/16 counter packets 0 bytes 0 reject with icmpx admin-prohibited',
      },
    ]);
    const saved = run({ save: true }).stdout;
    assert.ok(saved.startsWith('*filter\n'), saved.slice(0, 80));
    assert.ok(
      saved.endsWith(listing.replace('counter packets 0 bytes 0', 'counter packets 2 bytes 168')),
      saved,
    );
    assert.match(run({}).stdout, /nft inet filter forward \(priority -10\)/);
  });

  it('DESIGN.md example (e2 "test1 pings test3 across bridges"): --save prints the recorded dump', () => {
    const recorded = stepDump('e2-cross-bridge.txt', 'test1 pings test3 across bridges');
    const out = runTrace(
      options({ ...e2Host, from: '172.17.0.2', to: '172.30.0.2', count: '3', save: true }),
      () => zeroed(recorded),
    );
    assert.equal(out.stderr, '');
    assert.equal(out.exitCode, 0);
    assert.equal(out.stdout, recorded);
  });

  it('every e2 ping step, and e3 hairpin through a --listen relay, match their dumps', () => {
    const pings: Array<[string, string, string, string]> = [
      ['test3 pings test4 by name', '172.30.0.2', '172.30.0.3', '2'],
      ['test3 pings test1 across bridges', '172.30.0.2', '172.17.0.2', '2'],
      ['after deleting only the test_web DROP: test1 pings test3', '172.17.0.2', '172.30.0.2', '3'],
      ['after deleting both DROPs: test1 pings test3', '172.17.0.2', '172.30.0.2', '3'],
    ];
    for (const [title, from, to, count] of pings) {
      const recorded = stepDump('e2-cross-bridge.txt', title);
      const out = runTrace(options({ ...e2Host, from, to, count, save: true }), () => zeroed(recorded));
      assert.equal(out.stdout, recorded, title);
    }
    const hairpin = stepDump(
      'e3-publish-and-proxy.txt',
      'container box (docker0) GETs host-ip:8080 (hairpin via proxy)',
    );
    const out = runTrace(
      options({
        iface: ['eth0=192.168.70.6/24'],
        defaultVia: '192.168.70.1',
        bridge: ['docker0=172.17.0.1/16', 'test_net=172.18.0.1/16'],
        listen: ['0.0.0.0:8080=172.18.0.66:80'],
        from: '172.17.0.2',
        to: '192.168.70.6:8080',
        save: true,
      }),
      () => zeroed(hairpin),
    );
    assert.equal(out.stdout, hairpin);
  });

  it('--json gives verdict, counters, policies and the path', () => {
    const recorded = stepDump('e2-cross-bridge.txt', 'after deleting both DROPs: test1 pings test3');
    const out = runTrace(
      options({ ...e2Host, from: '172.17.0.2', to: '172.30.0.2', count: '3', json: true }),
      () => zeroed(recorded),
    );
    const json = JSON.parse(out.stdout);
    assert.equal(json.verdict, 'delivered');
    assert.equal(json.sent, 3);
    assert.equal(json.delivered, 3);
    assert.equal(json.seenSource, '172.30.0.1');
    assert.deepEqual(json.policies, [
      { table: 'nat', chain: 'PREROUTING', policy: 'ACCEPT', packets: 1, bytes: 84 },
    ]);
    assert.ok(
      json.counters.some(
        (c: { chain: string; rule: number; packets: number }) => c.chain === 'POSTROUTING' && c.packets === 1,
      ),
    );
    assert.ok(json.path.length > 0);
  });

  it('the default output is the readable packet path', () => {
    const recorded = stepDump('e1-default-bridge-ping.txt', 'test1 pings test2 on docker0');
    const out = runTrace(
      options({ bridge: ['docker0=172.17.0.1/16'], from: '172.17.0.2', to: '172.17.0.3' }),
      () => zeroed(recorded),
    );
    assert.match(
      out.stdout,
      /^verdict: delivered \(1\/1 answered, receiver server, seen source 172\.17\.0\.2\)/,
    );
    assert.match(out.stdout, /-A FORWARD -i docker0 -o docker0 -j ACCEPT {2}=> ACCEPT/);
  });

  it('errors are one line naming the file or option, exit code 2', () => {
    const dump = zeroed(stepDump('e1-default-bridge-ping.txt', 'test1 pings test2 on docker0'));
    const cases: Array<[Partial<TraceOptions>, RegExp, (p: string) => string]> = [
      [
        {},
        /^nettwin trace: --ruleset r\.txt: cannot read the file \(ENOENT\)\n$/,
        () => {
          throw Object.assign(new Error('nope'), { code: 'ENOENT' });
        },
      ],
      [
        { bridge: ['docker0=172.17.0.1/40'] },
        /^nettwin trace: --bridge "docker0=172\.17\.0\.1\/40": .*bad prefix length/,
        () => dump,
      ],
      [{}, /^nettwin trace: .*line 2 of r\.txt/, () => '*filter\nbogus line\nCOMMIT\n'],
      [{ save: true, json: true }, /--save and --json exclude each other/, () => dump],
      [{ to: '172.17.0.3:99999' }, /--to "172\.17\.0\.3:99999"/, () => dump],
      [{ from: '10.0.0.1' }, /--from 10\.0\.0\.1 is in no --bridge\/--iface subnet/, () => dump],
    ];
    for (const [extra, message, read] of cases) {
      const out = runTrace(
        options({ bridge: ['docker0=172.17.0.1/16'], from: '172.17.0.2', to: '172.17.0.3', ...extra }),
        read,
      );
      assert.equal(out.exitCode, 2);
      assert.equal(out.stdout, '');
      assert.match(out.stderr, message);
      assert.equal(out.stderr.split('\n').length, 2, 'one line');
    }
  });

  it('runs standalone: npx tsx src/cli/trace.ts … (the DESIGN.md command line)', () => {
    const recorded = stepDump('e2-cross-bridge.txt', 'test1 pings test3 across bridges');
    const dir = mkdtempSync(join(tmpdir(), 'nettwin-trace-'));
    const file = join(dir, 'r.txt');
    writeFileSync(file, zeroed(recorded));
    const args = [
      '--import',
      'tsx',
      join(root, 'src/cli/trace.ts'),
      '--ruleset',
      file,
      '--iface',
      'eth0=192.168.70.6/24',
    ];
    args.push(
      '--default-via',
      '192.168.70.1',
      '--bridge',
      'docker0=172.17.0.1/16',
      '--bridge',
      'test_web=172.30.0.1/16',
    );
    args.push('--from', '172.17.0.2', '--to', '172.30.0.2', '--count', '3', '--save');
    const ok = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
    rmSync(dir, { recursive: true, force: true });
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(ok.stdout, recorded);
    const missing = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(root, 'src/cli/trace.ts'), '--from', '1.1.1.1', '--to', '1.1.1.2'],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /--ruleset/);
  });
});
