/**
 * -j MASQUERADE [--to-ports P]: SNAT to the address of the interface the packet
 * leaves by, chosen when the rule fires (e2: test3 sees 172.30.0.1).
 */
import { formatIp } from '../ip.ts';
import { parsePorts } from './nat-range.ts';
import { checkOptions, optionArg, type TargetModule, TargetOptionError } from './target.ts';

export const masqueradeTarget: TargetModule = {
  name: 'MASQUERADE',
  tables: ['nat'],
  compile(target) {
    checkOptions(target, ['to-ports', 'random', 'random-fully']);
    const portText = optionArg(target, 'to-ports');
    const port = portText === undefined ? undefined : parsePorts(portText, '-j MASQUERADE --to-ports');
    return (p, env) => {
      const v6 = typeof p.saddr === 'bigint';
      const address = v6 ? env.routing.primaryAddress6(p.outDev) : env.routing.primaryAddress(p.outDev);
      if (address === undefined) {
        throw new TargetOptionError(
          `-j MASQUERADE: outgoing interface "${p.outDev}" has no ${v6 ? 'IPv6' : 'IPv4'} address`,
        );
      }
      return { kind: 'nat', manip: 'src', address, port, target: `MASQUERADE to ${formatIp(address)}` };
    };
  },
};
