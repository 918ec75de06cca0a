/**
 * A model host started with firewalld (`Given a Docker host with firewalld`): firewalld's
 * table as recorded on a real host of that Docker version after dockerd started
 * (fixtures/nft/firewalld/<version>/after-dockerd.nft), kept in the host's native tables.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FirewalldModel } from '../netfilter/firewalld/firewalld.ts';
import type { NftRuleset } from '../netfilter/nft/types.ts';
import { PACKAGE_ROOT } from '../package-paths.ts';
import { ModelBackendError } from './model-contract.ts';

export const FIREWALLD_FIXTURES = join(PACKAGE_ROOT, 'fixtures', 'nft', 'firewalld');

/** firewalld as it runs on a Docker `version` host, its table put into `nft`. */
export function startFirewalld(version: string, nft: NftRuleset): FirewalldModel {
  const file = join(FIREWALLD_FIXTURES, version, 'after-dockerd.nft');
  if (!existsSync(file)) {
    throw new ModelBackendError(
      `the model has no firewalld host for Docker ${version} (no ${file}); record one on a real host ` +
        '(`nft list table inet firewalld` after dockerd started with firewalld) or use --backend dind',
    );
  }
  return new FirewalldModel(readFileSync(file, 'utf8'), nft, file);
}
