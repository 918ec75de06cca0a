/**
 * Local listening sockets (`ss -Hltnup`) and docker-proxy processes (`ps -eo pid=,args=`)
 * as the twin's Listener: a docker-proxy socket relays to its -container-ip/-port.
 */
import type { L4Protocol, Listener } from '../../netfilter/host-types.ts';

export interface DockerProxyProcess {
  pid: number;
  protocol: L4Protocol;
  hostIp: string;
  hostPort: number;
  containerIp: string;
  containerPort: number;
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** docker-proxy lines of `ps -eo pid=,args=`. */
export function parseDockerProxies(ps: string): DockerProxyProcess[] {
  const out: DockerProxyProcess[] = [];
  for (const line of ps.split('\n')) {
    const words = line.trim().split(/\s+/);
    if (words.length < 2 || !/(^|\/)docker-proxy$/.test(words[1] ?? '')) continue;
    const args = words.slice(2);
    out.push({
      pid: Number(words[0]),
      protocol: (flag(args, '-proto') ?? 'tcp') as L4Protocol,
      hostIp: flag(args, '-host-ip') ?? '0.0.0.0',
      hostPort: Number(flag(args, '-host-port')),
      containerIp: flag(args, '-container-ip') ?? '',
      containerPort: Number(flag(args, '-container-port')),
    });
  }
  return out;
}

function splitAddressPort(text: string): { address: string; port: number } {
  const i = text.lastIndexOf(':');
  // A scope or bound device, inside the brackets or after them: `[fe80::1]%eth0`, `*%lo`.
  let address = text
    .slice(0, i)
    .replace(/%[^\]]*/, '')
    .replace(/^\[|\]$/g, '');
  if (address === '*') address = '0.0.0.0';
  return { address, port: Number(text.slice(i + 1)) };
}

/**
 * Listeners of `ss -Hltnup` (tcp LISTEN and bound udp) of both families, joined with
 * docker-proxy args: `[::]:8080` is docker-proxy on any IPv6 address (address '::').
 */
export function parseListeners(ss: string, proxies: DockerProxyProcess[] = []): Listener[] {
  const out: Listener[] = [];
  for (const line of ss.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 5) continue;
    const protocol = cols[0] as L4Protocol;
    if (protocol !== 'tcp' && protocol !== 'udp') continue;
    const local = splitAddressPort(cols[4] as string);
    const listener: Listener = { protocol, address: local.address, port: local.port };
    const owner = /users:\(\("([^"]+)",pid=(\d+)/.exec(line);
    if (owner) {
      listener.owner = owner[1];
      const proxy = proxies.find((p) => p.pid === Number(owner[2]));
      if (proxy) listener.forwardTo = { address: proxy.containerIp, port: proxy.containerPort };
    }
    out.push(listener);
  }
  return out;
}
