/** What a workload container runs: the servers a scenario asked for, as one sh -c line. */
import { httpPortsOf } from '../contract.ts';
import type { ContainerOptions } from './backend.ts';
import { udpListenerScript } from './dind-datagrams.ts';
import { httpResponse } from './model-http.ts';

/** The command a workload container runs for the servers it was asked for. */
export function workloadCommand(options: ContainerOptions): string[] {
  const parts: string[] = [];
  for (const port of options.tcpListenPorts ?? []) {
    // One nc per connection, as ground truth e2 ran it: it closes when the client does
    // (a FIN of its own), where `nc -k` would keep the connection half open.
    // netcat-openbsd -v logs "Connection received on ADDR PORT" per connection; -n
    // because -v otherwise looks the peer up in DNS first, and DinD hosts have no
    // resolver that answers: the connection would wait in the accept queue for seconds.
    parts.push(`while true; do nc -nlv -p ${port} >>/tmp/nc-${port}.data 2>>/tmp/nc-${port}.log; done &`);
  }
  for (const port of options.udpListenPorts ?? []) parts.push(udpListenerScript(port));
  const httpPorts = httpPortsOf(options);
  if (httpPorts.length > 0) {
    // busybox httpd runs /cgi-bin/index.cgi for "/" when there is no index.html; the CGI
    // prints the whole response at once (model-http.ts httpResponse: why one write).
    parts.push(
      // The body is feature text: it reaches the script as "$1", never as shell words.
      'mkdir -p /www/cgi-bin; printf %s "$1" > /www/response;',
      `printf '#!/bin/sh\nexec cat /www/response\n' > /www/cgi-bin/index.cgi; chmod +x /www/cgi-bin/index.cgi;`,
      // One httpd per port: all but the last go to the background themselves.
      ...httpPorts.slice(0, -1).map((port) => `busybox httpd -p ${port} -h /www;`),
      `exec busybox httpd -f -p ${httpPorts[httpPorts.length - 1]} -h /www`,
    );
  } else {
    parts.push('exec sleep infinity');
  }
  const body = options.httpBody === undefined ? [] : [httpResponse(options.httpBody)];
  return ['sh', '-c', parts.join(' '), 'sh', ...body];
}

export function publishArg(p: NonNullable<ContainerOptions['publish']>[number]): string {
  // docker run -p takes an IPv6 host address in brackets: `[::]:8080:80`.
  const hostIp = p.hostIp?.includes(':') ? `[${p.hostIp}]` : p.hostIp;
  const host = [hostIp, p.hostPort ?? ''].filter((x) => x !== undefined).join(':');
  return `${host ? `${host}:` : ''}${p.containerPort}/${p.protocol}`;
}
