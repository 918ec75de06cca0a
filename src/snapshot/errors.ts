/**
 * A snapshot file that cannot be used: names the file and the field (a path such as
 * `containers[2].endpoints[0].address`) and says what was expected.
 */
export class SnapshotError extends Error {
  override name = 'SnapshotError';
  readonly file: string;
  readonly field: string;
  readonly detail: string;

  constructor(file: string, field: string, detail: string) {
    super(`snapshot ${file}: field ${field}: ${detail}`);
    this.file = file;
    this.field = field;
    this.detail = detail;
  }
}

/** Something went wrong while taking a snapshot on a live host (a command failed or is missing). */
export class SnapshotCollectError extends Error {
  override name = 'SnapshotCollectError';
}
