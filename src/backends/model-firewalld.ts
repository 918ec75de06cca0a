/**
 * A model host started with firewalld (`Given a Docker host with firewalld`): firewalld's
 * table as recorded on a real host of that Docker version after dockerd started
 * (fixtures/nft/firewalld/<version>/after-dockerd.nft), kept in the host's native tables,
 * and written to as the firewalld release of that version's image writes its zones.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  FIREWALLD_2_3,
  FIREWALLD_2_5,
  type FirewalldLayout,
  FirewalldModel,
} from '../netfilter/firewalld/firewalld.ts';
import type { NftRuleset } from '../netfilter/nft/types.ts';
import { PACKAGE_ROOT } from '../package-paths.ts';
import { ModelBackendError } from './model-contract.ts';

export const FIREWALLD_FIXTURES = join(PACKAGE_ROOT, 'fixtures', 'nft', 'firewalld');

/** The firewalld release each DinD image carries (Debian's package of its suite). */
const LAYOUTS: Record<string, FirewalldLayout> = {
  '26.1': FIREWALLD_2_3, // trixie: firewalld 2.3.1
  '28.5': FIREWALLD_2_5, // sid: firewalld 2.5.2
};

/** firewalld as it runs on a Docker `version` host, its table put into `nft`. */
export function startFirewalld(version: string, nft: NftRuleset): FirewalldModel {
  const file = join(FIREWALLD_FIXTURES, version, 'after-dockerd.nft');
  const layout = LAYOUTS[version];
  if (!existsSync(file) || !layout) {
    throw new ModelBackendError(
      `the model has no firewalld host for Docker ${version} (it has ${Object.keys(LAYOUTS).join(', ')}); ` +
        'record one on a real host (`nft list table inet firewalld` after dockerd started with firewalld, ' +
        'fixtures/nft/firewalld/) or use --backend dind',
    );
  }
  return new FirewalldModel(readFileSync(file, 'utf8'), nft, file, layout);
}
