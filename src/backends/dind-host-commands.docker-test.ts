/**
 * Needs Docker (run: node --import tsx --test src/backends/dind-host-commands.docker-test.ts).
 * Routes a scenario adds by hand on a real host get `quickack 1` like the host's own
 * (src/dind/quickack.ts); a route the script cannot restate does not fail the command,
 * and the scenario's own sysctls are left as it set them.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { DindSession } from '../dind/session.ts';
import { createDindBackend } from './dind.ts';

const session = new DindSession();
after(() => session.dispose());

test('a route added by a host command gets quickack, even beside a multipath one it cannot restate', async () => {
  const backend = createDindBackend({ session });
  try {
    await backend.startHost({ dockerVersion: '28.5', daemonOptions: [] });
    const { clientAddress: client, neighbourAddress: neighbour } = session.config;

    // A multipath route first: the script cannot restate it, and must go on past it.
    const multipath = await backend.hostCommand(
      `ip route add 10.98.0.0/24 nexthop via ${client} nexthop via ${neighbour}`,
    );
    assert.equal(multipath.exitCode, 0, multipath.stderr);
    const add = await backend.hostCommand(`ip route add 10.99.0.0/24 via ${client}`);
    assert.equal(add.exitCode, 0, add.stderr);
    const shown = await backend.hostCommand('ip route show 10.99.0.0/24');
    assert.match(shown.stdout, /quickack 1/, `route after the command: ${shown.stdout}`);
    // The routes' follow-up leaves sysctls alone: a scenario's own FIN timeout stays.
    await backend.hostCommand('sysctl -w net.ipv4.tcp_fin_timeout=30');
    const fin = await backend.hostCommand('sysctl -n net.ipv4.tcp_fin_timeout');
    assert.equal(fin.stdout.trim(), '30');
  } finally {
    await backend.dispose();
  }
});
