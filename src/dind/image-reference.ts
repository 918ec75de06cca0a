/**
 * A Docker image reference as the engine reads it (distribution/reference's grammar):
 * `[domain[:port]/]path[/path…][:tag][@digest]`. Checked before the name goes anywhere
 * (a `docker run` argument, a testcontainers image), so that a typo fails here, with the
 * variable that carried it, and not as a pull error half a minute later.
 */

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
// Path components are lowercase; separators are one period, one or two underscores, or dashes.
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[_.]|__|-+)[a-z0-9]+)*';
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';

const REFERENCE = new RegExp(
  `^(?<name>(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::(?<tag>${TAG}))?(?:@(?<digest>${DIGEST}))?$`,
);

/** Docker's limit on the name part (reference.NameTotalLengthMax). */
export const NAME_MAX_LENGTH = 255;

export interface ImageReference {
  /** `docker`, `registry.example:5000/team/dind`. */
  name: string;
  tag?: string;
  digest?: string;
}

/** The parts of `text`, or undefined when Docker would refuse it as an image reference. */
export function parseImageReference(text: string): ImageReference | undefined {
  const m = REFERENCE.exec(text);
  const name = m?.groups?.name;
  if (!m || !name || name.length > NAME_MAX_LENGTH) return undefined;
  const { tag, digest } = m.groups ?? {};
  return { name, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

export function isImageReference(text: string): boolean {
  return parseImageReference(text) !== undefined;
}
