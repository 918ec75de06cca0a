/**
 * The host commands the model interprets (`When I run on the host: …`): iptables and
 * iptables-save on Docker's tables, iptables-legacy on the other backend's, sysctl, nft
 * on native tables, and ufw (src/netfilter/ufw) writing into Docker's tables. Anything
 * else runs on real hosts only, and says so.
 */
import { parse as parseShell } from 'shell-quote';
import { iptablesOf, iptablesStateOf, setIptables, setNftables } from '../netfilter/firewall-state.ts';
import type { HostState } from '../netfilter/host-types.ts';
import { runIptables } from '../netfilter/iptables/index.ts';
import { runNft } from '../netfilter/nft/command.ts';
import { emptyRuleset, serializeRuleset } from '../netfilter/ruleset/index.ts';
import type { Ruleset } from '../netfilter/types.ts';
import { runUfw } from '../netfilter/ufw/ufw.ts';
import type { ExecResult } from './backend.ts';
import { type DaemonModel, ModelBackendError } from './model-contract.ts';
import type { ModelFirewall } from './model-firewall.ts';

/** What a host command may touch: the live state, the daemon (Docker hosts), the other frameworks. */
export interface ModelHostContext {
  state(): HostState;
  /** The daemon model of a Docker host; undefined on a standalone host. */
  daemon: DaemonModel | undefined;
  firewall: ModelFirewall;
}

/** The host commands hostCommand interprets (kept beside it: the message below lists them). */
export const MODEL_HOST_COMMANDS = [
  'iptables',
  'iptables-save',
  'iptables-legacy',
  'iptables-legacy-save',
  'ip6tables',
  'ip6tables-save',
  'sysctl',
  'nft',
  'ufw',
  'firewall-cmd',
] as const;

/** A described host's ip6tables tables, made on the first `ip6tables` command. */
function ip6Tables(state: HostState): Ruleset {
  const own = iptablesStateOf(state.firewall, 'iptables-nft', 'ipv6');
  if (own) return own.ruleset;
  const ruleset = emptyRuleset();
  setIptables(state.firewall, { framework: 'iptables-nft', family: 'ipv6', ruleset });
  return ruleset;
}

export function runModelHostCommand(ctx: ModelHostContext, line: string | string[]): ExecResult {
  const argv = typeof line === 'string' ? splitCommand(line) : [...line];
  const [command, ...args] = argv;
  if (command === undefined) return { exitCode: 0, stdout: '', stderr: '' };
  const counters = args.includes('-c') || args.includes('--counters');
  switch (command) {
    case 'iptables':
      return ctx.daemon ? ctx.daemon.iptables(argv) : runIptables(iptablesOf(ctx.state().firewall), argv);
    case 'iptables-save':
      return {
        exitCode: 0,
        stdout: serializeRuleset(iptablesOf(ctx.state().firewall), { counters }),
        stderr: '',
      };
    case 'ip6tables':
      // Docker's model keeps its own ip6tables tables; a described host's live in its state.
      if (ctx.daemon) return ctx.daemon.iptables(argv);
      return runIptables(ip6Tables(ctx.state()), argv, { family: 'ipv6' });
    case 'ip6tables-save': {
      const ruleset = ctx.daemon
        ? ctx.daemon.ruleset6?.()
        : iptablesStateOf(ctx.state().firewall, 'iptables-nft', 'ipv6')?.ruleset;
      return { exitCode: 0, stdout: ruleset ? serializeRuleset(ruleset, { counters }) : '', stderr: '' };
    }
    case 'iptables-legacy':
      // The other backend's rules: the packet path walks them after nft's at the same
      // hooks; Docker never sees or rewrites them.
      ctx.state();
      return runIptables(ctx.firewall.legacyTables(), argv);
    case 'iptables-legacy-save': {
      const legacy = ctx.firewall.legacy;
      return { exitCode: 0, stdout: legacy ? serializeRuleset(legacy, { counters }) : '', stderr: '' };
    }
    case 'sysctl':
      return sysctl(ctx, args);
    case 'nft': {
      const state = ctx.state();
      const nft = ctx.firewall.nftTables();
      setNftables(state.firewall, nft);
      return runNft(nft, args);
    }
    case 'ufw': {
      // ufw writes through the host's iptables, so Docker's model sees its chains.
      const iptables = (words: string[]) =>
        ctx.daemon ? ctx.daemon.iptables(words) : runIptables(iptablesOf(ctx.state().firewall), words);
      const ipForward = () => ctx.state().sysctls['net.ipv4.ip_forward'] === '1';
      return runUfw({ iptables, ipForward }, ctx.firewall.ufwState(), args);
    }
    case 'firewall-cmd': {
      // firewall-cmd talks to firewalld over D-Bus; a host without it says so (exit 252).
      const firewalld = ctx.firewall.firewalld;
      if (!firewalld) return { exitCode: 252, stdout: 'not running\n', stderr: 'FirewallD is not running\n' };
      setNftables(ctx.state().firewall, ctx.firewall.nftTables());
      const result = firewalld.run(args);
      // Docker hears firewalld's Reloaded signal and runs its reload callbacks: its rules,
      // and its bridges bound to its zone again (the reload forgot runtime bindings).
      if (result.exitCode === 0 && args.includes('--reload')) {
        for (const bridge of ctx.daemon?.firewallReload?.() ?? []) firewalld.bridgeAdded(bridge);
      }
      return result;
    }
    default:
      return { exitCode: 127, stdout: '', stderr: uninterpretedHostCommand(command) };
  }
}

/** `sysctl -w key=value` (and `sysctl key` to read), with procps' messages. */
function sysctl(ctx: ModelHostContext, args: string[]): ExecResult {
  const write = args[0] === '-w';
  const settings = write ? args.slice(1) : args.filter((a) => !a.startsWith('-'));
  let stdout = '';
  let stderr = '';
  let exitCode = 0;
  for (const setting of settings) {
    const eq = setting.indexOf('=');
    if (write && eq < 0) {
      stderr += `sysctl: "${setting}" must be of the form name=value\n`;
      exitCode = 255;
      continue;
    }
    const key = (write ? setting.slice(0, eq) : setting).replace(/\//g, '.');
    if (!/^net\.(ipv4|ipv6|bridge|core|netfilter)\.[\w.-]+$/.test(key)) {
      stderr += `sysctl: cannot stat /proc/sys/${key.replace(/\./g, '/')}: No such file or directory\n`;
      exitCode = 255;
      continue;
    }
    if (write) {
      const value = setting.slice(eq + 1);
      if (ctx.daemon) ctx.daemon.sysctl(key, value);
      else ctx.state().sysctls[key] = value;
      stdout += `${key} = ${value}\n`;
    } else {
      stdout += `${key} = ${ctx.state().sysctls[key] ?? '0'}\n`;
    }
  }
  return { exitCode, stdout, stderr };
}

function splitCommand(line: string): string[] {
  const parts = parseShell(line.trim());
  return parts.map((p) => {
    if (typeof p === 'string') return p;
    throw new ModelBackendError(
      `host command "${line}": only a simple command is modelled (no pipes, redirections or globs)`,
    );
  });
}

/**
 * A host command the model does not run is not a missing program on the host: say so,
 * list what it runs, and point docker commands at the sentences that model them.
 */
export function uninterpretedHostCommand(command: string): string {
  const docker =
    command === 'docker'
      ? ' Docker itself is driven by the steps (`nettwin steps` lists them: networks, containers, connect…).'
      : '';
  return (
    `the model backend does not interpret "${command}" on the host; it runs ${MODEL_HOST_COMMANDS.join(', ')}.` +
    `${docker} Other commands run on real hosts only (--backend dind or twin).\n`
  );
}
