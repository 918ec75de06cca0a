/** A flow's result in the words the backend contract speaks: outcomes and receivers. */
import type { FlowResult } from '../netfilter/host-types.ts';
import type { RequestResult } from './backend.ts';

export function outcomeOf(result: FlowResult): RequestResult['outcome'] {
  switch (result.verdict) {
    case 'delivered':
    case 'partial':
      return 'ok';
    case 'refused':
      return 'refused';
    case 'unreachable':
      return 'unreachable';
    case 'timeout':
      return 'timeout';
  }
}

/** runFlow names a proxied receiver "docker-proxy -> NAME"; the container is the last hop. */
export function finalReceiver(receiver: string | undefined): string | undefined {
  if (!receiver) return undefined;
  const hops = receiver.split(' -> ');
  return hops[hops.length - 1];
}
