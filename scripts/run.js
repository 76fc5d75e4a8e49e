#!/usr/bin/env node
// Runs a TypeScript entry point: `node scripts/run.js <entry.ts> [args...]`.
// esbuild compiles the entry and the project files it imports into dist/ (packages stay
// external), then the entry's exported `main(args)` runs. The compiled file is reused
// while the content of every input esbuild read is unchanged, which keeps esbuild out
// of a repeated synth. This is the cdktf app command, and what `npm run synth`,
// `build:lambda` and `bench` use.
"use strict";
require("./quiet-cdktf-deprecation");
const { createHash } = require("node:crypto");
const { existsSync, readFileSync, writeFileSync } = require("node:fs");
const path = require("node:path");

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error("usage: node scripts/run.js <entry.ts> [args...]");
  process.exit(2);
}
const root = path.resolve(__dirname, "..");
const outfile = path.join(root, "dist", `${path.basename(entry, ".ts")}.js`);
const inputsFile = `${outfile}.inputs.json`;

/** Content digest of each input file, by path relative to the project root. */
function digests(files) {
  return Object.fromEntries(
    files.map((file) => [file, createHash("sha256").update(readFileSync(path.join(root, file))).digest("hex")]),
  );
}

function upToDate() {
  if (!existsSync(outfile) || !existsSync(inputsFile)) return false;
  try {
    const recorded = JSON.parse(readFileSync(inputsFile, "utf8"));
    const current = digests(Object.keys(recorded));
    return Object.keys(recorded).every((file) => recorded[file] === current[file]);
  } catch {
    return false; // an input was deleted or the record is damaged: rebuild
  }
}

if (!upToDate()) {
  const result = require("esbuild").buildSync({
    absWorkingDir: root,
    entryPoints: [path.relative(root, path.resolve(entry))],
    outfile,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    packages: "external",
    metafile: true,
    logLevel: "warning",
  });
  writeFileSync(inputsFile, JSON.stringify(digests(Object.keys(result.metafile.inputs)), null, 2));
}

Promise.resolve()
  .then(() => require(outfile).main(args))
  .catch((error) => {
    // Configuration errors are for the user: the message says it all. Anything else is a bug: show where.
    console.error(error && error.name === "ConfigurationError" ? error.message : error);
    process.exitCode = 1;
  });
