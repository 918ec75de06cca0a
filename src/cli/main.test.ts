import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildProgram, invokedCommand } from './main.ts';

test('invokedCommand: the command being run, the one help is asked for, none for --version', () => {
  assert.equal(invokedCommand(['node', 'nettwin', 'trace', '--ruleset', 'r.txt']), 'trace');
  assert.equal(invokedCommand(['node', 'nettwin', 'help', 'snapshot']), 'snapshot');
  assert.equal(invokedCommand(['node', 'nettwin', '--version']), undefined);
});

test('only the invoked command is loaded; the others are listed by their summary', async () => {
  const full = await buildProgram();
  const lazy = await buildProgram(['node', 'nettwin', '--version']);
  const names = (p: typeof full) => p.commands.map((c) => c.name()).sort();
  assert.deepEqual(names(lazy), names(full));
  const trace = (p: typeof full) => p.commands.find((c) => c.name() === 'trace');
  assert.ok((trace(full)?.options.length ?? 0) > 0);
  assert.equal(trace(lazy)?.options.length, 0);
  assert.ok((trace(await buildProgram(['node', 'nettwin', 'trace', '--help']))?.options.length ?? 0) > 0);
});
