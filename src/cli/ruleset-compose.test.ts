import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { RulesetUsageError, runRulesetCommand } from './ruleset.ts';

const SHOP = 'features/compose/shop/compose.yaml';

test('ruleset --compose: the shop publishes 8080 to everyone and 9090 on loopback, from the front network', () => {
  const out = runRulesetCommand({ dockerVersion: '20.10', compose: SHOP, save: true });
  assert.match(
    out,
    /-A DOCKER ! -i br-[0-9a-f]{12} -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172\.18\.0\.2:80\n/,
  );
  assert.match(
    out,
    /-A DOCKER -d 127\.0\.0\.1\/32 ! -i br-[0-9a-f]{12} -p tcp -m tcp --dport 9090 -j DNAT --to-destination 172\.18\.0\.2:9090\n/,
  );
  // The internal back network: no masquerade, isolation both ways.
  assert.doesNotMatch(out, /-s 172\.30\.10\.0\/24 .*MASQUERADE/);
  assert.match(out, /-A DOCKER-ISOLATION-STAGE-1 ! -s 172\.30\.10\.0\/24 -o br-[0-9a-f]{12} -j DROP/);
  const summary = runRulesetCommand({ dockerVersion: '20.10', compose: SHOP });
  assert.match(summary, /# network shop_back: bridge br-[0-9a-f]{12} 172\.30\.10\.0\/24/);
  assert.match(summary, /# container shop-api-1: 172\.30\.10\.10 /);
});

test('ruleset --compose --project-name renames networks and containers; the rules stay', () => {
  const named = runRulesetCommand({ dockerVersion: '26.1', compose: SHOP, projectName: 'other' });
  assert.match(named, /# network other_front:/);
  assert.doesNotMatch(named, /shop_/);
});

test('ruleset --compose refuses what it cannot use, as usage errors naming file:line', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'nettwin-compose-'));
  try {
    mkdirSync(path.join(dir, 'stack'));
    const bad = path.join(dir, 'stack', 'compose.yaml');
    writeFileSync(bad, 'services:\n  a:\n    ports: ["80"]\n    links: [b]\n');
    assert.throws(
      () => runRulesetCommand({ dockerVersion: '28.5', compose: bad }),
      (e: Error) => e instanceof RulesetUsageError && /compose\.yaml:4: services\.a\.links: /.test(e.message),
    );
    const external = path.join(dir, 'stack', 'external.yaml');
    writeFileSync(external, 'services:\n  a: {networks: [lan]}\nnetworks:\n  lan: {external: true}\n');
    assert.throws(
      () => runRulesetCommand({ dockerVersion: '28.5', compose: external }),
      /external networks \(lan\)/,
    );
    const clash = path.join(dir, 'stack', 'clash.yaml');
    writeFileSync(clash, 'services:\n  a: {ports: ["8080:80"]}\n  b: {ports: ["8080:80"]}\n');
    assert.throws(
      () => runRulesetCommand({ dockerVersion: '28.5', compose: clash }),
      /Docker refuses container stack-b-1/,
    );
    assert.throws(
      () => runRulesetCommand({ dockerVersion: '28.5', compose: clash, script: 'x' }),
      /not both/,
    );
    assert.throws(() => runRulesetCommand({ dockerVersion: '28.5' }), /--script FILE .* or --compose FILE/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
