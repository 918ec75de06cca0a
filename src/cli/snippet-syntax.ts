/**
 * The snippet cucumber prints for an undefined step, importing from 'nettwin': a project
 * that imported Given/When/Then from '@cucumber/cucumber' instead would register its
 * steps on a second copy of cucumber, where `nettwin run` never looks. Loaded by
 * cucumber as `formatOptions.snippetSyntax` (a class built with the snippet interface).
 */

/** What cucumber's snippet builder hands a syntax (its ISnippetSyntaxBuildOptions). */
export interface SnippetBuildOptions {
  comment: string;
  functionName: string;
  generatedExpressions: readonly { source: string; parameterNames: readonly string[] }[];
  stepParameterNames: readonly string[];
}

type SnippetInterface = 'async-await' | 'callback' | 'promise' | 'synchronous';

const CALLBACK = 'callback';

/** A string literal in single quotes, as cucumber writes the expression. */
function quoted(source: string): string {
  return `'${source.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export default class NettwinSnippetSyntax {
  constructor(private readonly snippetInterface: SnippetInterface = 'async-await') {}

  build({ comment, functionName, generatedExpressions, stepParameterNames }: SnippetBuildOptions): string {
    const keyword = this.snippetInterface === 'async-await' ? 'async function' : 'function';
    const body =
      this.snippetInterface === 'callback'
        ? `${CALLBACK}(null, 'pending');`
        : this.snippetInterface === 'promise'
          ? "return Promise.resolve('pending');"
          : "return 'pending';";
    // The first expression is the suggestion; the others are commented-out alternatives.
    const heads = generatedExpressions.map((expression, index) => {
      const names = [...expression.parameterNames, ...stepParameterNames];
      if (this.snippetInterface === 'callback') names.push(CALLBACK);
      const prefix = index === 0 ? '' : '// ';
      return `${prefix}${functionName}(${quoted(expression.source)}, ${keyword} (${names.join(', ')}) {\n`;
    });
    return (
      `import { ${functionName} } from 'nettwin'; // in steps/*.ts: \`this\` is the scenario's NettwinWorld\n\n` +
      `${heads.join('')}  // ${comment}\n  ${body}\n});`
    );
  }
}
