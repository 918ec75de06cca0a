/**
 * A step failed because of what the scenario says (an unknown container, a malformed
 * address, an assertion that did not hold). The message names the step text and where
 * it is written, so the reader can go straight to the line.
 */
export interface StepLocation {
  /** Feature file, relative to the working directory. */
  uri: string;
  line: number;
  /** Keyword and text as written, e.g. `When "test1" pings "test3"`. */
  text: string;
}

export class StepError extends Error {
  override name = 'StepError';
  readonly location: StepLocation | undefined;
  readonly detail: string;

  constructor(detail: string, location?: StepLocation, options?: { cause?: unknown }) {
    super(StepError.format(detail, location), options);
    this.detail = detail;
    this.location = location;
  }

  static format(detail: string, location?: StepLocation): string {
    if (!location) return detail;
    return `${detail}\n  in step "${location.text}" (${location.uri}:${location.line})`;
  }
}
