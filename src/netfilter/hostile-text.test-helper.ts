/**
 * Text a shell would act on, for the property tests of every validator whose input can
 * come from someone else (snapshots, step values, interface names): metacharacters,
 * quotes, whitespace, expansions, plain and binary strings, and the attacks the issue
 * named. One arbitrary for all of them, so each validator meets the same input.
 */
import fc from 'fast-check';

export const hostileText = fc.oneof(
  fc.string({ maxLength: 24 }),
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc
    .array(
      fc.constantFrom(
        ';',
        '|',
        '&',
        '$',
        '(',
        ')',
        '`',
        '"',
        "'",
        ' ',
        '\t',
        '\n',
        '>',
        '<',
        '*',
        '\\',
        '.',
        '-',
        'a',
        '1',
      ),
      { minLength: 1, maxLength: 20 },
    )
    .map((cs) => cs.join('')),
  fc.constantFrom('lo;id>&2', '1; touch /tmp/x', '0 $(id)', 'eth0`id`', "a'b", '1\n2', '-rf'),
);
