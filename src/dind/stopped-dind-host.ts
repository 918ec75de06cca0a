/** A DinD host after stop(): its container and tmpfs image store are gone. */
import type { HostIdentity } from './started-dind-host.ts';

export class StoppedDindHost {
  constructor(readonly identity: HostIdentity) {}
}
