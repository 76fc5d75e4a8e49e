#!/usr/bin/env node
// Runs a TypeScript entry point: `node scripts/run.js <entry.ts> [args...]`.
// esbuild compiles the entry and the project files it imports into dist/ (tens of
// milliseconds; packages stay external), then the entry's exported `main(args)` runs.
// This is the cdktf app command, and what `npm run synth`, `build:lambda` and `bench` use.
"use strict";
const path = require("node:path");
const esbuild = require("esbuild");

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error("usage: node scripts/run.js <entry.ts> [args...]");
  process.exit(2);
}
const root = path.resolve(__dirname, "..");
const outfile = path.join(root, "dist", `${path.basename(entry, ".ts")}.js`);

esbuild.buildSync({
  entryPoints: [path.resolve(root, entry)],
  outfile,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  packages: "external",
  logLevel: "warning",
});

Promise.resolve()
  .then(() => require(outfile).main(args))
  .catch((error) => {
    // Configuration errors are for the user: the message says it all. Anything else is a bug: show where.
    console.error(error && error.name === "ConfigurationError" ? error.message : error);
    process.exitCode = 1;
  });
