/**
 * -j REDIRECT [--to-ports P]: DNAT to the host itself — the primary address of the
 * incoming interface (PREROUTING) or 127.0.0.1 for locally generated packets (OUTPUT).
 */
import { formatIPv4 } from '../../address/index.ts';
import { parsePorts } from './nat-range.ts';
import { checkOptions, optionArg, type TargetModule } from './target.ts';

export const redirectTarget: TargetModule = {
  name: 'REDIRECT',
  tables: ['nat'],
  compile(target) {
    checkOptions(target, ['to-ports', 'random']);
    const portText = optionArg(target, 'to-ports');
    const port = portText === undefined ? undefined : parsePorts(portText, '-j REDIRECT --to-ports');
    return (p, env) => {
      const address =
        env.hook === 'OUTPUT' ? 0x7f000001 : (env.routing.primaryAddress(p.inDev) ?? 0x7f000001);
      return {
        kind: 'nat',
        manip: 'dst',
        address,
        port,
        target: `REDIRECT to ${formatIPv4(address)}${port ? `:${port}` : ''}`,
      };
    };
  },
};
