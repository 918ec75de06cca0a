/**
 * A standalone host (a replayed production dump, seed 002's Linux router) built on a
 * real DinD host: interfaces as Linux bridges or veth pairs, and every neighbour as a
 * network namespace behind its interface, as seed 002 builds ns0/ns1 by hand.
 *
 * The spec comes from a snapshot or a feature, i.e. from someone else's bug report, and
 * is applied as root in a privileged container. So nothing of it becomes shell text:
 * each step is an argv for `ip` or `sysctl`, every word checked against the kernel's
 * form first (src/netfilter/kernel-names.ts), and "only if it is not there yet" is a
 * second argv whose exit code decides, not a `||` in a script.
 */
import type { ExecResult, StandaloneHostSpec } from '../contract.ts';
import { cidrContains, isIPv4, makeCidr, parseIPv4 } from '../netfilter/address/index.ts';
import type { HostInterface } from '../netfilter/host-types.ts';
import {
  INTERFACE_NAME_FORM,
  isInterfaceName,
  isSysctlKey,
  isSysctlValue,
  SYSCTL_KEY_FORM,
  SYSCTL_VALUE_FORM,
  shown,
} from '../netfilter/kernel-names.ts';

export class StandaloneHostError extends Error {
  override name = 'StandaloneHostError';
}

/** One command on the host, as argv: no shell reads any of its words. */
export interface HostStep {
  argv: string[];
  /** Skip the step when this command succeeds (what the step makes exists already). */
  unless?: string[];
  /** Said instead of the command's own error when the step fails. */
  failure?: string;
}

export interface HostPlan {
  /** Skip the whole plan when this command succeeds (it was carried out before). */
  done?: string[];
  steps: HostStep[];
}

function interfaceName(name: string): string {
  if (!isInterfaceName(name)) {
    throw new StandaloneHostError(
      `interface name ${shown(name)} cannot be created on a real host: expected ${INTERFACE_NAME_FORM}`,
    );
  }
  return name;
}

function address(text: string, what: string): string {
  if (!isIPv4(text)) throw new StandaloneHostError(`${what} ${shown(text)} is not an IPv4 address a.b.c.d`);
  return text;
}

function cidr(a: { address: string; prefix: number }, what: string): string {
  if (!Number.isInteger(a.prefix) || a.prefix < 0 || a.prefix > 32) {
    throw new StandaloneHostError(`${what}: prefix ${shown(String(a.prefix))} is not 0-32`);
  }
  return `${address(a.address, what)}/${a.prefix}`;
}

/** The far end of an ether interface's veth pair, in the host until a neighbour takes it. */
function farEnd(name: string): string {
  return `${name.slice(0, 12)}-nb`;
}

/** The interface whose subnet holds `address`, and the prefix it is on. */
export function interfaceFor(
  interfaces: readonly HostInterface[],
  address: string,
): { iface: HostInterface; gateway: string; prefix: number } | undefined {
  const ip = parseIPv4(address);
  for (const iface of interfaces) {
    for (const a of iface.addresses) {
      if (cidrContains(makeCidr(parseIPv4(a.address), a.prefix), ip)) {
        return { iface, gateway: a.address, prefix: a.prefix };
      }
    }
  }
  return undefined;
}

/** Create the interfaces that do not exist yet, give them their addresses, set the sysctls. */
export function interfacePlan(spec: StandaloneHostSpec): HostPlan {
  const steps: HostStep[] = [];
  for (const iface of spec.interfaces) {
    if (iface.kind === 'loopback') continue;
    const name = interfaceName(iface.name);
    const create =
      iface.kind === 'bridge'
        ? ['ip', 'link', 'add', 'name', name, 'type', 'bridge']
        : ['ip', 'link', 'add', 'name', name, 'type', 'veth', 'peer', 'name', farEnd(name)];
    // `name`/`dev` keywords: a name is never read as an option or a subcommand.
    steps.push({ argv: create, unless: ['ip', 'link', 'show', 'dev', name] });
    for (const a of iface.addresses) {
      // replace: adds the address, or keeps it where it is already (a rebuilt host).
      steps.push({ argv: ['ip', 'addr', 'replace', cidr(a, `interface ${name}`), 'dev', name] });
    }
    steps.push({ argv: ['ip', 'link', 'set', 'dev', name, 'up'] });
  }
  for (const [key, value] of Object.entries(spec.sysctls)) {
    if (!isSysctlKey(key)) throw new StandaloneHostError(`sysctl ${shown(key)} is not ${SYSCTL_KEY_FORM}`);
    if (!isSysctlValue(value)) {
      throw new StandaloneHostError(`sysctl ${key} value ${shown(value)} is not ${SYSCTL_VALUE_FORM}`);
    }
    steps.push({ argv: ['sysctl', '-qw', `${key}=${value}`] });
  }
  return { steps };
}

/** The network namespace that plays the neighbour with this address. */
export function neighbourNamespace(neighbour: string): string {
  return `nt-${address(neighbour, 'neighbour').replace(/\./g, '-')}`;
}

/**
 * Put a neighbour with `neighbour` as address behind its interface: a namespace with a
 * default route via the interface's address. Skipped when the namespace exists.
 */
export function neighbourPlan(spec: StandaloneHostSpec, neighbour: string): HostPlan {
  const at = interfaceFor(spec.interfaces, address(neighbour, 'neighbour'));
  if (!at) {
    throw new StandaloneHostError(
      `${neighbour} is on none of the host's interfaces (${spec.interfaces.map((i) => i.name).join(', ')}): ` +
        'add an interface whose subnet holds it',
    );
  }
  const ns = neighbourNamespace(neighbour);
  const dev = interfaceName(at.iface.name);
  const inside = 'eth0';
  const steps: HostStep[] = [{ argv: ['ip', 'netns', 'add', ns] }];
  if (at.iface.kind === 'bridge') {
    // The address in hex: unique per neighbour and short enough for IFNAMSIZ.
    const hostEnd = `v${parseIPv4(neighbour).toString(16).padStart(8, '0')}`;
    steps.push(
      { argv: ['ip', 'link', 'add', 'name', hostEnd, 'type', 'veth', 'peer', 'name', inside, 'netns', ns] },
      { argv: ['ip', 'link', 'set', 'dev', hostEnd, 'master', dev, 'up'] },
    );
  } else {
    const end = farEnd(dev);
    steps.push(
      {
        argv: ['ip', 'link', 'show', 'dev', end],
        failure: `${dev} already has its neighbour; one neighbour per veth`,
      },
      { argv: ['ip', 'link', 'set', 'dev', end, 'netns', ns] },
      { argv: ['ip', '-n', ns, 'link', 'set', 'dev', end, 'name', inside] },
    );
  }
  steps.push(
    {
      argv: [
        'ip',
        '-n',
        ns,
        'addr',
        'add',
        cidr({ address: neighbour, prefix: at.prefix }, ns),
        'dev',
        inside,
      ],
    },
    { argv: ['ip', '-n', ns, 'link', 'set', 'dev', 'lo', 'up'] },
    { argv: ['ip', '-n', ns, 'link', 'set', 'dev', inside, 'up'] },
    { argv: ['ip', '-n', ns, 'route', 'add', 'default', 'via', address(at.gateway, `${dev}'s address`)] },
  );
  // `ip netns pids` fails when the namespace does not exist.
  return { done: ['ip', 'netns', 'pids', ns], steps };
}

/**
 * Runs a plan in one process on the host: one exec per step cost ~0.3 s each on a busy
 * runner (8 s for a snapshot's interfaces, measured), one exec for all ~0.3 s. The
 * script is a constant; the plan reaches it as positional parameters, records of
 * `MODE N [MESSAGE] WORD×N`, and each record's words are handed to the command as
 * "$@": this shell never parses, expands or evaluates any of them.
 *
 * MODE: `done` (the whole plan is carried out already when this succeeds), `unless`
 * (skip the next record when this succeeds), `run` (must succeed), `check` (must
 * succeed, else MESSAGE).
 */
export const PLAN_SCRIPT = [
  // first N ARGS…: run the first N of ARGS as a command (rotates them into place: POSIX sh has no arrays).
  'first() { _n=$1; shift; _t=$#; _i=0; while [ "$_i" -lt "$_t" ]; do [ "$_i" -lt "$_n" ] && set -- "$@" "$1"; shift; _i=$((_i + 1)); done; "$@"; }',
  // show N ARGS…: the first N of ARGS, for an error message.
  'show() { _n=$1; shift; _i=0; while [ "$_i" -lt "$_n" ]; do printf " %s" "$1"; shift; _i=$((_i + 1)); done; }',
  'skip=0',
  'while [ "$#" -gt 0 ]; do',
  '  mode=$1; n=$2; shift 2',
  '  if [ "$mode" = check ]; then message=$1; shift; fi',
  '  if [ "$skip" = 1 ]; then',
  '    skip=0',
  '  else',
  '    case $mode in',
  '      done) first "$n" "$@" >/dev/null 2>&1 && exit 0 ;;',
  '      unless) first "$n" "$@" >/dev/null 2>&1 && skip=1 ;;',
  '      check) first "$n" "$@" >/dev/null 2>&1 || { printf "%s\\n" "$message" >&2; exit 1; } ;;',
  '      *) first "$n" "$@" || { rc=$?; printf "exit %s from" "$rc" >&2; show "$n" "$@" >&2; echo >&2; exit "$rc"; } ;;',
  '    esac',
  '  fi',
  '  shift "$n"',
  'done',
].join('\n');

/** The positional parameters of PLAN_SCRIPT for a plan. */
export function planRecords(plan: HostPlan): string[] {
  const record = (mode: string, argv: string[], message?: string) => [
    mode,
    String(argv.length),
    ...(message === undefined ? [] : [message]),
    ...argv,
  ];
  return [
    ...(plan.done ? record('done', plan.done) : []),
    ...plan.steps.flatMap((step) => [
      ...(step.unless ? record('unless', step.unless) : []),
      ...(step.failure === undefined ? record('run', step.argv) : record('check', step.argv, step.failure)),
    ]),
  ];
}

/** argv that carries out a plan on the host: `sh -c PLAN_SCRIPT nettwin-plan RECORD…`. */
export function planArgv(plan: HostPlan): string[] {
  return ['sh', '-c', PLAN_SCRIPT, 'nettwin-plan', ...planRecords(plan)];
}

/** Where a plan runs: a DinD host (exec never throws for an exit code). */
export interface PlanHost {
  readonly name: string;
  exec(argv: string[]): Promise<ExecResult>;
}

/** Carry out a plan on the host, in order; the first failing step ends it with its own words. */
export async function runHostPlan(host: PlanHost, plan: HostPlan, what: string): Promise<void> {
  if (plan.steps.length === 0) return;
  const r = await host.exec(planArgv(plan));
  if (r.exitCode !== 0) {
    const why = (r.stderr.trim() || r.stdout.trim() || `exit code ${r.exitCode}`)
      .split('\n')
      .slice(-5)
      .join('\n');
    throw new StandaloneHostError(`On DinD host "${host.name}", building ${what} failed: ${why}`);
  }
}
