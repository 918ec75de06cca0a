import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseRuleset } from '../netfilter/ruleset/index.ts';
import { IP6TABLES_HEADER, runRulesetCommand } from './ruleset.ts';

const dir = mkdtempSync(join(tmpdir(), 'nettwin-ruleset6-'));
after(() => rmSync(dir, { recursive: true, force: true }));
function script(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

test('ruleset --save: an IPv6 network adds an ip6tables-save dump after the iptables-save one', () => {
  const file = script(
    'v6.docker',
    'docker network create --ipv6 --subnet fd00:1::/64 n6\ndocker run -d --name web --network n6 -p 8080:80 nginx\n',
  );
  const out = runRulesetCommand({ dockerVersion: '28.5', script: file, save: true });
  const at = out.indexOf(IP6TABLES_HEADER);
  assert.ok(at > 0, out);
  const v4 = parseRuleset(out.slice(0, at));
  const v6 = parseRuleset(out.slice(at));
  assert.ok(JSON.stringify(v4).includes('172.18.0.2:80'));
  assert.match(
    out.slice(at),
    /\[0:0\] -A DOCKER ! -s fe80::\/10 ! -i br-\w+ -p tcp -m tcp --dport 8080 -j DNAT --to-destination \[fd00:1::2\]:80/,
  );
  assert.ok(v6.tables.some((t) => t.name === 'raw'));
  const human = runRulesetCommand({ dockerVersion: '28.5', script: file });
  assert.match(
    human,
    /# network n6: bridge br-\w+ 172\.18\.0\.0\/16 gateway 172\.18\.0\.1 ipv6 fd00:1::\/64 gateway fd00:1::1/,
  );
  assert.match(human, /# listener docker-proxy tcp \[::\]:8080 -> \[fd00:1::2\]:80/);
  assert.ok(human.includes(IP6TABLES_HEADER));
});

test('ruleset: an IPv4-only script prints no ip6tables part, with or without --save', () => {
  const file = script(
    'v4.docker',
    'docker network create n4\ndocker run -d --name web --network n4 -p 8080:80 nginx\n',
  );
  for (const version of ['20.10', '26.1', '28.5', '29.7']) {
    for (const save of [true, false]) {
      const out = runRulesetCommand({ dockerVersion: version, script: file, save });
      assert.ok(!out.includes(IP6TABLES_HEADER), `${version} save=${save}`);
      assert.ok(!out.includes('::1/128'), `${version} save=${save}`);
    }
  }
});
