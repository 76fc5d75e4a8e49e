/**
 * Two projects:
 *  - unit: synthesized Terraform, constructs, review pages, the rotation function's
 *    handler, binding and checks and the application library against the Secrets
 *    Manager stand-in (in-process, on 127.0.0.1). No database servers.
 *  - integration: the rotation function and the application library against real
 *    MariaDB and PostgreSQL servers that the global setup starts on 127.0.0.1.
 * npm test runs them one after the other (package.json), the unit project with a worker
 * per core: maxWorkers is a setting of the whole run, not of a project.
 */
const transform = { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }] };

// The AWS SDK warns, once per module registry (so once per test file here), that its
// releases after January 2027 will need Node 22. In tests that is noise about the SDK, not
// about the code under test; the SDK's own switch turns off that one warning and nothing
// else. Workers inherit it. An explicit setting in the environment wins.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      displayName: "unit",
      testEnvironment: "node",
      transform,
      testMatch: ["<rootDir>/__tests__/**/*.test.ts"],
      testPathIgnorePatterns: ["/node_modules/", "<rootDir>/__tests__/integration/"],
      globalSetup: "<rootDir>/__tests__/support/build-rotation-bundle.ts",
      setupFilesAfterEnv: ["<rootDir>/__tests__/support/cdktf-matchers.ts"],
    },
    {
      displayName: "integration",
      testEnvironment: "node",
      transform,
      testMatch: ["<rootDir>/__tests__/integration/**/*.test.ts"],
      globalSetup: "<rootDir>/__tests__/support/global-setup.ts",
      globalTeardown: "<rootDir>/__tests__/support/global-teardown.ts",
    },
  ],
};
