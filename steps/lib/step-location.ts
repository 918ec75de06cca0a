/**
 * Maps the pickle steps of a scenario back to the lines of the feature file they came
 * from. Cucumber hands hooks the gherkin document and the pickle; a pickle step only
 * carries the ids of its AST nodes, so we index the document's steps by id.
 */
import type { GherkinDocument, Pickle, PickleStep } from '@cucumber/messages';
import type { StepLocation } from './step-error.ts';

interface AstStep {
  id: string;
  keyword: string;
  text: string;
  location: { line: number };
}

interface AstChild {
  background?: { steps: readonly AstStep[] };
  scenario?: { steps: readonly AstStep[] };
  rule?: { children: readonly AstChild[] };
}

function collectSteps(children: readonly AstChild[], into: Map<string, AstStep>): void {
  for (const child of children) {
    for (const step of child.background?.steps ?? []) into.set(step.id, step);
    for (const step of child.scenario?.steps ?? []) into.set(step.id, step);
    if (child.rule) collectSteps(child.rule.children, into);
  }
}

/** Every step of the document by AST node id. */
export function indexDocumentSteps(document: GherkinDocument): Map<string, AstStep> {
  const steps = new Map<string, AstStep>();
  collectSteps((document.feature?.children ?? []) as readonly AstChild[], steps);
  return steps;
}

/** Where one pickle step is written; the step's own line, keyword and (expanded) text. */
export function locatePickleStep(
  document: GherkinDocument,
  pickle: Pickle,
  pickleStep: PickleStep,
  index: Map<string, AstStep> = indexDocumentSteps(document),
): StepLocation {
  const ast = pickleStep.astNodeIds.map((id) => index.get(id)).find((s) => s !== undefined);
  return {
    uri: pickle.uri,
    line: ast?.location.line ?? 0,
    text: `${ast?.keyword.trim() ?? ''} ${pickleStep.text}`.trim(),
  };
}
