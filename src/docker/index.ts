/** The Docker control-plane model: daemon, version profiles, docker scripts. */
export {
  arrangeUserFilterRule,
  type BridgeRuleConfig,
  forwardPort,
  isolateNetwork,
  removeIPChains,
  removeNetworkRules,
  setupIPChains,
  setupNetworkRules,
} from './bridge-rules.ts';
export {
  DockerDaemonModel,
  DockerModelError,
  type DockerStartOptions,
  type HostBaseline,
  SUPPORTED_NETWORK_OPTIONS,
} from './daemon-model.ts';
export { DaemonOptionError, type DaemonOptions, parseDaemonOptions } from './daemon-options.ts';
export type { Firewall, FirewallConfig, PortForward, ProgrammedNetwork } from './firewall.ts';
export { createFirewall } from './firewall-select.ts';
export { IPTable, type IptablesRunner } from './ip-table.ts';
export { type AddressPool, DEFAULT_ADDRESS_POOLS, IpamError } from './ipam.ts';
export { IptablesFirewall } from './iptables-firewall.ts';
export { PortAllocationError } from './port-allocator.ts';
export {
  DEFAULT_DOCKER_VERSION,
  getProfile,
  PROFILES,
  UnknownDockerVersionError,
  VERIFIED_DOCKER_VERSIONS,
  type VersionProfile,
} from './profile.ts';
export { PublishError, parsePublish } from './publish.ts';
export {
  applyAction,
  type DockerAction,
  DockerScriptError,
  parseDockerScript,
  type RunScriptOptions,
  runDockerScript,
  servedPorts,
} from './script.ts';
