#!/usr/bin/env node
// Runs the TypeScript CLI directly (tsx), so a checkout needs no build step.
// The container image runs the compiled dist/controller/cli.js instead.
import { register } from "tsx/esm/api";

register();
await import("../controller/cli.ts");
