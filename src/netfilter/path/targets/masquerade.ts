/**
 * -j MASQUERADE [--to-ports P]: SNAT to the address of the interface the packet
 * leaves by, chosen when the rule fires (e2: test3 sees 172.30.0.1).
 */
import { formatIPv4 } from '../../address/index.ts';
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
      const address = env.routing.primaryAddress(p.outDev);
      if (address === undefined) {
        throw new TargetOptionError(`-j MASQUERADE: outgoing interface "${p.outDev}" has no IPv4 address`);
      }
      return { kind: 'nat', manip: 'src', address, port, target: `MASQUERADE to ${formatIPv4(address)}` };
    };
  },
};
