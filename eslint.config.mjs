import tseslint from "typescript-eslint";

// The package root re-exports every AWS resource: importing it costs seconds per process.
const providerBarrel = {
  name: "@cdktf/provider-aws",
  message: "Import the resource module instead: @cdktf/provider-aws/lib/<resource>.",
};

/**
 * The layers, each with the project folders it must not import. Imports point one way:
 * main.ts → stacks/ → environments/ → constructs/ → shared/; the deployed function
 * (lambda/) and the application library (client/) stand beside the infrastructure and
 * beside each other, and share only shared/. review/ (the review page, the security
 * catalogue, the HCL layout) reads what the synth wrote: main.ts calls it, and it builds
 * nothing, so it stands beside the infrastructure too. The infrastructure package's entry
 * (packages/) stands with main.ts, above the infrastructure and review/; it ships the
 * rotation function prebuilt, so it imports neither lambda/ nor client/ nor the tools.
 * scripts/ and __tests__/ are tools above all.
 */
const LAYERS = {
  shared: ["lambda", "client", "constructs", "environments", "stacks", "review", "scripts", "main"],
  lambda: ["client", "constructs", "environments", "stacks", "review", "scripts", "main"],
  client: ["lambda", "constructs", "environments", "stacks", "review", "scripts", "main"],
  constructs: ["lambda", "client", "environments", "stacks", "review", "scripts", "main"],
  environments: ["lambda", "client", "stacks", "review", "scripts", "main"],
  stacks: ["lambda", "client", "review", "scripts", "main"],
  review: ["lambda", "client", "constructs", "environments", "stacks", "scripts", "main"],
  packages: ["lambda", "client", "scripts", "main"],
};

const layerRules = Object.entries(LAYERS).map(([layer, forbidden]) => ({
  files: [`${layer}/**/*.ts`],
  rules: {
    "no-restricted-imports": [
      "error",
      {
        paths: [providerBarrel],
        patterns: [
          {
            regex: `^(\\.\\./)+(${forbidden.join("|")})(/|\\.ts$|$)`,
            message: `${layer}/ must not import ${forbidden.map((f) => (f === "main" ? "main.ts" : `${f}/`)).join(", ")}: layers point one way (see eslint.config.mjs).`,
          },
        ],
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ["node_modules/", "cdktf.out/", "dist/", "coverage/", "**/*.js", "**/*.mjs"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "no-restricted-imports": ["error", { paths: [providerBarrel] }],
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
      ],
    },
  },
  ...layerRules,
);
