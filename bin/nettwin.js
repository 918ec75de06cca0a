#!/usr/bin/env node
// The `nettwin` command. Installed, it runs the compiled JavaScript in dist/ (built by
// `npm run build`, which `npm pack` runs): no TypeScript loader at run time. In a
// checkout without dist/ it runs the TypeScript sources through tsx (a devDependency
// there; `npm run nettwin` does the same).
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/src/cli/main.js', import.meta.url);
let main;
if (existsSync(compiled)) {
  ({ main } = await import(compiled.href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
await main();
