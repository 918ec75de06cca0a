import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseRuleset } from '../ruleset/parse.ts';
import { serializeRuleset } from '../ruleset/serialize.ts';
import { emptyRuleset, findChain } from '../ruleset/tables.ts';
import { parseTranscript } from '../ruleset/transcript.ts';
import type { Ruleset } from '../types.ts';
import { IptablesError } from './result.ts';
import { runIptables } from './run.ts';
import { applyIptablesScript } from './script.ts';

const sh = (line: string) => line.split(/\s+/).filter((x) => x !== '');
const run = (rs: Ruleset, line: string) => runIptables(rs, sh(line));
const rulesOf = (rs: Ruleset, table: 'filter' | 'nat', chain: string) =>
  findChain(rs, table, chain)?.rules.map((r) => r.text);

const e2 = parseTranscript(
  readFileSync(join(import.meta.dirname, '../../../fixtures/groundtruth/e2-cross-bridge.txt'), 'utf8'),
);
const e2Start = () => parseRuleset(e2.steps[0]?.dumpText ?? '');

describe('rule commands', () => {
  it('-A appends in canonical form; -t selects the table; "iptables" word optional', () => {
    const rs = emptyRuleset();
    assert.equal(run(rs, 'iptables -t nat -N DOCKER').exitCode, 0);
    assert.equal(
      run(
        rs,
        'iptables -t nat -A DOCKER ! -i test_net -p tcp --dport 8080 -j DNAT --to-destination 172.18.0.66:80',
      ).exitCode,
      0,
    );
    assert.equal(run(rs, '-A FORWARD -s 10.1.2.3/8 -j ACCEPT').exitCode, 0);
    assert.deepEqual(rulesOf(rs, 'nat', 'DOCKER'), [
      '! -i test_net -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.18.0.66:80',
    ]);
    assert.deepEqual(rulesOf(rs, 'filter', 'FORWARD'), ['-s 10.0.0.0/8 -j ACCEPT']);
  });
  it('-I inserts at 1 by default or at n; too big is refused', () => {
    const rs = emptyRuleset();
    run(rs, '-A INPUT -j DROP');
    assert.equal(run(rs, '-I INPUT -i lo -j ACCEPT').exitCode, 0);
    assert.equal(run(rs, '-I INPUT 3 -j RETURN').exitCode, 0);
    assert.deepEqual(rulesOf(rs, 'filter', 'INPUT'), ['-i lo -j ACCEPT', '-j DROP', '-j RETURN']);
    assert.deepEqual(run(rs, '-I INPUT 9 -j DROP'), {
      exitCode: 1,
      stdout: '',
      stderr: 'iptables: Index of insertion too big.\n',
    });
  });
  it('-R replaces rule n and resets its counters', () => {
    const rs = e2Start();
    assert.equal(run(rs, '-R FORWARD 1 -j ACCEPT').exitCode, 0);
    assert.equal(findChain(rs, 'filter', 'FORWARD')?.rules[0]?.text, '-j ACCEPT');
    assert.deepEqual(findChain(rs, 'filter', 'FORWARD')?.rules[0]?.counters, { packets: 0, bytes: 0 });
    assert.equal(run(rs, '-R FORWARD 99 -j ACCEPT').stderr, 'iptables: Index of replacement too big.\n');
  });
  it('-D by spec matches the canonical text of dump rules (ground truth e2 SETUP)', () => {
    const rs = e2Start();
    const setup = e2.setup.find((s) => s.command.startsWith('iptables -D')) as { command: string };
    assert.equal(runIptables(rs, sh(setup.command)).exitCode, 0);
    assert.deepEqual(rulesOf(rs, 'filter', 'DOCKER-ISOLATION-STAGE-2'), ['-o docker0 -j DROP', '-j RETURN']);
    assert.deepEqual(run(rs, setup.command), {
      exitCode: 1,
      stdout: '',
      stderr: 'iptables: Bad rule (does a matching rule exist in that chain?).\n',
    });
    // non-canonical spelling of the same rule
    assert.equal(
      run(
        rs,
        '-t nat -D DOCKER_OUTPUT -p tcp --dport 53 -d 127.0.0.11 -j DNAT --to-destination 127.0.0.11:33293',
      ).exitCode,
      0,
    );
  });
  it('-D by number; index too big', () => {
    const rs = e2Start();
    assert.equal(run(rs, '-D DOCKER-USER 1').exitCode, 0);
    assert.deepEqual(rulesOf(rs, 'filter', 'DOCKER-USER'), []);
    assert.deepEqual(run(rs, '-D DOCKER-USER 1'), {
      exitCode: 1,
      stdout: '',
      stderr: 'iptables: Index of deletion too big.\n',
    });
  });
  it('-C answers 0 when present and 1 when absent', () => {
    const rs = e2Start();
    assert.equal(run(rs, '-C FORWARD -o docker0 -j DOCKER').exitCode, 0);
    assert.equal(
      run(rs, '-w -C FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT').exitCode,
      0,
    );
    const absent = run(rs, '-C FORWARD -o docker1 -j DOCKER');
    assert.equal(absent.exitCode, 1);
    assert.equal(absent.stderr, 'iptables: Bad rule (does a matching rule exist in that chain?).\n');
  });
  it('a jump to a missing chain fails like iptables-nft', () => {
    const rs = emptyRuleset();
    assert.deepEqual(run(rs, '-I FORWARD -o br-x -j DOCKER'), {
      exitCode: 2,
      stdout: '',
      stderr:
        "iptables v1.8.9 (nf_tables): Chain 'DOCKER' does not exist\nTry `iptables -h' or 'iptables --help' for more information.\n",
    });
    assert.deepEqual(rulesOf(rs, 'filter', 'FORWARD'), []);
  });
  it('-A on a missing user chain: No chain/target/match by that name', () => {
    assert.deepEqual(run(emptyRuleset(), '-A NOPE -j ACCEPT'), {
      exitCode: 1,
      stdout: '',
      stderr: 'iptables: No chain/target/match by that name.\n',
    });
  });
  it('-c sets the counters of an added rule', () => {
    const rs = emptyRuleset();
    run(rs, '-A INPUT -c 3 252 -j ACCEPT');
    assert.deepEqual(findChain(rs, 'filter', 'INPUT')?.rules[0]?.counters, { packets: 3, bytes: 252 });
  });
});

describe('chain commands', () => {
  it('-N keeps user chains in iptables-save order', () => {
    const rs = emptyRuleset(['filter']);
    for (const c of ['DOCKER-USER', 'DOCKER_OUTPUT', 'DOCKER', 'DOCKER-ISOLATION-STAGE-1'])
      assert.equal(run(rs, `-N ${c}`).exitCode, 0);
    assert.deepEqual(
      rs.tables[0]?.chains.map((c) => c.name),
      ['INPUT', 'FORWARD', 'OUTPUT', 'DOCKER', 'DOCKER-ISOLATION-STAGE-1', 'DOCKER-USER', 'DOCKER_OUTPUT'],
    );
    assert.deepEqual(run(rs, '-N DOCKER'), {
      exitCode: 1,
      stdout: '',
      stderr: 'iptables: Chain already exists.\n',
    });
    assert.equal(run(rs, '-N FORWARD').stderr, 'iptables: Chain already exists.\n');
    assert.equal(run(rs, `-N ${'X'.repeat(29)}`).exitCode, 2);
  });
  it('-X refuses non-empty and referenced chains, deletes empty ones', () => {
    const rs = e2Start();
    assert.equal(run(rs, '-X DOCKER-USER').stderr, 'iptables: Directory not empty.\n');
    run(rs, '-F DOCKER-USER');
    assert.deepEqual(run(rs, '-X DOCKER-USER'), {
      exitCode: 1,
      stdout: '',
      stderr: 'iptables: Too many links.\n',
    });
    run(rs, '-D FORWARD -j DOCKER-USER');
    assert.equal(run(rs, '-X DOCKER-USER').exitCode, 0);
    assert.equal(findChain(rs, 'filter', 'DOCKER-USER'), undefined);
    assert.equal(run(rs, '-X DOCKER-USER').stderr, 'iptables: No chain/target/match by that name.\n');
  });
  it('-F and -X with no chain flush all, then delete all user chains', () => {
    const rs = e2Start();
    assert.equal(run(rs, '-t nat -F').exitCode, 0);
    assert.equal(run(rs, '-t nat -X').exitCode, 0);
    assert.deepEqual(
      rs.tables.find((t) => t.name === 'nat')?.chains.map((c) => c.name),
      ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
    );
  });
  it('-Z zeroes rule and policy counters of a table or a chain', () => {
    const rs = e2Start();
    assert.equal(run(rs, '-Z DOCKER-USER').exitCode, 0);
    assert.deepEqual(findChain(rs, 'filter', 'DOCKER-USER')?.rules[0]?.counters, { packets: 0, bytes: 0 });
    assert.deepEqual(findChain(rs, 'filter', 'FORWARD')?.rules[0]?.counters, { packets: 4, bytes: 336 });
    run(rs, '-t nat -Z');
    assert.deepEqual(findChain(rs, 'nat', 'PREROUTING')?.counters, { packets: 0, bytes: 0 });
    run(rs, '-Z');
    assert.ok(
      serializeRuleset(rs, { counters: true })
        .split('\n')
        .every((l) => !/\[[1-9]/.test(l)),
    );
  });
  it('-P sets built-in policies only', () => {
    const rs = emptyRuleset();
    assert.equal(run(rs, '-P FORWARD DROP').exitCode, 0);
    assert.equal(findChain(rs, 'filter', 'FORWARD')?.policy, 'DROP');
    run(rs, '-N DOCKER');
    assert.equal(run(rs, '-P DOCKER DROP').stderr, 'iptables: Bad built-in chain name.\n');
    assert.equal(run(rs, '-P INPUT MAYBE').stderr, 'iptables: Bad policy name.\n');
  });
  it('-E renames a chain and the jumps that point at it', () => {
    const rs = e2Start();
    assert.equal(run(rs, '-E DOCKER-USER AAA').exitCode, 0);
    assert.equal(findChain(rs, 'filter', 'FORWARD')?.rules[0]?.text, '-j AAA');
    assert.equal(rs.tables[0]?.chains[3]?.name, 'AAA');
    assert.equal(run(rs, '-E AAA DOCKER').stderr, 'iptables: File exists.\n');
  });
  it('creates a built-in chain iptables-save omitted when a command uses it', () => {
    const rs = parseRuleset('*nat\n:POSTROUTING ACCEPT [0:0]\nCOMMIT\n');
    assert.equal(run(rs, '-t nat -A PREROUTING -j RETURN').exitCode, 0);
    assert.equal(
      serializeRuleset(rs),
      '*nat\n:PREROUTING ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n-A PREROUTING -j RETURN\nCOMMIT\n',
    );
  });
});

describe('listing', () => {
  it('-nvL renders headers, counters and match text like iptables 1.8', () => {
    const rs = e2Start();
    const out = run(rs, '-t nat -nvL').stdout.split('\n');
    assert.equal(out[0], 'Chain PREROUTING (policy ACCEPT 1 packets, 84 bytes)');
    assert.equal(
      out[1],
      ' pkts bytes target     prot opt in     out     source               destination         ',
    );
    assert.equal(
      out[2],
      '    0     0 DOCKER     all  --  *      *       0.0.0.0/0            0.0.0.0/0            ADDRTYPE match dst-type LOCAL',
    );
    assert.ok(out.includes('Chain DOCKER (2 references)'));
    assert.ok(out.some((l) => l.endsWith('tcp dpt:53 to:127.0.0.11:33293')));
    const filter = run(rs, '-nvL FORWARD').stdout.split('\n');
    assert.equal(
      filter[4],
      '    3   252 ACCEPT     all  --  *      test_web  0.0.0.0/0            0.0.0.0/0            ctstate RELATED,ESTABLISHED',
    );
  });
  it('combined and separated flags give the same listing; --line-numbers adds num', () => {
    const rs = e2Start();
    const a = run(rs, '--line-numbers -t nat -nvL DOCKER');
    const b = run(rs, '-t nat -L DOCKER -n -v --line-numbers');
    assert.equal(a.exitCode, 0);
    assert.equal(a.stdout, b.stdout);
    assert.equal(
      a.stdout.split('\n')[1],
      'num   pkts bytes target     prot opt in     out     source               destination         ',
    );
    assert.match(a.stdout.split('\n')[2] ?? '', /^1 {8}0 {5}0 RETURN {5}all {2}-- {2}test_web \*/);
  });
  it('-L without -n says anywhere; -x prints exact counts; K above 99999', () => {
    const rs = emptyRuleset();
    run(rs, '-A INPUT -c 123456 98765432 -d 10.0.0.1 -j ACCEPT');
    const plain = run(rs, '-L INPUT').stdout.split('\n');
    assert.equal(plain[0], 'Chain INPUT (policy ACCEPT)');
    assert.equal(plain[2], 'ACCEPT     all  --  anywhere             10.0.0.1            ');
    assert.match(run(rs, '-vL INPUT').stdout, /\n 123K {3}99M ACCEPT {5}all {2}-- {2}any {4}any {5}anywhere/);
    assert.match(run(rs, '-nvxL INPUT').stdout, / {2}123456 98765432 ACCEPT/);
  });
  it('-S prints -P, -N and -A lines', () => {
    const rs = e2Start();
    const out = run(rs, '-S DOCKER-USER').stdout;
    assert.equal(out, '-N DOCKER-USER\n-A DOCKER-USER -j RETURN\n');
    assert.match(run(rs, '-S').stdout, /^-P INPUT ACCEPT\n-P FORWARD ACCEPT\n-P OUTPUT ACCEPT\n-N DOCKER\n/);
  });
  it('listing a missing chain fails', () => {
    assert.equal(run(emptyRuleset(), '-L NOPE').stderr, 'iptables: No chain/target/match by that name.\n');
  });
});

describe('command-line errors', () => {
  const hint = "Try `iptables -h' or 'iptables --help' for more information.\n";
  it('unknown option', () => {
    assert.deepEqual(run(emptyRuleset(), '-A INPUT --foo -j ACCEPT'), {
      exitCode: 2,
      stdout: '',
      stderr: `iptables v1.8.9 (nf_tables): unknown option "--foo"\n${hint}`,
    });
  });
  it('unknown match', () => {
    const r = run(emptyRuleset(), '-A INPUT -m nosuch -j ACCEPT');
    assert.equal(r.exitCode, 2);
    assert.match(r.stderr, /Couldn't load match `nosuch':No such file or directory/);
  });
  it('no command, two commands, unknown table', () => {
    assert.match(run(emptyRuleset(), '-n').stderr, /no command specified/);
    assert.match(run(emptyRuleset(), '-A INPUT -D INPUT 1').stderr, /Cannot use -D with -A/);
    assert.equal(run(emptyRuleset(), '-t bogus -L').exitCode, 3);
  });
  it('leaves the ruleset unchanged on failure', () => {
    const rs = e2Start();
    const before = serializeRuleset(rs, { counters: true });
    run(rs, '-A FORWARD -j NOPE');
    run(rs, '-I FORWARD 99 -j ACCEPT');
    run(rs, '-A FORWARD -p tcp --dport');
    assert.equal(serializeRuleset(rs, { counters: true }), before);
  });
});

describe('applyIptablesScript', () => {
  it('runs shell-quoted lines, skipping comments', () => {
    const rs = emptyRuleset();
    applyIptablesScript(rs, [
      '# allow loopback',
      'iptables -t nat -N DOCKER',
      'iptables -t nat -I DOCKER 1 -p tcp -j RETURN',
      '',
      `iptables -A INPUT -m comment --comment "hello world" -j ACCEPT`,
    ]);
    assert.deepEqual(rulesOf(rs, 'nat', 'DOCKER'), ['-p tcp -j RETURN']);
    assert.deepEqual(rulesOf(rs, 'filter', 'INPUT'), ['-m comment --comment "hello world" -j ACCEPT']);
  });
  it('throws IptablesError naming the command, line and stderr', () => {
    const rs = emptyRuleset();
    assert.throws(
      () => applyIptablesScript(rs, ['iptables -N A', 'iptables -N A']),
      (e: unknown) =>
        e instanceof IptablesError &&
        e.command === 'iptables -N A' &&
        e.line === 2 &&
        e.exitCode === 1 &&
        e.stderr === 'iptables: Chain already exists.\n' &&
        /line 2/.test(e.message),
    );
  });
});
