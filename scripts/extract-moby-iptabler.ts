/**
 * Records moby's iptabler testdata as fixtures: the `TestIptabler` golden files
 * (`…__ip6tables.golden`, `ip6tables-save -t raw/filter/nat` recorded by Docker's CI after
 * one network, one endpoint and two port bindings were programmed through the firewaller)
 * at a tag, read from a bare git mirror, become one file per tag,
 * fixtures/golden/moby-<tag version>/iptabler/ip6tables.txt: a `### <case>` line, then the
 * dump, or `= <earlier case>` when the dump is the same as an earlier one. Only the data is
 * kept. Checked by src/docker/iptabler-golden.test.ts.
 *
 *   npx tsx scripts/extract-moby-iptabler.ts [/work/.mirror/moby+moby/repo] [v28.5.2 docker-v29.7.2]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const [mirror = '/work/.mirror/moby+moby/repo', ...tagArgs] = process.argv.slice(2);
const tags = tagArgs.length > 0 ? tagArgs : ['v28.5.2', 'docker-v29.7.2'];
const FAMILY_SUFFIX = '__ip6tables.golden';

const git = (...args: string[]): string =>
  execFileSync('git', ['-C', mirror, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });

/** Where the testdata lives at a tag (moby moved libnetwork under daemon/ in 29.0). */
function testdataDir(tag: string): string {
  for (const dir of [
    'daemon/libnetwork/drivers/bridge/internal/iptabler/testdata/TestIptabler',
    'libnetwork/drivers/bridge/internal/iptabler/testdata',
  ]) {
    try {
      git('ls-tree', '--name-only', `${tag}:${dir}`);
      return dir;
    } catch {}
  }
  throw new Error(`${tag}: no iptabler testdata`);
}

for (const tag of tags) {
  const dir = testdataDir(tag);
  const names = git('ls-tree', '--name-only', `${tag}:${dir}`)
    .split('\n')
    .filter((f) => f.endsWith(FAMILY_SUFFIX))
    .sort();
  const seen = new Map<string, string>();
  const out: string[] = [
    `# moby ${tag} ${dir}/*${FAMILY_SUFFIX} (Apache-2.0), recorded by Docker's CI; extracted by`,
    '# scripts/extract-moby-iptabler.ts. "= CASE": the same dump as that earlier case.',
  ];
  for (const file of names) {
    const name = file.slice(0, -FAMILY_SUFFIX.length).replace(/^TestIptabler_/, '');
    const text = git('show', `${tag}:${dir}/${file}`);
    const same = seen.get(text);
    out.push(`### ${name}`);
    if (same) out.push(`= ${same}`);
    else {
      seen.set(text, name);
      out.push(text.trimEnd());
    }
  }
  const version = tag.replace(/^(docker-)?v/, '');
  const target = join(root, 'fixtures', 'golden', `moby-${version}`, 'iptabler');
  mkdirSync(target, { recursive: true });
  writeFileSync(join(target, 'ip6tables.txt'), `${out.join('\n')}\n`);
  process.stdout.write(`${tag}: ${names.length} cases, ${seen.size} distinct → ${target}/ip6tables.txt\n`);
}
