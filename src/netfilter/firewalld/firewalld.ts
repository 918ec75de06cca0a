/**
 * firewalld (2.x, nftables backend) on a model host: its `table inet firewalld` as recorded
 * on a real host after dockerd started (Docker's `docker` zone and `docker-forwarding`
 * policy included), the interfaces Docker binds to its zone as networks come and go, and
 * the documented subset of `firewall-cmd`. Pure: the recorded listing comes in as text.
 *
 * `--reload` makes the permanent configuration the runtime one: runtime-only ports go, and
 * Docker (listening for firewalld's Reloaded signal) binds its bridges to its zone again
 * (measured on 28.5: after the reload settles, firewalld's table and iptables are as before).
 */
import { parseNftRuleset } from '../nft/parse.ts';
import { parseNftRuleText } from '../nft/statements.ts';
import type { NftRuleset, NftTable } from '../nft/types.ts';
import { addZoneInterface, adoptAppendOrder, removeZoneInterface } from './zone-interfaces.ts';
import { addPairInterface, removePairInterface } from './zone-pairs.ts';

/**
 * How a firewalld release writes an interface joining or leaving a zone: 2.5 (Debian sid, the
 * Docker 28.5 image) into dispatch chains (zone-interfaces.ts), 2.3 (trixie, the 26.1 image)
 * as per-interface and per-pair groups in its `…_POLICIES` chains (zone-pairs.ts).
 */
export interface FirewalldLayout {
  readonly release: string;
  add(table: NftTable, reference: string, iface: string, bound: readonly string[]): void;
  remove(table: NftTable, iface: string): void;
}

export const FIREWALLD_2_5: FirewalldLayout = {
  release: '2.5',
  add: (table, reference, iface) => addZoneInterface(table, reference, iface),
  remove: removeZoneInterface,
};

export const FIREWALLD_2_3: FirewalldLayout = {
  release: '2.3',
  add: addPairInterface,
  remove: removePairInterface,
};

/** Docker's zone, and the interface every Docker host binds to it at start. */
export const DOCKER_ZONE = 'docker';
const REFERENCE_INTERFACE = 'docker0';

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** The options the model runs; anything else is refused by name. */
export const FIREWALL_CMD_OPTIONS = [
  '--state',
  '--reload',
  '--get-active-zones',
  '--get-default-zone',
  '--zone=ZONE',
  '--add-port=PORT/PROTO',
  '--remove-port=PORT/PROTO',
  '--list-ports',
  '--permanent',
] as const;

const PORT = /^(\d{1,5})(?:-(\d{1,5}))?\/(tcp|udp)$/;

export class FirewalldModel {
  /** Interfaces Docker bound to its zone, in binding order (docker0 first). */
  private readonly bound: string[] = [REFERENCE_INTERFACE];
  private readonly runtimePorts = new Map<string, string[]>();
  private readonly permanentPorts = new Map<string, string[]>();

  /**
   * @param recorded `nft list table inet firewalld` of a real host right after dockerd
   *   started with firewalld running (docker0 bound to Docker's zone).
   * @param ruleset the host's native tables; firewalld's table is put (and kept) there.
   */
  constructor(
    private readonly recorded: string,
    private readonly ruleset: NftRuleset,
    private readonly file = 'firewalld table',
    private readonly layout: FirewalldLayout = FIREWALLD_2_5,
  ) {
    this.ruleset.tables = this.ruleset.tables.filter((t) => !(t.family === 'inet' && t.name === 'firewalld'));
    this.ruleset.tables.unshift(this.fresh());
  }

  private fresh(): NftTable {
    const table = parseNftRuleset(this.recorded, { file: this.file }).tables.find(
      (t) => t.family === 'inet' && t.name === 'firewalld',
    );
    if (!table) throw new Error(`${this.file}: no "table inet firewalld" in the recorded listing`);
    return table;
  }

  table(): NftTable {
    const table = this.ruleset.tables.find((t) => t.family === 'inet' && t.name === 'firewalld');
    if (!table) throw new Error("firewalld's table is gone from the host (a host command deleted it)");
    return table;
  }

  /** Docker created a bridge: it binds it to its zone. */
  bridgeAdded(bridge: string): void {
    if (this.bound.includes(bridge)) return;
    this.layout.add(this.table(), REFERENCE_INTERFACE, bridge, this.bound);
    this.bound.push(bridge);
  }

  /**
   * After a reload on Docker 28+ (Go map order, profile.firewalldReload 'live'): the order in
   * which the real host's Docker bound its bridges again, read from the real table.
   */
  adoptRebindOrder(real: NftRuleset): void {
    const theirs = real.tables.find((t) => t.family === 'inet' && t.name === 'firewalld');
    if (theirs) adoptAppendOrder(this.table(), theirs);
  }

  /** Docker removed a bridge: it leaves the zone. */
  bridgeRemoved(bridge: string): void {
    if (bridge === REFERENCE_INTERFACE || !this.bound.includes(bridge)) return;
    this.layout.remove(this.table(), bridge);
    this.bound.splice(this.bound.indexOf(bridge), 1);
  }

  /**
   * firewalld's reload: the permanent configuration becomes the runtime one, and runtime
   * zone bindings are gone — Docker, hearing the Reloaded signal, binds its bridges again
   * (bridgeAdded, in the order its reload callbacks run: DockerDaemonModel.firewallReload).
   * The recorded table has docker0 bound already: it stays.
   */
  reload(): void {
    const table = this.fresh();
    this.bound.splice(0, this.bound.length, REFERENCE_INTERFACE);
    this.runtimePorts.clear();
    for (const [zone, ports] of this.permanentPorts) {
      for (const port of ports) appendPortRule(table, zone, port);
      this.runtimePorts.set(zone, [...ports]);
    }
    const index = this.ruleset.tables.findIndex((t) => t.family === 'inet' && t.name === 'firewalld');
    if (index < 0) this.ruleset.tables.unshift(table);
    else this.ruleset.tables[index] = table;
  }

  /** `firewall-cmd ARGS…`: the documented subset, firewall-cmd's words and exit codes. */
  run(args: readonly string[]): CommandResult {
    const ok = (stdout = 'success\n'): CommandResult => ({ exitCode: 0, stdout, stderr: '' });
    let zone: string | undefined;
    let permanent = false;
    const actions: string[] = [];
    for (const arg of args) {
      if (arg === '--permanent') permanent = true;
      else if (arg.startsWith('--zone=')) zone = arg.slice('--zone='.length);
      else actions.push(arg);
    }
    const [action, ...more] = actions;
    if (action === undefined || more.length > 0) return notModelled(args);
    if (action === '--state') return ok('running\n');
    if (action === '--reload' && !permanent && zone === undefined) {
      this.reload();
      return ok();
    }
    if (action === '--get-default-zone') return ok('public\n');
    if (action === '--get-active-zones')
      return ok(`${DOCKER_ZONE}\n  interfaces: ${this.bound.join(' ')}\npublic (default)\n`);
    const z = zone ?? 'public';
    if (!this.table().chains.some((c) => c.name === `filter_IN_${z}_allow`)) {
      return { exitCode: 112, stdout: '', stderr: `Error: INVALID_ZONE: ${z}\n` };
    }
    const ports = permanent ? this.permanentPorts : this.runtimePorts;
    if (action === '--list-ports') return ok(`${(ports.get(z) ?? []).join(' ')}\n`);
    const [option, value] = splitOption(action);
    if (option !== '--add-port' && option !== '--remove-port') return notModelled(args);
    const port = value ?? '';
    const m = PORT.exec(port);
    if (!m || !validPort(m[1]) || (m[2] !== undefined && !validPort(m[2]))) {
      return { exitCode: 102, stdout: '', stderr: `Error: INVALID_PORT: ${port}\n` };
    }
    const list = ports.get(z) ?? [];
    if (option === '--add-port') {
      if (list.includes(port))
        return { exitCode: 0, stdout: 'success\n', stderr: `Warning: ALREADY_ENABLED: ${port}\n` };
      list.push(port);
      ports.set(z, list);
      if (!permanent) appendPortRule(this.table(), z, port);
      return ok();
    }
    if (!list.includes(port))
      return { exitCode: 0, stdout: 'success\n', stderr: `Warning: NOT_ENABLED: ${port}\n` };
    list.splice(list.indexOf(port), 1);
    if (!permanent) removePortRule(this.table(), z, port);
    return ok();
  }
}

function validPort(text: string | undefined): boolean {
  const n = Number(text);
  return Number.isInteger(n) && n >= 1 && n <= 65535;
}

function splitOption(arg: string): [string, string | undefined] {
  const eq = arg.indexOf('=');
  return eq < 0 ? [arg, undefined] : [arg.slice(0, eq), arg.slice(eq + 1)];
}

/** `8080/tcp` → `tcp dport 8080 accept`, as firewalld writes it in the zone's allow chain. */
function portRuleText(port: string): string {
  const [number, proto] = port.split('/') as [string, string];
  return `${proto} dport ${number} accept`;
}

function allowChain(table: NftTable, zone: string) {
  const chain = table.chains.find((c) => c.name === `filter_IN_${zone}_allow`);
  if (!chain) throw new Error(`firewalld's table has no chain filter_IN_${zone}_allow`);
  return chain;
}

function appendPortRule(table: NftTable, zone: string, port: string): void {
  const text = portRuleText(port);
  allowChain(table, zone).rules.push({ text, statements: parseNftRuleText(text) });
}

function removePortRule(table: NftTable, zone: string, port: string): void {
  const chain = allowChain(table, zone);
  const text = portRuleText(port);
  chain.rules = chain.rules.filter((r) => r.text !== text);
}

function notModelled(args: readonly string[]): CommandResult {
  return {
    exitCode: 2,
    stdout: '',
    stderr:
      `nettwin: the model does not interpret \`firewall-cmd ${args.join(' ')}\`; it runs ` +
      `${FIREWALL_CMD_OPTIONS.join(', ')} (one action per command). Other firewall-cmd ` +
      'commands run on real hosts only (--backend dind or twin).\n',
  };
}
