/**
 * What a real host's `docker compose up -d` decided, and the plan that makes the model do
 * the same. Compose creates networks and starts independent services concurrently, so a
 * subnet or address left to Docker, and the order of per-network and per-container rules
 * (DOCKER, DOCKER-ISOLATION-*, nat), follow the order that run happened to take. The twin
 * reads them from the real host and hands the model fixed values: each network's subnet,
 * each endpoint's address, and the real creation and start order. What is left (rules,
 * gateways, traffic) the twin still compares. Pure.
 */
import type { EndpointOptions } from '../contract.ts';
import type { ComposeContainer, ComposePlan, ComposeStep } from './plan.ts';

export interface LearntCompose {
  /** The project's networks as the real host made them, in the order it created them. */
  networks: Array<{ name: string; subnet: string }>;
  /** The project's containers in the order they started, with their address on each network. */
  containers: Array<{ name: string; addresses: Record<string, string> }>;
}

/**
 * The plan with what the real host decided fixed in it: every created network's subnet
 * (where the file left it to Docker), every endpoint's address (where it had none), and
 * networks then containers in the real order. Names the real host did not report keep
 * their place after the reported ones, in plan order.
 */
export function pinnedPlan(plan: ComposePlan, learnt: LearntCompose): ComposePlan {
  const subnets = new Map(learnt.networks.map((n) => [n.name, n.subnet]));
  const addresses = new Map(learnt.containers.map((c) => [c.name, c.addresses]));
  const networks = plan.networks.map((n) => {
    const subnet = subnets.get(n.name);
    if (n.external || !n.options || n.options.subnet !== undefined || !subnet) return n;
    return { ...n, options: { ...n.options, subnet } };
  });
  const containers = plan.containers.map((c) => pinnedContainer(c, addresses.get(c.options.name) ?? {}));
  const byNetwork = new Map(networks.map((n) => [n.name, n]));
  const byContainer = new Map(containers.map((c) => [c.options.name, c]));
  const networkSteps = inOrder(
    plan.networks.filter((n) => !n.external).map((n) => n.name),
    learnt.networks.map((n) => n.name),
  ).map(
    (name): ComposeStep => ({ kind: 'network', network: byNetwork.get(name) as (typeof networks)[number] }),
  );
  const containerSteps = ownersFirst(
    inOrder(
      plan.containers.map((c) => c.options.name),
      learnt.containers.map((c) => c.name),
    ).map((name) => byContainer.get(name) as ComposeContainer),
  ).map((container): ComposeStep => ({ kind: 'container', container }));
  return { ...plan, networks, containers, steps: [...networkSteps, ...containerSteps] };
}

function pinnedContainer(c: ComposeContainer, addresses: Record<string, string>): ComposeContainer {
  const network = c.options.network;
  const own = network !== undefined ? addresses[network] : undefined;
  const options = c.options.ip === undefined && own ? { ...c.options, ip: own } : c.options;
  const connect = c.connect.map(({ network: n, endpoint }) => {
    const ip = addresses[n];
    const pinned: EndpointOptions = endpoint.ip === undefined && ip ? { ...endpoint, ip } : endpoint;
    return { network: n, endpoint: pinned };
  });
  return { ...c, options, connect };
}

/** A container in another's namespace (`container:NAME`) after that one: it cannot start before it. */
function ownersFirst(containers: ComposeContainer[]): ComposeContainer[] {
  const names = new Set(containers.map((c) => c.options.name));
  const out: ComposeContainer[] = [];
  const placed = new Set<string>();
  const waiting = new Map<string, ComposeContainer[]>();
  const place = (c: ComposeContainer): void => {
    out.push(c);
    placed.add(c.options.name);
    for (const next of waiting.get(c.options.name) ?? []) place(next);
    waiting.delete(c.options.name);
  };
  for (const c of containers) {
    const owner = c.options.network?.startsWith('container:') ? c.options.network.slice(10) : undefined;
    if (owner !== undefined && names.has(owner) && !placed.has(owner))
      waiting.set(owner, [...(waiting.get(owner) ?? []), c]);
    else place(c);
  }
  return out;
}

/**
 * The containers in the order the real host joined them to their networks, as its rules
 * show it: StartedAt is stamped after the container's process started, and two replicas
 * started together can be stamped in the other order than their endpoints were made (and
 * their per-endpoint rules appended: 28.5's raw PREROUTING DROP per address; a published
 * port's DOCKER and nat rules). The chain that mentions most of the containers' addresses
 * decides their order among themselves; the others keep their place.
 */
export function orderedByRules(
  learnt: LearntCompose,
  chains: ReadonlyArray<readonly string[]>,
): LearntCompose {
  const containers = learnt.containers;
  const position = (c: LearntCompose['containers'][number], chain: readonly string[]): number => {
    const ips = Object.values(c.addresses);
    return chain.findIndex((rule) =>
      rule.split(' ').some((t) => ips.some((ip) => t === ip || t === `${ip}/32` || t.startsWith(`${ip}:`))),
    );
  };
  let best: readonly string[] | undefined;
  let bestCount = 1;
  for (const chain of chains) {
    const count = containers.filter((c) => position(c, chain) >= 0).length;
    if (count > bestCount) [best, bestCount] = [chain, count];
  }
  if (!best) return learnt;
  const chain = best;
  const slots = containers.flatMap((c, i) => (position(c, chain) >= 0 ? [i] : []));
  const sorted = slots
    .map((i) => containers[i] as LearntCompose['containers'][number])
    .sort((a, b) => position(a, chain) - position(b, chain));
  const out = [...containers];
  slots.forEach((slot, k) => {
    out[slot] = sorted[k] as LearntCompose['containers'][number];
  });
  return { ...learnt, containers: out };
}

/** `names` in the order `seen` gives, those it does not list after them in their own order. */
function inOrder(names: readonly string[], seen: readonly string[]): string[] {
  const known = new Set(names);
  const first = seen.filter((n, i) => known.has(n) && seen.indexOf(n) === i);
  const listed = new Set(first);
  return [...first, ...names.filter((n) => !listed.has(n))];
}

/**
 * Docker's RFC 3339 timestamps (`2026-12-06T20:51:03.123456789Z`) as a key that sorts in
 * time order: Go trims the fraction's trailing zeros, so the text alone does not sort.
 */
export function timestampKey(text: string): string {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(text.trim());
  if (!m) throw new Error(`not an RFC 3339 timestamp: "${text}"`);
  const zone = m[3] as string;
  let base = m[1] as string;
  if (zone !== 'Z') {
    const ms = Date.parse(`${base}${zone}`);
    base = new Date(ms).toISOString().slice(0, 19);
  }
  return `${base}.${(m[2] ?? '').padEnd(9, '0')}`;
}
