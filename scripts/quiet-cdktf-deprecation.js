"use strict";
// cdktf 0.21 (final; upstream is archived) calls `util.isArray`, which Node.js 22 and
// later deprecate at run time (DEP0044): every synth on the Lambda runtimes' Node.js
// versions would print a warning about cdktf's code that no user can act on. Only that
// deprecation code is dropped; every other warning passes through unchanged.
const emitWarning = process.emitWarning;
process.emitWarning = function emitWarningExceptCdktfIsArray(warning, ...rest) {
  const code = typeof rest[0] === "object" && rest[0] !== null ? rest[0].code : rest[1];
  if (code === "DEP0044") return;
  return emitWarning.call(process, warning, ...rest);
};
