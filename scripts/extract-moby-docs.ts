/**
 * Records the rulesets of moby's generated firewall documents as fixtures:
 * `integration/network/bridge/{iptables,nftables}doc/generated/*.md` at a tag, read from a
 * bare git mirror, become fixtures/golden/moby-<tag version>/iptables/<doc>.txt (the
 * documents' `iptables -S -t TABLE` blocks, rewritten as iptables-save) and
 * nftables/<doc>.nft (the `nft -s list table ip docker-bridges` block, de-indented).
 * Only the data is kept; the documents' prose stays in moby.
 *
 *   npx tsx scripts/extract-moby-docs.ts [/work/.mirror/moby+moby/repo] [docker-v29.7.2 v28.5.2]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const [mirror = '/work/.mirror/moby+moby/repo', ...tagArgs] = process.argv.slice(2);
const tags = tagArgs.length > 0 ? tagArgs : ['docker-v29.7.2', 'v28.5.2'];

const git = (...args: string[]): string => execFileSync('git', ['-C', mirror, ...args], { encoding: 'utf8' });

/** Which table an `iptables -S` block lists, told by its built-in chains' policies. */
function tableOf(block: string[]): string | undefined {
  const builtins = block.filter((l) => l.startsWith('-P ')).map((l) => l.split(' ')[1]);
  const key = builtins.join(',');
  if (key === 'INPUT,FORWARD,OUTPUT') return 'filter';
  if (key === 'PREROUTING,INPUT,OUTPUT,POSTROUTING') return 'nat';
  if (key === 'PREROUTING,OUTPUT') return 'raw';
  return undefined; // `iptables -S DOCKER` (one chain) and anything else: not a whole table
}

/** `iptables -S` lines → iptables-save text of that table. */
function saveForm(table: string, block: string[]): string {
  const out = [`*${table}`];
  for (const l of block) {
    const [verb, chain, policy] = l.split(' ');
    if (verb === '-P') out.push(`:${chain} ${policy} [0:0]`);
    else if (verb === '-N') out.push(`:${chain} - [0:0]`);
  }
  out.push(...block.filter((l) => l.startsWith('-A ')), 'COMMIT');
  return `${out.join('\n')}\n`;
}

/** Runs of four-space-indented `-P/-N/-A` lines: the documents' `iptables -S` blocks. */
function iptablesBlocks(md: string): string[][] {
  const blocks: string[][] = [];
  let current: string[] = [];
  for (const line of md.split('\n')) {
    const m = /^ {4}(-[PNA] .*?)\s*$/.exec(line);
    if (m?.[1]) current.push(m[1]);
    else if (current.length > 0) {
      blocks.push(current);
      current = [];
    }
  }
  if (current.length > 0) blocks.push(current);
  return blocks;
}

function iptablesFixture(md: string, doc: string): string {
  const tables = new Map<string, string>();
  for (const block of iptablesBlocks(md)) {
    const table = tableOf(block);
    if (!table) continue;
    const text = saveForm(table, block);
    const seen = tables.get(table);
    if (seen !== undefined && seen !== text) throw new Error(`${doc}: two different ${table} tables`);
    tables.set(table, text);
  }
  if (!tables.has('filter') || !tables.has('nat')) throw new Error(`${doc}: no filter or nat table found`);
  return ['filter', 'nat', 'raw'].flatMap((t) => tables.get(t) ?? []).join('');
}

/** The first `table ip docker-bridges { … }` block, without the Markdown indent. */
function nftFixture(md: string, doc: string): string {
  const lines = md.split('\n');
  const start = lines.indexOf('    table ip docker-bridges {');
  const end = lines.findIndex((l, i) => i > start && l === '    }');
  if (start < 0 || end < 0) throw new Error(`${doc}: no table ip docker-bridges block`);
  return `${lines
    .slice(start, end + 1)
    .map((l) => l.slice(4))
    .join('\n')}\n`;
}

for (const tag of tags) {
  const version = tag.replace(/^docker-v|^v/, '');
  for (const [kind, folder, ext] of [
    ['iptables', 'iptablesdoc', 'txt'],
    ['nftables', 'nftablesdoc', 'nft'],
  ] as const) {
    const dir = `integration/network/bridge/${folder}/generated/`;
    let names: string[];
    try {
      names = git('ls-tree', '--name-only', tag, dir).split('\n').filter(Boolean);
    } catch {
      continue; // the folder does not exist at this tag (nftablesdoc before 29)
    }
    if (names.length === 0) continue;
    const out = join(root, 'fixtures/golden', `moby-${version}`, kind);
    mkdirSync(out, { recursive: true });
    for (const path of names) {
      const doc = path.split('/').pop()?.replace(/\.md$/, '') as string;
      const md = git('show', `${tag}:${path}`);
      const text = kind === 'iptables' ? iptablesFixture(md, doc) : nftFixture(md, doc);
      writeFileSync(join(out, `${doc}.${ext}`), text);
      process.stdout.write(`${tag} ${kind} ${doc}\n`);
    }
  }
}
