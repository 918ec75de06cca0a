/**
 * A small parser for docker CLI flags: `--name x`, `--name=x`, `-p 80:80`, `-p80:80`,
 * combined boolean shorts (`-dit`), repeatable flags. Positional words end the flags
 * where the docker CLI stops (`docker run … IMAGE CMD…`: everything after IMAGE is the command).
 */
export interface FlagSpec {
  /** Names including dashes: ['-p', '--publish']. The first long name is the key. */
  names: string[];
  takesValue: boolean;
}

export interface ParsedFlags {
  values: Map<string, string[]>;
  positionals: string[];
}

export class FlagError extends Error {
  constructor(
    readonly token: string,
    message: string,
  ) {
    super(message);
    this.name = 'FlagError';
  }
}

function keyOf(spec: FlagSpec): string {
  return (spec.names.find((n) => n.startsWith('--')) ?? spec.names[0] ?? '').replace(/^-+/, '');
}

export function parseFlags(
  argv: readonly string[],
  specs: readonly FlagSpec[],
  options: { stopAtFirstPositional?: boolean; context: string },
): ParsedFlags {
  const byName = new Map<string, FlagSpec>();
  for (const s of specs) for (const n of s.names) byName.set(n, s);
  const values = new Map<string, string[]>();
  const positionals: string[] = [];
  const put = (spec: FlagSpec, v: string) => {
    const k = keyOf(spec);
    values.set(k, [...(values.get(k) ?? []), v]);
  };
  const supported = () => specs.map((s) => s.names.join('/')).join(', ');
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      positionals.push(a);
      if (options.stopAtFirstPositional) {
        positionals.push(...argv.slice(i + 1));
        break;
      }
      continue;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(0, eq) : a;
      const spec = byName.get(name);
      if (!spec)
        throw new FlagError(a, `unknown flag ${name} for ${options.context} (supported: ${supported()})`);
      if (spec.takesValue) {
        const v = eq >= 0 ? a.slice(eq + 1) : argv[++i];
        if (v === undefined) throw new FlagError(a, `flag ${name} needs a value`);
        put(spec, v);
      } else put(spec, eq >= 0 ? a.slice(eq + 1) : 'true');
      continue;
    }
    // Short flags: -d, -dit, -p80:80, -p 80:80.
    for (let j = 1; j < a.length; j++) {
      const name = `-${a[j]}`;
      const spec = byName.get(name);
      if (!spec)
        throw new FlagError(a, `unknown flag ${name} for ${options.context} (supported: ${supported()})`);
      if (spec.takesValue) {
        const rest = a.slice(j + 1);
        const v = rest !== '' ? rest : argv[++i];
        if (v === undefined) throw new FlagError(a, `flag ${name} needs a value`);
        put(spec, v);
        break;
      }
      put(spec, 'true');
    }
  }
  return { values, positionals };
}

export const last = (f: ParsedFlags, key: string): string | undefined => f.values.get(key)?.at(-1);
export const all = (f: ParsedFlags, key: string): string[] => f.values.get(key) ?? [];
export const flag = (f: ParsedFlags, key: string): boolean => {
  const v = last(f, key);
  return v !== undefined && v !== 'false';
};
