#!/usr/bin/env node
// Runs the TypeScript CLI directly (tsx), so a checkout needs no build step.
// The container image runs the compiled dist/controller/cli.js instead.
import module from "node:module";

// V8's code cache (Node.js 22.1 and later), before tsx and the CLI load.
module.enableCompileCache?.();
const { register } = await import("tsx/esm/api");
register();
await import("../controller/cli.ts");
