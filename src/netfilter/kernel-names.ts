/**
 * The kernel's own forms for the words that reach commands on a real host: interface
 * names, sysctl keys and sysctl values. Snapshots, dumps and feature text are checked
 * against these before anything is built from them, so a value from someone else's
 * bug report is data with the shape the kernel gives it, never a shell word. Pure.
 */

/** IFNAMSIZ less the terminating NUL. */
export const IFNAMSIZ = 15;

/**
 * What `ip link` prints for an interface: letters, digits and `_ . : -`, at most 15
 * bytes. The kernel itself also refuses "." and ".." (dev_valid_name).
 */
const INTERFACE_NAME = /^[A-Za-z0-9_.:-]{1,15}$/;

export function isInterfaceName(text: string): boolean {
  return INTERFACE_NAME.test(text) && text !== '.' && text !== '..';
}

export const INTERFACE_NAME_FORM = `1-${IFNAMSIZ} letters, digits, "_", ".", ":" or "-"`;

/**
 * A networking sysctl as sysctl(8) names it: `net.` and dot-separated words
 * (`net.ipv4.conf.br-1a2b3c4d5e6f.route_localnet`). Only net.* keys are read or written
 * by nettwin: the rest of the kernel is not the twin's business.
 */
const SYSCTL_KEY = /^net(?:\.[A-Za-z0-9_:-]+)+$/;

export function isSysctlKey(text: string): boolean {
  return text.length <= 255 && SYSCTL_KEY.test(text);
}

export const SYSCTL_KEY_FORM = 'net. followed by dot-separated words of letters, digits, "_", ":" or "-"';

/**
 * A sysctl value as /proc/sys prints a networking one: an integer, or integers separated
 * by single spaces (`1`, `-1`, `32768 60999`, `4096 87380 6291456`).
 */
const SYSCTL_VALUE = /^-?\d{1,20}(?: -?\d{1,20}){0,7}$/;

export function isSysctlValue(text: string): boolean {
  return SYSCTL_VALUE.test(text);
}

export const SYSCTL_VALUE_FORM =
  'an integer or integers separated by single spaces (e.g. 1 or 4096 87380 6291456)';

export class KernelNameError extends Error {
  override name = 'KernelNameError';
}

/** A word of input for an error message: JSON-quoted (control characters escaped), cut to 80 characters. */
export function shown(text: string): string {
  const quoted = JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
  return text.length > 80 ? `${quoted} (${text.length} characters)` : quoted;
}

/** `key=value` for `sysctl -w`, or KernelNameError saying which half is wrong and what it must be. */
export function sysctlSetting(key: string, value: string): string {
  if (!isSysctlKey(key)) {
    throw new KernelNameError(`sysctl key ${shown(key)} is not ${SYSCTL_KEY_FORM}`);
  }
  if (!isSysctlValue(value)) {
    throw new KernelNameError(`sysctl value ${shown(value)} for ${key} is not ${SYSCTL_VALUE_FORM}`);
  }
  return `${key}=${value}`;
}
