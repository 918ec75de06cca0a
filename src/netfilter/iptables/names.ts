/**
 * What `iptables -L` without `-n` prints instead of numbers: service names from
 * /etc/services for tcp/udp ports and network names from /etc/networks. These are the
 * entries of Debian's netbase files that Docker listings meet (the seeds show
 * `dpt:http`, `dpt:https`, `dpt:domain`, `dpt:bootpc`, `dpt:radan-http` and
 * `!loopback/8`). Host addresses would go through reverse DNS, which the model cannot
 * know: they stay numeric.
 */
const SERVICES: Readonly<Record<string, string>> = {
  '22': 'ssh',
  '25': 'smtp',
  '53': 'domain',
  '67': 'bootps',
  '68': 'bootpc',
  '80': 'http',
  '123': 'ntp',
  '443': 'https',
  '3306': 'mysql',
  '5432': 'postgresql',
  '8080': 'http-alt',
  '8088': 'radan-http',
};

const NETWORKS: Readonly<Record<string, string>> = {
  '127.0.0.0': 'loopback',
  '169.254.0.0': 'link-local',
};

/** "80" → "http"; a range "8000:8080" keeps its numbers unless both ends have names. */
export function serviceName(port: string): string {
  if (port.includes(':')) return port.split(':').map(serviceName).join(':');
  return SERVICES[port] ?? port;
}

/** "127.0.0.0/8" → "loopback/8"; anything else unchanged. */
export function networkName(cidr: string): string {
  const [address, prefix] = cidr.split('/');
  const name = address === undefined ? undefined : NETWORKS[address];
  return name && prefix !== undefined ? `${name}/${prefix}` : cidr;
}
