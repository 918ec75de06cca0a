/** The error of the rule-spec parser: what iptables would refuse, and where. */
export type RuleSpecErrorKind =
  | 'unknown-option'
  | 'unknown-match'
  | 'unknown-target'
  | 'missing-argument'
  | 'bad-value'
  | 'duplicate'
  | 'bad-invert';

/** A rule spec that iptables would refuse; `token` and `index` point at the culprit. */
export class RuleSpecError extends Error {
  constructor(
    readonly kind: RuleSpecErrorKind,
    message: string,
    readonly token: string,
    readonly index: number,
  ) {
    super(message);
    this.name = 'RuleSpecError';
  }
}
