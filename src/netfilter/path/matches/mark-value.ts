/** "value[/mask]" as the mark and connmark matches and the MARK target read it. */
export function parseMarkValue(text: string, context: string): { value: number; mask: number } {
  const m = /^(0x[0-9a-fA-F]+|\d+)(?:\/(0x[0-9a-fA-F]+|\d+))?$/.exec(text);
  if (!m) throw new Error(`${context}: "${text}" is not a mark (value[/mask], decimal or 0x hex)`);
  const value = Number(m[1]) >>> 0;
  const mask = m[2] === undefined ? 0xffffffff : Number(m[2]) >>> 0;
  return { value, mask };
}
