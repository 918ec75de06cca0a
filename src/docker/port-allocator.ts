/**
 * libnetwork's portallocator: host ports per (host IP, protocol). A requested port must be
 * free; an ephemeral one (`-p 80`) is the next free port after the last one handed out,
 * wrapping round the dynamic range (net.ipv4.ip_local_port_range, 32768–60999 by default).
 */
export class PortAllocationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PortAllocationError';
  }
}

interface PortMap {
  used: Set<number>;
  last: number;
}

export class PortAllocator {
  private readonly maps = new Map<string, PortMap>();

  constructor(
    private readonly begin: number,
    private readonly end: number,
  ) {}

  private map(hostIp: string, protocol: string): PortMap {
    const key = `${hostIp}/${protocol}`;
    let m = this.maps.get(key);
    if (!m) {
      m = { used: new Set(), last: this.end };
      this.maps.set(key, m);
    }
    return m;
  }

  /** Among IPv4 addresses 0.0.0.0 conflicts with every address and the other way round. */
  private inUseAnywhere(hostIp: string, protocol: string, port: number): boolean {
    const v6 = hostIp.includes(':');
    for (const [key, m] of this.maps) {
      const at = key.lastIndexOf('/');
      const ip = key.slice(0, at);
      if (key.slice(at + 1) !== protocol || !m.used.has(port)) continue;
      if (ip === hostIp) return true;
      if (!v6 && !ip.includes(':') && (ip === '0.0.0.0' || hostIp === '0.0.0.0')) return true;
    }
    return false;
  }

  request(hostIp: string, protocol: string, port?: number): number {
    const m = this.map(hostIp, protocol);
    if (port !== undefined && port !== 0) {
      if (this.inUseAnywhere(hostIp, protocol, port)) {
        throw new PortAllocationError(
          `Bind for ${hostIp}:${port} failed: port is already allocated (remove the container that publishes it, or pick another host port)`,
        );
      }
      m.used.add(port);
      return port;
    }
    let p = m.last;
    for (let i = 0; i <= this.end - this.begin; i++) {
      p = p >= this.end ? this.begin : p + 1;
      if (!this.inUseAnywhere(hostIp, protocol, p)) {
        m.used.add(p);
        m.last = p;
        return p;
      }
    }
    throw new PortAllocationError(`all ports of ${this.begin}-${this.end} are allocated`);
  }

  release(hostIp: string, protocol: string, port: number): void {
    this.map(hostIp, protocol).used.delete(port);
  }
}
