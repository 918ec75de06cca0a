import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConntrackTable, ctStateOf } from './conntrack.ts';
import { packet } from './test-support.ts';

describe('ConntrackTable', () => {
  it('an unconfirmed entry is invisible: the next packet starts a new one', () => {
    const table = new ConntrackTable();
    const first = packet({});
    first.ct = table.create(first);
    assert.equal(table.lookup(packet({})), undefined);
    table.confirm(first.ct);
    const again = table.lookup(packet({}));
    assert.equal(again?.entry, first.ct);
    assert.equal(again?.dir, 'original');
  });
  it('finds replies by the (NAT-rewritten) reply tuple', () => {
    const table = new ConntrackTable();
    const p = packet({ src: '172.17.0.2', dst: '172.30.0.2', sport: 40000, dport: 80 });
    const entry = table.create(p);
    entry.reply.dst = 0xac1e0001; // MASQUERADE to 172.30.0.1
    table.confirm(entry);
    const reply = packet({ src: '172.30.0.2', dst: '172.30.0.1', sport: 80, dport: 40000 });
    assert.equal(table.lookup(reply)?.dir, 'reply');
    assert.equal(
      table.lookup(packet({ src: '172.30.0.2', dst: '172.17.0.2', sport: 80, dport: 40000 })),
      undefined,
    );
  });
  it('states: NEW until a reply is seen, then ESTABLISHED', () => {
    const table = new ConntrackTable();
    const p = packet({});
    p.ct = table.create(p);
    assert.equal(ctStateOf(p), 'NEW');
    p.ct.seenReply = true;
    assert.equal(ctStateOf(p), 'ESTABLISHED');
  });
  it('hands out distinct ephemeral ports and echo ids', () => {
    const table = new ConntrackTable();
    assert.notEqual(table.allocatePort(), table.allocatePort());
    assert.notEqual(table.allocateEchoId(), table.allocateEchoId());
  });
});
