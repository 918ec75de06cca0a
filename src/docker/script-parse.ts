/**
 * Docker command scripts parsed into actions (`nettwin ruleset --script FILE`,
 * fixtures/scripts/*.docker): one command per line, `#` comments, shell quoting. An
 * optional first command `dockerd OPTIONS…` starts the daemon with options; then docker CLI
 * lines and host lines (`iptables …`, `sysctl -w k=v`, `kill docker-proxy`, `dockerd restart`).
 * Model settings go in a comment pragma: `# nettwin: baseline=bare seed=7 dns-ports=40669,53707`.
 */
import { lineTooLong, MAX_LINE_LENGTH } from '../netfilter/echo.ts';
import { FlagError, flag, last, parseFlags } from './cli-flags.ts';
import type { HostBaseline } from './daemon-state.ts';
import type { DockerAction } from './script-actions.ts';
import { DockerScriptError } from './script-error.ts';
import { b, NETWORK_CREATE_FLAGS, networkOptions, RUN_FLAGS, runOptions, v } from './script-flags.ts';
import { ShellWordsError, splitCommands } from './script-words.ts';
import { parseServiceCreate, parseSwarmCommand } from './swarm-script.ts';

const SUPPORTED_COMMANDS =
  'dockerd [OPTIONS] (first line), dockerd restart, docker network create|rm|connect|disconnect, ' +
  'docker run|create|start|stop|restart|kill|rm, docker exec|ps|inspect|logs (ignored), ' +
  'docker swarm init, docker service create [--name N] --publish P:T IMAGE, ' +
  'iptables …, ip6tables …, sysctl -w KEY=VALUE, kill|pkill|killall docker-proxy, reboot, sleep, true';

function parsePragma(comment: string, line: number, file: string): DockerAction | undefined {
  const m = /^#\s*nettwin:\s*(.*)$/.exec(comment.trim());
  if (!m) return undefined;
  const action: DockerAction = { kind: 'model', line, words: [comment.trim()] };
  for (const kv of (m[1] ?? '').split(/\s+/).filter(Boolean)) {
    const [k, val = ''] = kv.split('=');
    if (k === 'baseline' && (val === 'bare' || val === 'dind')) action.baseline = val as HostBaseline;
    else if (k === 'seed' && /^\d+$/.test(val)) action.seed = Number(val);
    else if (k === 'dns-ports' && /^\d+,\d+$/.test(val)) {
      const [tcp, udp] = val.split(',').map(Number) as [number, number];
      action.dnsPorts = { tcp, udp };
    } else if (k === 'bridge-name' && /^[^=]+:[^=]+$/.test(val)) {
      // handled as its own action below
    } else {
      throw new DockerScriptError(
        file,
        line,
        kv,
        'unknown pragma (supported: baseline=bare|dind, seed=N, dns-ports=TCP,UDP, bridge-name=NETWORK:BRIDGE)',
      );
    }
  }
  return action;
}

function parseCommand(words: string[], line: number, file: string, first: boolean): DockerAction {
  const src = { line, words };
  let w = words;
  if (w[0] === 'sudo') w = w.slice(1);
  const [cmd, sub, ...rest] = w;
  const bad = (token: string, detail: string) => new DockerScriptError(file, line, token, detail);
  const names = (list: string[], what: string) => {
    const positional = list.filter((x) => !x.startsWith('-'));
    if (positional.length === 0) throw bad(words.join(' '), `"${what}" needs at least one name`);
    return positional;
  };
  switch (cmd) {
    case 'dockerd':
      if (sub === 'restart') {
        const order = rest.find((x) => x.startsWith('--restore-order='));
        const unknown = rest.find((x) => !x.startsWith('--restore-order='));
        if (unknown)
          throw bad(unknown, 'dockerd restart takes only --restore-order=NET,NET,… (model option)');
        return {
          ...src,
          kind: 'dockerd-restart',
          ...(order ? { restoreOrder: order.split('=')[1]?.split(',') ?? [] } : {}),
        };
      }
      if (!first)
        throw bad('dockerd', 'dockerd OPTIONS may only be the first command (use "dockerd restart" later)');
      return { ...src, kind: 'dockerd', options: w.slice(1) };
    case 'systemctl':
    case 'service':
      if (w.includes('restart') && w.includes('docker')) return { ...src, kind: 'dockerd-restart' };
      throw bad(cmd, `only "${cmd} restart docker" is supported`);
    case 'iptables':
      return { ...src, kind: 'iptables', argv: w.slice(1) };
    case 'ip6tables':
      // The program word stays: the model sends the line to ip6tables' tables.
      return { ...src, kind: 'iptables', argv: w };
    case 'sysctl': {
      const kv = w.slice(1).filter((x) => x !== '-w' && x !== '-q');
      const [key, value] = (kv[0] ?? '').split('=');
      if (!key || value === undefined || kv.length !== 1)
        throw bad(kv[0] ?? 'sysctl', 'expected sysctl -w KEY=VALUE');
      return { ...src, kind: 'sysctl', key, value };
    }
    case 'kill':
    case 'pkill':
    case 'killall':
      if (w.slice(1).some((x) => x.includes('docker-proxy'))) return { ...src, kind: 'kill-proxy' };
      throw bad(w.slice(1).join(' '), 'only killing docker-proxy is modelled');
    case 'reboot': {
      const order = w.slice(1).find((x) => x.startsWith('--restore-order='));
      const unknown = w.slice(1).find((x) => !x.startsWith('--restore-order='));
      if (unknown) throw bad(unknown, 'reboot takes only --restore-order=NET,NET,… (model option)');
      return {
        ...src,
        kind: 'reboot',
        ...(order ? { restoreOrder: order.split('=')[1]?.split(',') ?? [] } : {}),
      };
    }
    case 'sleep':
    case 'true':
    case 'echo':
      return { ...src, kind: 'noop' };
    case 'docker':
      break;
    default:
      throw bad(cmd ?? '', `unknown command (supported: ${SUPPORTED_COMMANDS})`);
  }
  const ctx = `docker ${sub ?? ''}`.trim();
  switch (sub) {
    case 'network': {
      const [op, ...args] = rest;
      switch (op) {
        case 'create':
          return {
            ...src,
            kind: 'network-create',
            network: networkOptions(
              parseFlags(args, NETWORK_CREATE_FLAGS, { context: 'docker network create' }),
              line,
              file,
            ),
          };
        case 'rm':
        case 'remove':
          return { ...src, kind: 'network-rm', names: names(args, 'docker network rm') };
        case 'connect': {
          const f = parseFlags(args, [v(['--ip']), v(['--alias']), v(['--ip6'])], {
            context: 'docker network connect',
          });
          const [network, container] = f.positionals;
          if (!network || !container)
            throw bad(args.join(' '), 'expected docker network connect [--ip IP] NETWORK CONTAINER');
          const ip = last(f, 'ip');
          return { ...src, kind: 'network-connect', network, container, ...(ip ? { ip } : {}) };
        }
        case 'disconnect': {
          const f = parseFlags(args, [b(['-f', '--force'])], { context: 'docker network disconnect' });
          const [network, container] = f.positionals;
          if (!network || !container)
            throw bad(args.join(' '), 'expected docker network disconnect NETWORK CONTAINER');
          return { ...src, kind: 'network-disconnect', network, container };
        }
        case 'ls':
        case 'inspect':
          return { ...src, kind: 'noop' };
        default:
          throw bad(op ?? 'network', 'supported: docker network create|rm|connect|disconnect|ls|inspect');
      }
    }
    case 'run':
    case 'create': {
      const f = parseFlags(rest, RUN_FLAGS, { context: ctx, stopAtFirstPositional: true });
      return { ...src, kind: sub, container: runOptions(f, line, file) };
    }
    case 'start':
    case 'stop':
    case 'restart':
      return {
        ...src,
        kind: sub,
        names: names(
          rest.filter((x, i) => !(rest[i - 1] === '-t' || x === '-t' || x.startsWith('--time'))),
          ctx,
        ),
      };
    case 'kill':
      return { ...src, kind: 'stop', names: names(rest, ctx) };
    case 'rm': {
      const f = parseFlags(rest, [b(['-f', '--force']), b(['-v', '--volumes'])], { context: 'docker rm' });
      return { ...src, kind: 'rm', names: names(f.positionals, ctx), force: flag(f, 'force') };
    }
    case 'swarm':
      parseSwarmCommand(rest);
      return { ...src, kind: 'swarm-init' };
    case 'service': {
      const [op, ...args] = rest;
      if (op === 'create') return { ...src, kind: 'service-create', service: parseServiceCreate(args) };
      if (op === 'ls' || op === 'ps' || op === 'inspect' || op === 'logs') return { ...src, kind: 'noop' };
      throw bad(
        op ?? 'service',
        `docker service ${op ?? ''} is not modelled (create, ls, ps, inspect, logs)`,
      );
    }
    case 'exec':
    case 'ps':
    case 'inspect':
    case 'logs':
    case 'port':
    case 'version':
    case 'info':
      return { ...src, kind: 'noop' };
    default:
      throw bad(sub ?? 'docker', `unknown docker command (supported: ${SUPPORTED_COMMANDS})`);
  }
}

/** Parses a docker script into actions. Throws DockerScriptError naming file, line and token. */
export function parseDockerScript(text: string, options: { file?: string } = {}): DockerAction[] {
  const file = options.file ?? '<script>';
  const actions: DockerAction[] = [];
  text.split('\n').forEach((raw, k) => {
    const line = k + 1;
    // Before any splitting: shell-quote overflows its stack on a word of a few megabytes.
    if (raw.length > MAX_LINE_LENGTH) throw new DockerScriptError(file, line, '', lineTooLong(raw.length));
    const trimmed = raw.trim();
    if (trimmed.startsWith('#')) {
      const pragma = parsePragma(trimmed, line, file);
      if (pragma) {
        actions.push(pragma);
        const bn = /bridge-name=([^:\s]+):(\S+)/.exec(trimmed);
        if (bn)
          actions.push({
            kind: 'learn-bridge',
            network: bn[1] as string,
            bridge: bn[2] as string,
            line,
            words: [trimmed],
          });
      }
      return;
    }
    let commands: string[][];
    try {
      commands = splitCommands(raw);
    } catch (e) {
      if (e instanceof ShellWordsError) throw new DockerScriptError(file, line, e.token, e.message);
      throw new DockerScriptError(
        file,
        line,
        '',
        `cannot split the line into words: ${(e as Error).message}`,
      );
    }
    for (const words of commands) {
      const first = !actions.some((a) => a.kind !== 'model');
      try {
        actions.push(parseCommand(words, line, file, first));
      } catch (e) {
        if (e instanceof FlagError) throw new DockerScriptError(file, line, e.token, e.message);
        throw e;
      }
    }
  });
  return actions;
}
