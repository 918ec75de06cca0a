/**
 * A small XML well-formedness check for tests (no XML parser among the dependencies):
 * tags balance, attributes are quoted, `&` (in text and in attribute values) starts a
 * known entity, `<` only opens markup (a tag, a comment, a CDATA section, the XML
 * declaration), `]]>` only closes a CDATA section, every character is one XML 1.0 allows.
 */
const BARE_AMPERSAND = /&(?!(?:amp|lt|gt|quot|#\d+|#x[0-9a-fA-F]+);)/;

export function assertWellFormedXml(xml: string): void {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these controls are what XML 1.0 forbids
  const illegal = /[\0-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|\p{Cs}/u.exec(xml);
  if (illegal) throw new Error(`character U+${illegal[0].charCodeAt(0).toString(16)} at ${illegal.index}`);
  const stack: string[] = [];
  const token = new RegExp(
    [
      /^<\?xml [^?]*\?>/.source,
      /<!\[CDATA\[[\s\S]*?\]\]>/.source,
      /<!--[\s\S]*?-->/.source,
      /<\/([A-Za-z][\w:.-]*)\s*>/.source,
      /<([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>/.source,
      '<',
      /\]\]>/.source,
      BARE_AMPERSAND.source,
    ].join('|'),
    'g',
  );
  for (const m of xml.matchAll(token)) {
    const [all, close, open, attributes, selfClose] = m;
    const at = `at ${m.index}: ${xml.slice(m.index, m.index + 40)}`;
    if (all === '<') throw new Error(`stray "<" ${at}`);
    if (all === ']]>') throw new Error(`"]]>" outside a CDATA section ${at}`);
    if (all.startsWith('&') || (attributes && BARE_AMPERSAND.test(attributes)))
      throw new Error(`bare "&" ${at}`);
    if (close) {
      const top = stack.pop();
      if (top !== close) throw new Error(`</${close}> closes <${top}> at ${m.index}`);
    } else if (open && !selfClose) stack.push(open);
  }
  if (stack.length > 0) throw new Error(`unclosed elements: ${stack.join(' > ')}`);
}
