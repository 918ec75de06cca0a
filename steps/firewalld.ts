/** Docker hosts with a host firewall framework running before dockerd (firewalld). */
import { type DataTable, Given, Then } from '@cucumber/cucumber';
import { DEFAULT_DOCKER_VERSION } from '../src/docker/profile.ts';
import { nftablesOf } from '../src/netfilter/firewall-state.ts';
import { missingFromNftListing } from './lib/nft-lines.ts';
import type { NettwinWorld } from './world.ts';

Given(
  /^a Docker host with firewalld(?: running Docker (\d+\.\d+))?(?: with daemon options "([^"]*)")?$/,
  async function (this: NettwinWorld, version: string | null, options: string | null) {
    await this.host({
      dockerVersion: version ?? this.parameters.dockerVersion ?? DEFAULT_DOCKER_VERSION,
      daemonOptions: options?.split(/\s+/).filter(Boolean) ?? [],
      hostFirewall: 'firewalld',
    });
  },
);

// | docker | rule |  — firewalld releases name their chains differently (2.3 on the 26.1 image,
// 2.5 on 28.5): the rows of the host's version, in this order in their chains.
Then(
  'by Docker version, the nftables ruleset contains:',
  async function (this: NettwinWorld, table: DataTable) {
    const version = this.dockerVersion ?? this.fail('no Docker host started yet');
    const rows = table.hashes() as Record<string, string>[];
    if (!rows.every((r) => r.docker !== undefined && r.rule !== undefined))
      this.fail('the table needs "docker" and "rule" columns');
    const fits = (cell: string) =>
      cell
        .split(',')
        .map((v) => v.trim())
        .some((v) => v !== '' && (version === v || version.startsWith(`${v}.`)));
    const mine = rows.filter((r) => fits(r.docker ?? '')).map((r) => (r.rule ?? '').trim());
    if (mine.length === 0)
      this.fail(
        `no row for Docker ${version} (rows: ${[...new Set(rows.map((r) => r.docker))].join(' | ')})`,
      );
    const missing = missingFromNftListing(
      nftablesOf(await this.firewall()),
      this.withNetworks(mine.join('\n')),
    );
    if (missing) this.fail(`the nftables ruleset on Docker ${version}: ${missing}`);
  },
);
