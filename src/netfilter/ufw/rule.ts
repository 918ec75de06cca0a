/**
 * One ufw rule (ufw's UFWRule) and the iptables rules it becomes. The text forms follow
 * ufw 0.36.2 (common.py format_rule, backend_iptables.py _get_rules_from_formatted) line
 * for line: what ufw writes to user.rules and hands to iptables is what the model writes.
 */

export type UfwAction = 'allow' | 'deny' | 'reject' | 'limit';
export type UfwLogType = '' | 'log' | 'log-all';
export type UfwProtocol = 'any' | 'tcp' | 'udp';

export interface UfwRule {
  action: UfwAction;
  logtype: UfwLogType;
  protocol: UfwProtocol;
  /** A port, a list (`80,443`) or a range (`8000:8100`), or `any`. */
  dport: string;
  sport: string;
  /** `0.0.0.0/0` (or `::/0` on a v6 rule) for anywhere, else an address or network. */
  dst: string;
  src: string;
  /** Several ports: written with `-m multiport`. */
  multi: boolean;
  direction: 'in' | 'out';
  /** A `ufw route` rule: it lives in ufw-user-forward. */
  forward: boolean;
  interfaceIn: string;
  interfaceOut: string;
  v6: boolean;
  /** The comment, hex-encoded as ufw keeps it (shown decoded by `ufw status`). */
  comment: string;
}

export const ANYWHERE4 = '0.0.0.0/0';
export const ANYWHERE6 = '::/0';

export function isAnywhere(address: string): boolean {
  return address === ANYWHERE4 || address === ANYWHERE6;
}

/** The same rule for the other address family (ufw's set_v6: only "anywhere" changes). */
export function withFamily(rule: UfwRule, v6: boolean): UfwRule {
  const fix = (a: string) => (isAnywhere(a) ? (v6 ? ANYWHERE6 : ANYWHERE4) : a);
  return { ...rule, v6, src: fix(rule.src), dst: fix(rule.dst) };
}

/** ufw's human_sort of a port list (numbers in numeric order). */
function sortPorts(ports: string): string {
  if (ports === 'any') return ports;
  const key = (p: string) => p.split(/([0-9]+)/).map((c) => (/^\d+$/.test(c) ? Number(c) : c.toLowerCase()));
  const compare = (a: string, b: string): number => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
      const x = ka[i] as string | number;
      const y = kb[i] as string | number;
      if (x === y) continue;
      if (typeof x === typeof y) return x < y ? -1 : 1;
      return typeof x === 'number' ? -1 : 1;
    }
    return ka.length - kb.length;
  };
  return ports.split(',').sort(compare).join(',');
}

/** ufw's normalize(): port lists sorted (addresses are already in their canonical form). */
export function normalizeRule(rule: UfwRule): UfwRule {
  return { ...rule, dport: sortPorts(rule.dport), sport: sortPorts(rule.sport) };
}

/**
 * UFWRule.match: 0 the same rule, 1 another rule, -1 the same but for action or log type
 * (ufw replaces it), -2 the same but for the comment.
 */
export function matchRule(x: UfwRule, y: UfwRule): 0 | 1 | -1 | -2 {
  const same =
    x.dport === y.dport &&
    x.sport === y.sport &&
    x.protocol === y.protocol &&
    x.src === y.src &&
    x.dst === y.dst &&
    x.v6 === y.v6 &&
    x.interfaceIn === y.interfaceIn &&
    x.interfaceOut === y.interfaceOut &&
    x.direction === y.direction &&
    x.forward === y.forward;
  if (!same) return 1;
  if (x.action === y.action && x.logtype === y.logtype) return x.comment === y.comment ? 0 : -2;
  return -1;
}

/** format_rule: the iptables text of a rule, before ufw expands `-p all`, logging and LIMIT. */
export function formatRule(rule: UfwRule): string {
  let s = '';
  if (rule.interfaceIn !== '') s += ` -i ${rule.interfaceIn}`;
  if (rule.interfaceOut !== '') s += ` -o ${rule.interfaceOut}`;
  if (rule.protocol === 'any') {
    s += ' -p all';
  } else {
    s += ` -p ${rule.protocol}`;
    if (rule.multi) {
      s += ' -m multiport';
      if (rule.dport !== 'any' && rule.sport !== 'any') {
        s += ` --dports ${rule.dport} -m multiport --sports ${rule.sport}`;
      } else if (rule.dport !== 'any') {
        s += ` --dports ${rule.dport}`;
      } else if (rule.sport !== 'any') {
        s += ` --sports ${rule.sport}`;
      }
    }
  }
  if (!isAnywhere(rule.dst)) s += ` -d ${rule.dst}`;
  if (!rule.multi && rule.dport !== 'any') s += ` --dport ${rule.dport}`;
  if (!isAnywhere(rule.src)) s += ` -s ${rule.src}`;
  if (!rule.multi && rule.sport !== 'any') s += ` --sport ${rule.sport}`;
  const log = rule.logtype === '' ? '' : `_${rule.logtype}`;
  if (rule.action === 'allow') s += ` -j ACCEPT${log}`;
  else if (rule.action === 'reject') {
    s += ` -j REJECT${log}`;
    if (rule.protocol === 'tcp') s += ' --reject-with tcp-reset';
  } else if (rule.action === 'limit') s += ` -j LIMIT${log}`;
  else s += ` -j DROP${log}`;
  return s.trim();
}

/** The ufw chain a rule lives in: ufw-user-input, -output or -forward. */
export function userChainSuffix(rule: UfwRule): 'input' | 'output' | 'forward' {
  if (rule.forward) return 'forward';
  return rule.direction === 'out' ? 'output' : 'input';
}

/**
 * _get_rules_from_formatted: `-A CHAIN <format_rule>` becomes the iptables rules ufw
 * writes. `-p all` with a port is a tcp and a udp rule (a tcp reject resets); a log type
 * adds the ufw-user-logging-* rules; LIMIT becomes the `recent` triple.
 */
export function expandRule(text: string, prefix: string, suffix: string): string[] {
  const snippets: string[] = [];
  if (text.includes('-p all ')) {
    if (text.includes('port ')) {
      const rejectTcp = /-j (REJECT(_log(-all)?)?)/.test(text)
        ? text.replace(/-j (REJECT(_log(-all)?)?)/, '-j $1 --reject-with tcp-reset')
        : text;
      snippets.push(rejectTcp.replace('-p all ', '-p tcp '));
      snippets.push(text.replace('-p all ', '-p udp '));
    } else {
      snippets.push(text.replace('-p all ', ''));
    }
  } else {
    snippets.push(text);
  }

  const patLog = /(.*)-j ([A-Z]+)_log(-all)?(.*)/;
  const limitArgs = '-m limit --limit 3/min --limit-burst 10';
  const logged: string[] = [];
  for (const s of snippets) {
    const m = patLog.exec(s);
    if (!m) {
      logged.push(s);
      continue;
    }
    const [, head = '', verdict = '', all, tail = ''] = m;
    const policy = verdict === 'ACCEPT' ? 'ALLOW' : verdict === 'LIMIT' ? 'LIMIT' : 'BLOCK';
    let lstr = `${limitArgs} -j LOG --log-prefix "[UFW ${policy}] "`;
    if (!all) lstr = `-m conntrack --ctstate NEW ${lstr}`;
    const toLogging = (line: string) =>
      line.replace(/(-A|-D) ([a-zA-Z0-9-]+)/, `$1 ${prefix}-user-logging-${suffix}`);
    logged.push(
      toLogging(`${head}${lstr}`),
      toLogging(`${head}-j RETURN`),
      `${head}-j ${prefix}-user-logging-${suffix}`,
      `${head}-j ${verdict}${tail}`,
    );
  }

  const out: string[] = [];
  for (const s of logged) {
    if (!s.includes(' -j LIMIT')) {
      out.push(s);
      continue;
    }
    out.push(
      s.replace(' -j LIMIT', ' -m conntrack --ctstate NEW -m recent --set'),
      s.replace(
        ' -j LIMIT',
        ` -m conntrack --ctstate NEW -m recent --update --seconds 30 --hitcount 6 -j ${prefix}-user-limit`,
      ),
      s.replace(' -j LIMIT', ` -j ${prefix}-user-limit-accept`),
    );
  }
  return out;
}

/** _get_lists_from_formatted: the rules as argv words (a log prefix keeps its spaces). */
export function expandRuleArgv(text: string, prefix: string, suffix: string): string[][] {
  return expandRule(text, prefix, suffix).map((s) => {
    const m = /^(.*) --log-prefix (".* ")(.*)$/.exec(s);
    if (!m) return words(s);
    const [, before = '', logPrefix = '', after = ''] = m;
    return [...words(before), '--log-prefix', logPrefix.replace(/"/g, ''), ...words(after)];
  });
}

function words(s: string): string[] {
  return s.split(/\s+/).filter((w) => w !== '');
}

/** ufw's hex_encode / hex_decode of a comment. */
export function hexEncode(text: string): string {
  return [...new TextEncoder().encode(text)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export function hexDecode(hex: string): string {
  const bytes = new Uint8Array((hex.match(/../g) ?? []).map((b) => Number.parseInt(b, 16)));
  return new TextDecoder().decode(bytes);
}
