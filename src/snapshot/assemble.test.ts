/**
 * From what the commands printed on a real Docker 20.10 host (fixtures/snapshots/
 * two-networks-20.10.raw.json, taken with collectRaw through `docker exec`) to the
 * snapshot file: the same as the checked-in snapshot, and nothing private kept.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assembleSnapshot, dumpHasRules, parseSysctlLines, type RawHostOutputs } from './assemble.ts';
import { collectRaw, type Runner } from './collect.ts';

const DIR = join(import.meta.dirname, '../../fixtures/snapshots');
const raw = JSON.parse(readFileSync(join(DIR, 'two-networks-20.10.raw.json'), 'utf8')) as RawHostOutputs;
const recorded = JSON.parse(readFileSync(join(DIR, 'two-networks-20.10.json'), 'utf8'));

describe('assembleSnapshot', () => {
  it('turns the raw outputs of a real host into the recorded snapshot', () => {
    // The raw outputs were recorded before IPv6 was (no ip6tables-save, no `ip -6 route`):
    // the same snapshot in today's format version.
    assert.deepEqual(JSON.parse(JSON.stringify(assembleSnapshot(raw))), { ...recorded, version: 2 });
  });

  it('keeps network facts and drops environment, labels and commands', () => {
    // The recorded host ran web with -e SECRET_TOKEN=hunter2 --label team=payments.
    assert.match(raw.containersJson, /hunter2/);
    const text = JSON.stringify(assembleSnapshot(raw));
    for (const secret of ['hunter2', 'SECRET_TOKEN', 'payments', 'httpd', 'sleep']) {
      assert.ok(!text.includes(secret), `${secret} leaked into the snapshot`);
    }
    const s = assembleSnapshot(raw);
    const web = s.containers.find((c) => c.name === 'web');
    assert.deepEqual(web?.endpoints, [
      { network: 'frontend', address: '172.18.0.2', prefix: 16, gateway: '172.18.0.1' },
    ]);
    assert.deepEqual(web?.ports, [{ containerPort: 80, protocol: 'tcp', hostIp: '0.0.0.0', hostPort: 8080 }]);
    const frontend = s.networks.find((n) => n.name === 'frontend');
    assert.equal(frontend?.bridge, `br-${frontend?.id.slice(0, 12)}`);
    assert.equal(s.networks.find((n) => n.name === 'bridge')?.bridge, 'docker0');
    assert.deepEqual(s.listeners, [
      {
        protocol: 'tcp',
        address: '0.0.0.0',
        port: 8080,
        owner: 'docker-proxy',
        forwardTo: { address: '172.18.0.2', port: 80 },
      },
    ]);
    assert.equal(s.sysctls['net.ipv4.tcp_syn_linear_timeouts'], '4');
    assert.equal(s.iptables.backend, 'nft');
    assert.equal(s.iptables.legacySave, undefined, 'an empty legacy dump is left out');
  });

  it('dumpHasRules and sysctl lines', () => {
    assert.equal(dumpHasRules('*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n'), false);
    assert.equal(dumpHasRules('*filter\n:INPUT DROP [0:0]\nCOMMIT\n'), true);
    assert.equal(dumpHasRules('*nat\n-A POSTROUTING -j MASQUERADE\nCOMMIT\n'), true);
    assert.equal(
      dumpHasRules('*nat\n[0:0] -A POSTROUTING -j MASQUERADE\nCOMMIT\n'),
      true,
      'iptables-save -c',
    );
    assert.deepEqual(
      parseSysctlLines('net.ipv4.ip_forward = 1\nnet.ipv4.ip_local_port_range = 32768\t60999\n'),
      {
        'net.ipv4.ip_forward': '1',
        'net.ipv4.ip_local_port_range': '32768 60999',
      },
    );
  });
});

describe('collectRaw', () => {
  it('runs only read-only commands and keeps only docker-proxy process lines', async () => {
    const seen: string[] = [];
    const answers: Record<string, string> = {
      'iptables --version': 'iptables v1.8.9 (nf_tables)\n',
      'iptables-save -c': raw.iptablesSave,
      'iptables-legacy-save -c': '',
      'ip -j -d addr show': raw.ipAddrJson,
      'ip -j -d link show': raw.ipLinkJson,
      'ip -j route show': raw.ipRouteJson,
      'docker version --format {{json .}}': raw.dockerVersionJson,
      'docker network ls -q --no-trunc': 'n1\n',
      'docker ps -aq --no-trunc': 'c1\n',
      'docker network inspect n1': raw.networksJson,
      'docker inspect c1': raw.containersJson,
      'ss -Hltnup': raw.ss,
      'ps -eo pid=,args=':
        '    1 /sbin/init\n  200 /usr/bin/app --password=hunter2\n  263 /usr/sbin/docker-proxy -proto tcp -host-ip 0.0.0.0 -host-port 8080 -container-ip 172.18.0.2 -container-port 80\n',
    };
    const runner: Runner = async (argv) => {
      const line = argv.join(' ');
      seen.push(line);
      const stdout = answers[line];
      return stdout === undefined
        ? { exitCode: 0, stdout: '', stderr: '' }
        : { exitCode: 0, stdout, stderr: '' };
    };
    const out = await collectRaw(runner, new Date(0));
    assert.ok(!out.dockerProxyPs.includes('hunter2'));
    assert.match(out.dockerProxyPs, /docker-proxy -proto tcp/);
    for (const line of seen) {
      assert.doesNotMatch(line, /(^| )(-w|-A|-D|-I|-F|-X|rm|create|run|restore|add|del|set)( |$)/, line);
    }
  });

  it('a failing iptables-save says to run as root', async () => {
    const runner: Runner = async (argv) =>
      argv[0] === 'iptables-save'
        ? {
            exitCode: 1,
            stdout: '',
            stderr:
              'iptables-save v1.8.9 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)\n',
          }
        : { exitCode: 0, stdout: 'iptables v1.8.9 (nf_tables)\n', stderr: '' };
    await assert.rejects(
      collectRaw(runner),
      /iptables-save -c` failed: .*Permission denied.*Run `nettwin snapshot` as root/,
    );
  });
});
