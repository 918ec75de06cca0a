/**
 * The twin's real side: the dind backend, and for a profile with no real engine (Docker
 * 29) a host of its plumbing engine that runs the profile's predicted rules on its kernel
 * (predicted-rules.ts says why). This is Docker 29's rules on a real kernel, not Docker
 * 29's daemon.
 */
import createDebug from 'debug';
import { DindExecError } from '../dind/errors.ts';
import { sharedDindSession } from '../dind/session.ts';
import type { HostFirewallState } from '../netfilter/firewall-state.ts';
import type { HostOptions } from './backend.ts';
import { DindBackend, type DindBackendOptions } from './dind.ts';
import { plumbingEngineFor } from './plumbing-engine.ts';
import type { LoadsPredictedFirewall } from './predicted-firewall.ts';
import { plumbingDaemonOptions, predictedFirewallTexts } from './predicted-rules.ts';

const log = createDebug('nettwin:dind-predicted');

export function createPredictedRulesDind(options: DindBackendOptions = {}): PredictedRulesDind {
  return new PredictedRulesDind(options);
}

export class PredictedRulesDind extends DindBackend implements LoadsPredictedFirewall {
  /** Set while the started host is a plumbing host whose rules come from the model. */
  private plumbing = false;
  /**
   * What the kernel holds from the last load. An unchanged text is not loaded again: a
   * reload re-registers the nft base chains, and a hook registered last runs first, which
   * would put Docker's chains before an iptables-legacy table a scenario added since
   * (production-bugs/iptables-legacy-beside-nft.feature).
   */
  private loaded: { iptables?: string; ip6tables?: string; nft?: string } = {};

  constructor(options: DindBackendOptions = {}) {
    super(options.session ?? sharedDindSession());
  }

  get loadsPredictedFirewall(): boolean {
    return this.plumbing;
  }

  override async startHost(options: HostOptions): Promise<void> {
    const engine = plumbingEngineFor(options.dockerVersion);
    this.plumbing = engine !== undefined;
    this.loaded = {};
    if (engine === undefined) return super.startHost(options);
    const daemonOptions = plumbingDaemonOptions(options.daemonOptions);
    log('Docker %s rules on a real kernel: a %s host with %o', options.dockerVersion, engine, daemonOptions);
    await super.startHost({ ...options, dockerVersion: engine, daemonOptions });
    // With its firewall off the daemon does not make bridged traffic pass iptables; the
    // profile's rules (like Docker's with its firewall on) count on it.
    await this.dindHost().run([
      'sysctl',
      '-q',
      '-w',
      'net.bridge.bridge-nf-call-iptables=1',
      'net.bridge.bridge-nf-call-ip6tables=1',
    ]);
  }

  async loadPredictedFirewall(
    state: HostFirewallState,
    registeredBuiltins: readonly string[],
  ): Promise<void> {
    if (!this.plumbing) return;
    const host = this.dindHost();
    const { iptables, ip6tables, nft } = predictedFirewallTexts(state, new Set(registeredBuiltins));
    // The rules are data: they reach iptables-restore and nft on stdin as "$1", never as shell words.
    if (iptables !== this.loaded.iptables) {
      await host.run(['sh', '-ec', 'printf %s "$1" | iptables-restore', 'sh', iptables]);
      this.loaded.iptables = iptables;
    }
    if (ip6tables !== undefined && ip6tables !== this.loaded.ip6tables) {
      await host.run(['sh', '-ec', 'printf %s "$1" | ip6tables-restore', 'sh', ip6tables]);
      this.loaded.ip6tables = ip6tables;
    }
    if (nft === undefined || nft === this.loaded.nft) return;
    const r = await host.exec(['sh', '-ec', 'printf %s "$1" | nft -f -', 'sh', nft]);
    if (r.exitCode !== 0)
      throw new DindExecError(
        host.name,
        'nft -f (the predicted docker-bridges tables)',
        r.exitCode,
        r.stdout,
        r.stderr,
      );
    this.loaded.nft = nft;
  }
}
