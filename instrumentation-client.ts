// Runs in the browser before any of the app's own modules. Zod compiles object parsers with
// `new Function` when it may; under the pages' CSP (no 'unsafe-eval', lib/security-headers.ts) its probe
// for that is blocked and reported as a violation, so the browser's zod never tries.
import { z } from "zod";

z.config({ jitless: true });
