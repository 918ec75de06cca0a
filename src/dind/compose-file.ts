/**
 * A file put into a DinD host through the engine's archive API (`docker cp`'s PUT
 * /containers/ID/archive): no shell and no command line carries its name or text. The
 * archive is one ustar entry, made here (POSIX.1-1988: a 512-byte header, the content
 * padded to 512 bytes, two zero blocks).
 */
import { dockerClient } from './docker-client.ts';

const BLOCK = 512;

/** A tar archive holding one regular file `name` (mode 0644) with `content`. */
export function ustarOneFile(name: string, content: Buffer, mtimeSeconds = 0): Buffer {
  if (!/^[A-Za-z0-9._-]{1,99}$/.test(name))
    throw new Error(`not a plain file name for a tar entry: "${name}"`);
  const header = Buffer.alloc(BLOCK, 0);
  const field = (offset: number, length: number, text: string): void => {
    header.write(text, offset, length, 'ascii');
  };
  const octal = (value: number, length: number): string => `${value.toString(8).padStart(length - 1, '0')}\0`;
  field(0, 100, name);
  field(100, 8, octal(0o644, 8));
  field(108, 8, octal(0, 8));
  field(116, 8, octal(0, 8));
  field(124, 12, octal(content.length, 12));
  field(136, 12, octal(mtimeSeconds, 12));
  field(148, 8, '        '); // the checksum counts its own field as spaces
  field(156, 1, '0');
  field(257, 6, 'ustar\0');
  field(263, 2, '00');
  let sum = 0;
  for (const byte of header) sum += byte;
  field(148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  const padding = (BLOCK - (content.length % BLOCK)) % BLOCK;
  return Buffer.concat([header, content, Buffer.alloc(padding + 2 * BLOCK, 0)]);
}

/** Write `text` to `directory/name` in the container `containerId` (the directory must exist). */
export async function putFile(
  containerId: string,
  directory: string,
  name: string,
  text: string,
): Promise<void> {
  const archive = ustarOneFile(name, Buffer.from(text, 'utf8'), Math.floor(Date.now() / 1000));
  await dockerClient().getContainer(containerId).putArchive(archive, { path: directory });
}
