/**
 * -j REDIRECT [--to-ports P]: DNAT to the host itself — the primary address of the
 * incoming interface (PREROUTING) or 127.0.0.1 for locally generated packets (OUTPUT).
 */
import { formatIp, IPV6_LOOPBACK, type Ip } from '../ip.ts';
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
      const v6 = typeof p.daddr === 'bigint';
      const loopback: Ip = v6 ? IPV6_LOOPBACK : 0x7f000001;
      const address: Ip =
        env.hook === 'OUTPUT'
          ? loopback
          : ((v6 ? env.routing.primaryAddress6(p.inDev) : env.routing.primaryAddress(p.inDev)) ?? loopback);
      return {
        kind: 'nat',
        manip: 'dst',
        address,
        port,
        target: `REDIRECT to ${formatIp(address)}${port ? `:${port}` : ''}`,
      };
    };
  },
};
