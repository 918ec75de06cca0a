/**
 * The compose file a real host runs (`docker compose up -d` on dind and twin): the plan's
 * networks and services as the file gave them, every service's image and command replaced
 * by nettwin's workload (networking does not depend on the image). Made from the parsed
 * model with the `yaml` package, never by splicing text. Pure.
 *
 * What the file keeps is what readCompose read: network names, drivers' options, internal,
 * IPAM (subnet, gateway, ip_range), external networks; per service the replicas,
 * container_name, network_mode, networks with aliases, ipv4_address and priority, ports
 * (long syntax, one entry per mapping, as readCompose expanded ranges), exposed ports and
 * depends_on. `pull_policy: never`: the workload image is on the host already, and no
 * registry answers here.
 */
import { stringify } from 'yaml';
import type { PortMapping } from '../contract.ts';
import type { ComposeNetwork } from './networks.ts';
import type { ComposeContainer, ComposePlan } from './plan.ts';
import type { ComposeService } from './services.ts';

export interface WorkloadRewrite {
  /** The image every service runs. */
  image: string;
  /** The argv a container of the plan runs (the same for every replica of a service). */
  command: (container: ComposeContainer) => string[];
}

type Document = Record<string, unknown>;

/** The rewritten compose file as a plain document (values as compose reads them, before interpolation). */
export function rewrittenCompose(plan: ComposePlan, workload: WorkloadRewrite): Document {
  const services: Document = {};
  for (const s of plan.services) {
    const first = plan.containers.find((c) => c.service === s.name);
    if (!first) continue;
    services[s.name] = serviceOf(s, workload.image, workload.command(first));
  }
  const networks: Document = {};
  for (const n of plan.networks) networks[n.key] = networkOf(n);
  // Compose replaces `$NAME` in every value; `$$` is a literal `$` (the workload's script has `$1`).
  return escapeInterpolation({
    services,
    ...(Object.keys(networks).length > 0 ? { networks } : {}),
  }) as Document;
}

/** The rewritten compose file's text. */
export function rewrittenComposeText(plan: ComposePlan, workload: WorkloadRewrite): string {
  return `# Written by nettwin from ${plan.file}: images and commands replaced by nettwin's workload.\n${stringify(
    rewrittenCompose(plan, workload),
    { lineWidth: 0 },
  )}`;
}

function serviceOf(s: ComposeService, image: string, command: string[]): Document {
  const out: Document = { image, pull_policy: 'never', command };
  if (s.containerName !== undefined) out.container_name = s.containerName;
  if (s.replicas !== 1) out.deploy = { replicas: s.replicas };
  switch (s.mode.kind) {
    case 'networks': {
      const networks: Document = {};
      for (const n of s.networks) {
        const endpoint: Document = {};
        if (n.aliases.length > 0) endpoint.aliases = [...n.aliases];
        if (n.ipv4Address !== undefined) endpoint.ipv4_address = n.ipv4Address;
        if (n.priority !== 0) endpoint.priority = n.priority;
        networks[n.key] = endpoint;
      }
      out.networks = networks;
      break;
    }
    case 'service':
      out.network_mode = `service:${s.mode.service}`;
      break;
    case 'container':
      out.network_mode = `container:${s.mode.container}`;
      break;
    default:
      out.network_mode = s.mode.kind;
  }
  if (s.publish.length > 0) out.ports = s.publish.map(portOf);
  const published = new Set(s.publish.map((p) => `${p.containerPort}/${p.protocol}`));
  const expose = s.served.map((p) => `${p.port}/${p.protocol}`).filter((p) => !published.has(p));
  if (expose.length > 0) out.expose = expose;
  // network_mode service:NAME is a dependency compose adds itself.
  const implied = s.mode.kind === 'service' ? s.mode.service : undefined;
  const dependsOn = [...new Set(s.dependsOn.filter((d) => d !== implied))];
  if (dependsOn.length > 0) out.depends_on = dependsOn;
  return out;
}

function portOf(p: PortMapping): Document {
  return {
    target: p.containerPort,
    ...(p.hostPort !== undefined ? { published: String(p.hostPort) } : {}),
    ...(p.hostIp !== undefined ? { host_ip: p.hostIp } : {}),
    protocol: p.protocol,
  };
}

function networkOf(n: ComposeNetwork): Document {
  if (n.external) return { name: n.name, external: true };
  const o = n.options;
  const out: Document = { name: n.name, driver: o?.driver ?? 'bridge' };
  if (o?.internal) out.internal = true;
  if (o?.options && Object.keys(o.options).length > 0) out.driver_opts = { ...o.options };
  const config: Document = {};
  if (o?.subnet !== undefined) config.subnet = o.subnet;
  if (o?.ipRange !== undefined) config.ip_range = o.ipRange;
  if (o?.gateway !== undefined) config.gateway = o.gateway;
  if (Object.keys(config).length > 0) out.ipam = { config: [config] };
  return out;
}

/** Every string value with `$` doubled: compose's interpolation then gives the value back. */
export function escapeInterpolation(value: unknown): unknown {
  if (typeof value === 'string') return value.replaceAll('$', () => '$$');
  if (Array.isArray(value)) return value.map(escapeInterpolation);
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeInterpolation(v)]));
  return value;
}
