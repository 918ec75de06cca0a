/**
 * What an image nettwin did not build must carry to serve as a DinD host, checked in one
 * throwaway container before any host starts from it: the programs docker/common's
 * scripts run (entrypoint, outside world, reset), the ones nettwin's steps run on the host
 * and its outside machines, and the daemon's version. Busybox stand-ins do not do: the
 * outside world needs iproute2's `ip netns` and `-j`, the listeners `ps -eo pid=,args=`,
 * the clients netcat-openbsd's `-q`.
 */

export interface HostTool {
  /** The program as the scripts call it. */
  name: string;
  /** Debian's package for it. */
  debian: string;
  /** What nettwin runs it for. */
  purpose: string;
  /** A shell condition that holds when the program found is the one nettwin needs. */
  check?: string;
  /** Needed only on a host started with this host firewall (NETTWIN_HOST_FIREWALL). */
  hostFirewall?: 'firewalld' | 'ufw';
}

export const HOST_TOOLS: readonly HostTool[] = [
  { name: 'dockerd', debian: 'docker.io', purpose: 'the Docker daemon under test' },
  { name: 'docker', debian: 'docker.io (docker-cli on sid)', purpose: 'the inner docker CLI' },
  { name: 'containerd', debian: 'containerd', purpose: 'started by dockerd' },
  { name: 'runc', debian: 'runc', purpose: "the inner containers' runtime" },
  {
    name: 'ip',
    debian: 'iproute2',
    purpose: 'the outside world (ip netns, veths), interfaces (ip -j)',
    check: 'ip -V 2>&1 | grep -q iproute2',
  },
  { name: 'ss', debian: 'iproute2', purpose: 'listeners' },
  { name: 'iptables', debian: 'iptables', purpose: 'rules and counters' },
  { name: 'iptables-save', debian: 'iptables', purpose: 'the ruleset compared with the model' },
  { name: 'iptables-restore', debian: 'iptables', purpose: 'nettwin-reset' },
  { name: 'ip6tables', debian: 'iptables', purpose: 'IPv6 rules and counters' },
  { name: 'ip6tables-save', debian: 'iptables', purpose: 'the IPv6 ruleset' },
  { name: 'nft', debian: 'nftables', purpose: 'nettwin-reset (nft flush ruleset), nftables counters' },
  { name: 'conntrack', debian: 'conntrack', purpose: 'nettwin-reset, connection states' },
  { name: 'sysctl', debian: 'procps', purpose: 'forwarding and other sysctls' },
  {
    name: 'ps',
    debian: 'procps',
    purpose: 'docker-proxy processes',
    check: 'ps -eo pid=,args= >/dev/null 2>&1',
  },
  { name: 'ping', debian: 'iputils-ping', purpose: 'ping steps' },
  { name: 'curl', debian: 'curl', purpose: 'HTTP steps' },
  {
    name: 'nc',
    debian: 'netcat-openbsd',
    purpose: 'TCP and UDP steps (-q, -v)',
    check: 'nc -h 2>&1 | grep -q OpenBSD',
  },
  { name: 'timeout', debian: 'coreutils', purpose: "clients' time limits" },
  { name: 'base64', debian: 'coreutils', purpose: "nettwin's command sessions" },
  {
    name: 'stat',
    debian: 'coreutils',
    purpose: "nettwin's command sessions",
    check: 'stat -c %s / >/dev/null 2>&1',
  },
  { name: 'mktemp', debian: 'coreutils', purpose: "nettwin's command sessions" },
  { name: 'awk', debian: 'mawk', purpose: 'the entrypoint and nettwin-reset' },
  { name: 'sed', debian: 'sed', purpose: 'the outside world, nettwin-reset' },
  { name: 'grep', debian: 'grep', purpose: 'nettwin-reset' },
  { name: 'find', debian: 'findutils', purpose: 'nettwin-reset' },
  { name: 'mount', debian: 'mount', purpose: 'the entrypoint (cgroups, /proc/sys)' },
  { name: 'umount', debian: 'mount', purpose: 'nettwin-reset' },
  { name: 'firewalld', debian: 'firewalld', purpose: 'a firewalld host', hostFirewall: 'firewalld' },
  { name: 'firewall-cmd', debian: 'firewalld', purpose: 'a firewalld host', hostFirewall: 'firewalld' },
  { name: 'dbus-daemon', debian: 'dbus', purpose: 'a firewalld host', hostFirewall: 'firewalld' },
  { name: 'ufw', debian: 'ufw', purpose: 'a ufw host', hostFirewall: 'ufw' },
];

/**
 * The probe's script (run by /bin/sh in the image): one `have NAME` or `lack NAME` line per
 * tool, then `dockerd <first line of dockerd --version>`. Only the constant names above go
 * into it.
 */
export function preflightScript(tools: readonly HostTool[] = HOST_TOOLS): string {
  const lines = tools.map((t) => {
    const test = `command -v ${t.name} >/dev/null 2>&1${t.check ? ` && { ${t.check}; }` : ''}`;
    return `if ${test}; then echo "have ${t.name}"; else echo "lack ${t.name}"; fi`;
  });
  lines.push('echo "dockerd $(dockerd --version 2>&1 | head -n 1)"');
  return `${lines.join('\n')}\n`;
}

export interface PreflightReport {
  present: string[];
  missing: string[];
  /** The first line `dockerd --version` printed (or the shell's complaint). */
  dockerdVersion: string;
}

/** The probe's output, read back; a line it cannot have printed is a broken probe. */
export function parsePreflight(stdout: string): PreflightReport {
  const report: PreflightReport = { present: [], missing: [], dockerdVersion: '' };
  for (const line of stdout.split('\n')) {
    const m = /^(have|lack|dockerd) ?(.*)$/.exec(line);
    if (!m) continue;
    const [, kind, rest = ''] = m;
    if (kind === 'have') report.present.push(rest);
    else if (kind === 'lack') report.missing.push(rest);
    else report.dockerdVersion = rest;
  }
  return report;
}

/** The tools a host with (or without) a host firewall needs that the image lacks. */
export function missingFor(report: PreflightReport, hostFirewall?: string): HostTool[] {
  return HOST_TOOLS.filter(
    (t) => (!t.hostFirewall || t.hostFirewall === hostFirewall) && report.missing.includes(t.name),
  );
}

/** One line per missing tool: "nft (Debian package nftables): nettwin-reset …". */
export function describeMissing(tools: readonly HostTool[]): string {
  return tools.map((t) => `  ${t.name} (Debian package ${t.debian}): ${t.purpose}`).join('\n');
}
