// Loaded first by cucumber (see cucumber.js `import`): registers tsx's ESM hooks so the
// TypeScript step files that follow can be imported on Node 20 without NODE_OPTIONS.
import { register } from 'tsx/esm/api';

register();
