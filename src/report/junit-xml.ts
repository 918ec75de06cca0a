/**
 * The XML of reports/junit.xml: a document of elements with attributes and, at most, one
 * CDATA section each, printed the way cucumber's JUnit plugin prints it (xmlbuilder,
 * `pretty`): two spaces a level, an element without content closed as `<name/>`, a
 * CDATA-only element on one line, no newline after the last tag.
 *
 * Where that plugin's output is not XML, this file's is (junit-report.test.ts shows both):
 * - a CDATA section holding `]]>` twice: every `]]>` is split, not only the first;
 * - a lone low surrogate: it alone is dropped (the plugin dropped the character before it
 *   too, and with it the `;` of an entity).
 */

/** An element of the report: attributes in order, then child elements or one CDATA section. */
export interface XmlElement {
  name: string;
  attributes: readonly (readonly [string, string | number])[];
  children?: readonly XmlElement[];
  cdata?: string;
}

/**
 * Characters XML 1.0 does not allow (https://www.w3.org/TR/xml/#charsets): the C0 controls
 * but tab, newline and carriage return; U+FFFE and U+FFFF; surrogates without their pair
 * (with the `u` flag a pair is one code point, so only a lone half matches \p{Cs}).
 * They are dropped, as the plugin's `invalidCharReplacement: ''` drops them.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these controls are what XML 1.0 forbids
const NOT_XML_1_0 = /[\0-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|\p{Cs}/gu;

function legal(text: string): string {
  return text.replace(NOT_XML_1_0, '');
}

/** An attribute value: `&`, `<`, `"` and the three whitespace controls as references. */
function attributeValue(value: string | number): string {
  return legal(String(value))
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#x9;')
    .replace(/\n/g, '&#xA;')
    .replace(/\r/g, '&#xD;');
}

/** CDATA cannot hold `]]>`: each is closed after `]]` and the `>` opens the next section. */
function cdataText(text: string): string {
  return legal(text).replaceAll(']]>', ']]]]><![CDATA[>');
}

function printElement(element: XmlElement, level: number, out: string[]): void {
  const indent = '  '.repeat(level);
  let open = `${indent}<${element.name}`;
  for (const [name, value] of element.attributes) open += ` ${name}="${attributeValue(value)}"`;
  const children = element.children ?? [];
  const cdata = element.cdata === undefined ? '' : cdataText(element.cdata);
  if (children.length > 0) {
    out.push(`${open}>\n`);
    for (const child of children) printElement(child, level + 1, out);
    out.push(`${indent}</${element.name}>\n`);
  } else if (cdata !== '') {
    out.push(`${open}><![CDATA[${cdata}]]></${element.name}>\n`);
  } else {
    // An empty section is no content: the plugin closes such an element as `<name/>` too.
    out.push(`${open}/>\n`);
  }
}

/** The document: the XML declaration, then `root`. */
export function xmlDocument(root: XmlElement): string {
  const out = ['<?xml version="1.0"?>\n'];
  printElement(root, 0, out);
  return out.join('').slice(0, -1);
}
