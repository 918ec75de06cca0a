/**
 * Imported first by cucumber's parallel workers when nettwin runs compiled and the
 * user's support code is TypeScript: registers tsx's ESM hooks in that worker.
 */
import { register } from 'tsx/esm/api';

register();
