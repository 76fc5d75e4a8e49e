/**
 * Two projects:
 *  - unit: synthesized Terraform, constructs, the rotation steps against a mocked
 *    Secrets Manager client, the application cache. No servers.
 *  - integration: the rotation function and the application library against real
 *    MariaDB and PostgreSQL servers that the global setup starts on 127.0.0.1.
 */
const transform = { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }] };

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
