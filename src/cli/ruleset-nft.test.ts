/** `nettwin ruleset --save` prints Docker 29's nftables backend as `nft list ruleset` does, iptables-save otherwise. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseNftRuleset } from '../netfilter/nft/parse.ts';
import { parseRuleset } from '../netfilter/ruleset/index.ts';
import { runRulesetCommand } from './ruleset.ts';

const script = (name: string) => fileURLToPath(new URL(`../../fixtures/scripts/${name}`, import.meta.url));

test('--firewall-backend=nftables on the dockerd line: --save prints the docker-bridges table with counters', () => {
  const out = runRulesetCommand({
    dockerVersion: '29.7',
    script: script('docker29-nftables.docker'),
    save: true,
  });
  assert.match(out, /^table ip docker-bridges \{\n/);
  assert.match(out, /\t\tip daddr 192\.0\.2\.2 tcp dport 80 counter packets 0 bytes 0 accept\n/);
  assert.doesNotMatch(out, /^\*filter/m, 'no iptables-save text in an nft listing');
  assert.deepEqual(
    parseNftRuleset(out).tables.map((t) => `${t.family} ${t.name}`),
    ['ip docker-bridges'],
  );
});

test('the iptables backend of 29.7: --save prints iptables-save, without isolation chains', () => {
  const out = runRulesetCommand({
    dockerVersion: '29.7',
    script: script('moby/usernet-portmap.docker'),
    save: true,
  });
  const chains = parseRuleset(out).tables.flatMap((t) => t.chains.map((c) => `${t.name} ${c.name}`));
  assert.ok(chains.includes('filter DOCKER-INTERNAL'), chains.join('\n'));
  assert.ok(!chains.some((c) => c.includes('ISOLATION')), chains.join('\n'));
});

test('without --save, the summary comes first, then the nft table, then the host iptables tables', () => {
  const out = runRulesetCommand({ dockerVersion: '29.7', script: script('docker29-nftables.docker') });
  const table = out.indexOf('table ip docker-bridges {');
  assert.ok(out.startsWith('# Docker 29.7 model'), out.slice(0, 80));
  assert.ok(table > 0 && out.indexOf('*filter') > table);
});
