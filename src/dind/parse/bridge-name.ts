/**
 * The Linux bridge behind an inner network, from `docker network inspect -f BRIDGE_FORMAT`.
 * The driver option is read as JSON: a Go template's `{{index .Options "…"}}` prints
 * `<no value>` for a network created without the option, a string with a space in it
 * that a split on spaces once read as a bridge called `<no`.
 */
export const BRIDGE_NAME_FORMAT = '{{.Id}}\n{{json .Options}}';

const BRIDGE_NAME_OPTION = 'com.docker.network.bridge.name';

/** docker0 for the default network, the bridge.name option, else Docker's `br-<first 12 of the id>`. */
export function bridgeNameFromInspect(network: string, output: string): string {
  const [id = '', ...rest] = output.trim().split('\n');
  const json = rest.join('\n').trim();
  let options: Record<string, unknown> | null = null;
  try {
    options = json ? (JSON.parse(json) as Record<string, unknown> | null) : null;
  } catch {
    throw new Error(`docker network inspect ${network}: options are not JSON: ${json}`);
  }
  const option = options?.[BRIDGE_NAME_OPTION];
  if (typeof option === 'string' && option !== '') return option;
  if (network === 'bridge') return 'docker0';
  if (!/^[0-9a-f]{12,}$/.test(id.trim()))
    throw new Error(`docker network inspect ${network}: "${id}" is not a network id`);
  return `br-${id.trim().slice(0, 12)}`;
}
