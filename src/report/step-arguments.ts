/**
 * Step text in the HTML report, exactly as written.
 *
 * Cucumber reports each top-level capture group of a step definition as a step-match
 * argument `{ group: { start, value } }`. A group inside an optional part that was left
 * out (`a Docker host(?: running Docker (\d+\.\d+))?`) has no start and no value, and a
 * group that matched nothing (`sends "([^"]*)"` with `""`) has an empty value. Both are
 * legal, but the HTML formatter (@cucumber/html-formatter 23, its step-text component)
 * rebuilds the text from the arguments assuming every group took part: the text before
 * such a group is printed, its position is not advanced, and `slice(i, undefined)`
 * prints the rest of the sentence — `a Docker hosta Docker hosta Docker host`.
 *
 * The report therefore gets only the arguments that took part and matched something:
 * they are all the formatter needs to print and highlight the values. The step
 * definitions keep their optional parts (one sentence reads the way people write it), a
 * project's own regexp steps are covered too, and messages.ndjson keeps every argument.
 */
import type { Envelope, StepMatchArgument, StepMatchArgumentsList } from '@cucumber/messages';

/** An argument the formatter can print: it took part in the match and matched text. */
export function printable(argument: StepMatchArgument): boolean {
  const { start, value } = argument.group;
  return start !== undefined && value !== undefined && value !== '';
}

/** The envelope as the HTML report should see it: test steps carry printable arguments only. */
export function forHtmlReport(envelope: Envelope): Envelope {
  const testCase = envelope.testCase;
  if (!testCase) return envelope;
  const needsCleaning = testCase.testSteps.some((step) =>
    step.stepMatchArgumentsLists?.some((list) => !list.stepMatchArguments.every(printable)),
  );
  if (!needsCleaning) return envelope;
  return {
    ...envelope,
    testCase: {
      ...testCase,
      testSteps: testCase.testSteps.map((step) =>
        step.stepMatchArgumentsLists
          ? {
              ...step,
              stepMatchArgumentsLists: step.stepMatchArgumentsLists.map((list) => ({
                stepMatchArguments: list.stepMatchArguments.filter(printable),
              })),
            }
          : step,
      ),
    },
  };
}

export interface StepTextPart {
  value: string;
  /** Set for a highlighted parameter. */
  parameterTypeName?: string;
}

/**
 * The parts the HTML formatter prints for a step, written as its step-text component
 * does it (dist/main.js of @cucumber/html-formatter 23.1.0): lets a test tell whether the
 * arguments of a definition print the step's text exactly. The browser test checks the
 * real formatter on a real report.
 */
export function formatterStepText(text: string, lists: readonly StepMatchArgumentsList[]): StepTextPart[] {
  const [list] = lists;
  if (lists.length !== 1 || !list) return [{ value: text }];
  const parts: StepTextPart[] = [];
  let offset = 0;
  let before = '';
  for (const argument of list.stepMatchArguments) {
    before = text.slice(offset, argument.group.start);
    if (before.length > 0) parts.push({ value: before });
    const value = argument.group.value;
    if (value) {
      parts.push({ value, parameterTypeName: argument.parameterTypeName || 'anonymous' });
      offset += before.length + value.length;
    }
  }
  before = text.slice(offset);
  if (before.length > 0) parts.push({ value: before });
  return parts;
}
