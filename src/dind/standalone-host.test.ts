import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { ExecResult, StandaloneHostSpec } from '../contract.ts';
import { hostileText } from '../netfilter/hostile-text.test-helper.ts';
import {
  type HostPlan,
  interfaceFor,
  interfacePlan,
  neighbourNamespace,
  neighbourPlan,
  PLAN_SCRIPT,
  planArgv,
  runHostPlan,
  StandaloneHostError,
} from './standalone-host.ts';

const spec: StandaloneHostSpec = {
  rulesetText: '',
  interfaces: [
    { name: 'lo', kind: 'loopback', addresses: [{ address: '127.0.0.1', prefix: 8 }] },
    { name: 'br-cbd0f56841ce', kind: 'bridge', addresses: [{ address: '172.18.0.1', prefix: 16 }] },
    { name: 'veth-a', kind: 'ether', addresses: [{ address: '10.0.1.1', prefix: 24 }] },
  ],
  routes: [],
  sysctls: { 'net.ipv4.ip_forward': '1' },
  neighbours: [],
};

/** Every argv a plan can run, checks included. */
function argvs(plan: HostPlan): string[][] {
  return [
    ...(plan.done ? [plan.done] : []),
    ...plan.steps.flatMap((s) => [...(s.unless ? [s.unless] : []), s.argv]),
  ];
}

/** Runs only `ip` and `sysctl`: nothing a shell would read. */
function assertNoShell(plan: HostPlan): void {
  for (const argv of argvs(plan)) {
    assert.ok(['ip', 'sysctl'].includes(argv[0] as string), `not ip or sysctl: ${JSON.stringify(argv)}`);
  }
}

const has = (plan: HostPlan, argv: string[]) =>
  argvs(plan).some((a) => JSON.stringify(a) === JSON.stringify(argv));

describe('standalone host plans', () => {
  it('interfaceFor finds the interface whose subnet holds an address', () => {
    assert.equal(interfaceFor(spec.interfaces, '172.18.200.3')?.iface.name, 'br-cbd0f56841ce');
    assert.equal(interfaceFor(spec.interfaces, '10.0.1.9')?.gateway, '10.0.1.1');
    assert.equal(interfaceFor(spec.interfaces, '192.0.2.1'), undefined);
  });

  it('interfacePlan creates bridges and veths unless they exist, skips loopback, sets sysctls', () => {
    const plan = interfacePlan(spec);
    assertNoShell(plan);
    const bridge = plan.steps.find((s) => s.argv.includes('bridge'));
    assert.deepEqual(bridge, {
      argv: ['ip', 'link', 'add', 'name', 'br-cbd0f56841ce', 'type', 'bridge'],
      unless: ['ip', 'link', 'show', 'dev', 'br-cbd0f56841ce'],
    });
    assert.ok(
      has(plan, ['ip', 'link', 'add', 'name', 'veth-a', 'type', 'veth', 'peer', 'name', 'veth-a-nb']),
    );
    assert.ok(has(plan, ['ip', 'addr', 'replace', '172.18.0.1/16', 'dev', 'br-cbd0f56841ce']));
    assert.ok(!argvs(plan).some((a) => a.includes('lo')));
    assert.ok(has(plan, ['sysctl', '-qw', 'net.ipv4.ip_forward=1']));
  });

  it('interface names the kernel would refuse are an error naming the interface', () => {
    const bad = {
      ...spec,
      interfaces: [{ name: 'a-name-that-is-too-long', kind: 'bridge' as const, addresses: [] }],
    };
    assert.throws(
      () => interfacePlan(bad),
      (e: Error) => e instanceof StandaloneHostError && /a-name-that-is-too-long/.test(e.message),
    );
  });

  it('a neighbour on a bridge gets its own veth, distinct for addresses with the same digits', () => {
    const a = neighbourPlan(spec, '172.18.0.2');
    const b = neighbourPlan(spec, '172.18.0.20');
    assertNoShell(a);
    const hostEnd = (p: HostPlan) => p.steps.find((s) => s.argv.includes('veth'))?.argv[4];
    assert.ok(hostEnd(a) && hostEnd(b) && hostEnd(a) !== hostEnd(b));
    assert.ok((hostEnd(a)?.length ?? 99) <= 15);
    const ns = neighbourNamespace('172.18.0.2');
    assert.deepEqual(a.done, ['ip', 'netns', 'pids', ns]);
    assert.ok(has(a, ['ip', 'netns', 'add', ns]));
    assert.ok(has(a, ['ip', 'link', 'set', 'dev', hostEnd(a) as string, 'master', 'br-cbd0f56841ce', 'up']));
    assert.ok(has(a, ['ip', '-n', ns, 'route', 'add', 'default', 'via', '172.18.0.1']));
  });

  it('a neighbour behind a veth takes the far end into its namespace, once', () => {
    const plan = neighbourPlan(spec, '10.0.1.2');
    assert.ok(has(plan, ['ip', 'link', 'set', 'dev', 'veth-a-nb', 'netns', 'nt-10-0-1-2']));
    assert.ok(has(plan, ['ip', '-n', 'nt-10-0-1-2', 'addr', 'add', '10.0.1.2/24', 'dev', 'eth0']));
    const check = plan.steps.find((s) => s.failure);
    assert.deepEqual(check?.argv, ['ip', 'link', 'show', 'dev', 'veth-a-nb']);
    assert.match(check?.failure ?? '', /veth-a already has its neighbour/);
  });

  it('a neighbour on none of the interfaces, or not an address, is an error that says what to do', () => {
    assert.throws(() => neighbourPlan(spec, '192.0.2.7'), /192\.0\.2\.7 is on none of the host's interfaces/);
    assert.throws(() => neighbourPlan(spec, '10.0.1.2;id'), StandaloneHostError);
    assert.throws(() => neighbourNamespace('$(id)'), StandaloneHostError);
  });

  it('runHostPlan sends the whole plan in one exec, and a failure names the host and what was built', async () => {
    const seen: string[][] = [];
    const host = {
      name: 'h1',
      exec: async (argv: string[]): Promise<ExecResult> => {
        seen.push(argv);
        return {
          exitCode: 1,
          stdout: '',
          stderr: 'veth-a already has its neighbour; one neighbour per veth\n',
        };
      },
    };
    await assert.rejects(
      runHostPlan(host, neighbourPlan(spec, '10.0.1.2'), 'the neighbour 10.0.1.2'),
      /^StandaloneHostError: On DinD host "h1", building the neighbour 10\.0\.1\.2 failed: veth-a already has/,
    );
    assert.equal(seen.length, 1);
    assert.deepEqual(seen[0]?.slice(0, 4), ['sh', '-c', PLAN_SCRIPT, 'nettwin-plan']);
  });
});

/** PLAN_SCRIPT run by this machine's sh, with a plan of harmless commands. */
function runLocally(plan: HostPlan) {
  const [command, ...args] = planArgv(plan);
  const r = spawnSync(command as string, args, { encoding: 'utf8' });
  return { exitCode: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('PLAN_SCRIPT (run here by sh)', () => {
  it('runs steps in order, skips a step whose check succeeds, and a plan that is done', () => {
    const echo = (text: string) => ['printf', '%s\n', text];
    const plan: HostPlan = {
      steps: [
        { argv: echo('one') },
        { argv: echo('skipped'), unless: ['true'] },
        { argv: echo('two'), unless: ['false'] },
        { argv: ['true'], failure: 'not said' },
        { argv: echo('three') },
      ],
    };
    assert.deepEqual(runLocally(plan), { exitCode: 0, stdout: 'one\ntwo\nthree\n', stderr: '' });
    assert.deepEqual(runLocally({ ...plan, done: ['true'] }).stdout, '');
    assert.deepEqual(runLocally({ ...plan, done: ['false'] }).stdout, 'one\ntwo\nthree\n');
  });

  it('stops at the first failure: a check says its message, a step its exit code and words', () => {
    const check = runLocally({
      steps: [{ argv: ['false'], failure: 'eth0 already has its neighbour' }, { argv: ['printf', 'x'] }],
    });
    assert.deepEqual(check, { exitCode: 1, stdout: '', stderr: 'eth0 already has its neighbour\n' });
    const step = runLocally({ steps: [{ argv: ['sh', '-c', 'exit 3', 'a b'] }, { argv: ['printf', 'x'] }] });
    assert.deepEqual(step, { exitCode: 3, stdout: '', stderr: 'exit 3 from sh -c exit 3 a b\n' });
  });

  it('property: any words reach the command exactly as given, never read by the shell', () => {
    const word = fc.oneof(hostileText, fc.string({ maxLength: 30 })).filter((w) => !w.includes('\u0000'));
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 6 }), fc.boolean(), (words, checked) => {
        const argv = ['printf', '%s\\0', ...words];
        const plan: HostPlan = {
          steps: [checked ? { argv: ['true'], failure: words[0] as string } : { argv: ['true'] }, { argv }],
        };
        const r = runLocally(plan);
        assert.equal(r.exitCode, 0, r.stderr);
        assert.deepEqual(r.stdout.split('\0').slice(0, -1), words);
        // The script is the same text whatever the plan: no word of it is ever shell text.
        assert.equal(planArgv(plan)[2], PLAN_SCRIPT);
      }),
      { numRuns: 50 },
    );
  });
});

describe('property: snapshot and feature values never reach a shell', () => {
  it('an interface name is refused, or appears only as a whole argv word of ip', () => {
    fc.assert(
      fc.property(hostileText, fc.constantFrom('bridge' as const, 'ether' as const), (name, kind) => {
        const bad = {
          ...spec,
          interfaces: [{ name, kind, addresses: [{ address: '10.9.0.1', prefix: 24 }] }],
        };
        let plan: HostPlan;
        try {
          plan = interfacePlan(bad);
        } catch (error) {
          assert.ok(error instanceof StandaloneHostError, String(error));
          return;
        }
        assert.match(name, /^[A-Za-z0-9_.:-]{1,15}$/);
        assertNoShell(plan);
        assert.ok(has(plan, ['ip', 'link', 'show', 'dev', name]));
      }),
      { numRuns: 500 },
    );
  });

  it('a loopback name is checked too, though nothing is created for it', () => {
    const bad = { ...spec, sysctls: { 'net.ipv4.conf.lo;id.route_localnet': '1' } };
    assert.throws(() => interfacePlan(bad), StandaloneHostError);
  });

  it('a sysctl value is refused, or is a numeric list inside one key=value word of sysctl', () => {
    fc.assert(
      fc.property(hostileText, (value) => {
        let plan: HostPlan;
        try {
          plan = interfacePlan({ ...spec, sysctls: { 'net.ipv4.ip_forward': value } });
        } catch (error) {
          assert.ok(error instanceof StandaloneHostError, String(error));
          return;
        }
        assert.match(value, /^-?\d+( -?\d+)*$/);
        assertNoShell(plan);
        assert.ok(has(plan, ['sysctl', '-qw', `net.ipv4.ip_forward=${value}`]));
      }),
      { numRuns: 500 },
    );
  });

  it('an address that is not a.b.c.d is refused before any plan', () => {
    fc.assert(
      fc.property(hostileText, (address) => {
        const bad = {
          ...spec,
          interfaces: [{ name: 'br0', kind: 'bridge' as const, addresses: [{ address, prefix: 24 }] }],
        };
        try {
          assertNoShell(interfacePlan(bad));
          assert.match(address, /^\d+\.\d+\.\d+\.\d+$/);
        } catch (error) {
          if (!(error instanceof StandaloneHostError)) throw error;
        }
      }),
      { numRuns: 300 },
    );
  });
});
