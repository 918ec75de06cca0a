/** `nettwin snapshot --redact`: names replaced by stable placeholders, the replay unchanged. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { iptablesOf } from '../netfilter/firewall-state.ts';
import { parseRuleset } from '../netfilter/ruleset/index.ts';
import { REDACTED_HOSTNAME, redactSnapshot } from './redact.ts';
import { parseSnapshotJson, type Snapshot, validateSnapshot } from './schema.ts';
import { snapshotToHost } from './to-host.ts';

const FILE = join(import.meta.dirname, '../../fixtures/snapshots/two-networks-20.10.json');
const recorded = parseSnapshotJson(readFileSync(FILE, 'utf8'), FILE);

const SAVE = `*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -p tcp -m tcp --dport 5432 -m comment --comment "postgres for the payments team" -j ACCEPT
-A INPUT -p tcp -m tcp --dport 5433 -m comment --comment "postgres for the payments team" -j ACCEPT
-A INPUT -p udp -m udp --dport 51820 -m comment --comment wireguard-acme -j ACCEPT
-A INPUT -m comment --comment "say \\"hi\\"" -j DROP
COMMIT
`;

/** The recorded host with private things added: a comment-laden ruleset and two non-Docker listeners. */
const privateHost: Snapshot = {
  ...recorded,
  iptables: { ...recorded.iptables, save: SAVE, legacySave: SAVE },
  listeners: [
    ...recorded.listeners,
    { protocol: 'tcp', address: '0.0.0.0', port: 5432, owner: 'postgres' },
    { protocol: 'tcp', address: '127.0.0.1', port: 5433, owner: 'postgres' },
    { protocol: 'udp', address: '0.0.0.0', port: 51820, owner: 'wg-acme-vpn' },
  ],
};

describe('redactSnapshot', () => {
  const { snapshot, replaced } = redactSnapshot(privateHost);
  const text = JSON.stringify(snapshot);

  it('replaces the hostname, non-Docker process names and rule comments', () => {
    for (const secret of ['prod-host', 'postgres', 'payments', 'wireguard-acme', 'wg-acme-vpn']) {
      assert.ok(!text.includes(secret), `${secret} is still in the redacted snapshot`);
    }
    assert.equal(snapshot.host.hostname, REDACTED_HOSTNAME);
    assert.deepEqual(replaced, { hostname: true, processes: 2, comments: 3 });
  });

  it('gives one name one placeholder everywhere, and keeps Docker listeners as they are', () => {
    assert.deepEqual(
      snapshot.listeners.map((l) => l.owner),
      ['docker-proxy', 'process-1', 'process-1', 'process-2'],
    );
    const comments = [...snapshot.iptables.save.matchAll(/--comment (\S+)/g)].map((m) => m[1]);
    assert.deepEqual(comments, ['comment-1', 'comment-1', 'comment-2', 'comment-3']);
    assert.equal(snapshot.iptables.legacySave, snapshot.iptables.save);
  });

  it('keeps what a replay needs: the file validates, the rules parse, the rest is unchanged', () => {
    validateSnapshot(JSON.parse(text), 'redacted.json');
    assert.equal(
      snapshot.iptables.save,
      SAVE.replaceAll('"postgres for the payments team"', 'comment-1')
        .replace('wireguard-acme', 'comment-2')
        .replace('"say \\"hi\\""', 'comment-3'),
    );
    const host = snapshotToHost(snapshot, 'redacted.json').host;
    assert.equal(
      iptablesOf(host.firewall).tables[0]?.chains.find((c) => c.name === 'INPUT')?.rules.length,
      4,
    );
    assert.deepEqual(snapshot.interfaces, privateHost.interfaces);
    assert.deepEqual(snapshot.containers, privateHost.containers);
    assert.deepEqual(
      snapshot.listeners.map(({ owner: _, ...l }) => l),
      privateHost.listeners.map(({ owner: _, ...l }) => l),
    );
  });

  it('the recorded host without private names is unchanged but for its hostname', () => {
    const r = redactSnapshot(recorded);
    assert.deepEqual({ ...r.snapshot, host: recorded.host }, recorded);
    assert.deepEqual(r.replaced, { hostname: true, processes: 0, comments: 0 });
  });

  it('property: no comment text survives, the dump still parses to as many rules', () => {
    const word = fc.stringMatching(/^[a-z][a-z0-9 _.-]{0,20}[a-z0-9]$/);
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 6 }), (comments) => {
        const save = [
          '*filter',
          ':INPUT ACCEPT [0:0]',
          ...comments.map(
            (c, i) => `-A INPUT -p tcp -m tcp --dport ${1000 + i} -m comment --comment "${c}" -j ACCEPT`,
          ),
          'COMMIT',
          '',
        ].join('\n');
        const out = redactSnapshot({ ...recorded, iptables: { ...recorded.iptables, save } }).snapshot;
        const redacted = [...out.iptables.save.matchAll(/--comment (\S+)/g)].map((m) => m[1]);
        assert.equal(redacted.length, comments.length);
        assert.ok(redacted.every((c) => /^comment-\d+$/.test(c ?? '')));
        // Same comment, same placeholder; different comments, different placeholders.
        const pairs = new Map<string, string>();
        comments.forEach((c, i) => {
          const p = redacted[i] as string;
          if (pairs.has(c)) assert.equal(pairs.get(c), p);
          pairs.set(c, p);
        });
        assert.equal(new Set(pairs.values()).size, pairs.size);
        const rules = parseRuleset(out.iptables.save).tables[0]?.chains.find(
          (c) => c.name === 'INPUT',
        )?.rules;
        assert.equal(rules?.length, comments.length);
      }),
    );
  });
});
