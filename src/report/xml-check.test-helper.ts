/**
 * A small XML well-formedness check for tests (no XML parser among the dependencies):
 * tags balance, attributes are quoted, `&` starts a known entity, `<` only opens markup.
 */
export function assertWellFormedXml(xml: string): void {
  const stack: string[] = [];
  const token =
    /<!--[\s\S]*?-->|<\/([A-Za-z][\w:.-]*)\s*>|<([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>|<|&(?!(?:amp|lt|gt|quot|#\d+|#x[0-9a-fA-F]+);)/g;
  for (const m of xml.matchAll(token)) {
    const [all, close, open, , selfClose] = m;
    if (all === '<') throw new Error(`stray "<" at ${m.index}: ${xml.slice(m.index, m.index + 40)}`);
    if (all.startsWith('&')) throw new Error(`bare "&" at ${m.index}: ${xml.slice(m.index, m.index + 40)}`);
    if (close) {
      const top = stack.pop();
      if (top !== close) throw new Error(`</${close}> closes <${top}> at ${m.index}`);
    } else if (open && !selfClose) stack.push(open);
  }
  if (stack.length > 0) throw new Error(`unclosed elements: ${stack.join(' > ')}`);
}
