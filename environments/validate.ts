import {
  ValidationError,
  checkDistinctList,
  checkOneOf,
  checkPattern,
} from "../constructs/validation";
import type { EnvironmentConfig } from "./types";

/**
 * Rules that concern a whole environment rather than one construct: its name and
 * region, the production tier's hardening, names that must be unique across the
 * environment, and fields that must agree with each other. Field-level rules live in
 * the constructs; the stack prefixes their errors in the same way.
 */
export function validateEnvironment(env: EnvironmentConfig): void {
  try {
    checkEnvironment(env);
  } catch (error) {
    throw forEnvironment(env.name, error);
  }
}

/** Every environment is valid and no two share a name. */
export function validateEnvironments(envs: readonly EnvironmentConfig[]): void {
  if (envs.length === 0) {
    throw new ConfigurationError("no environments: export at least one EnvironmentConfig from environments/index.ts");
  }
  const seen = new Set<string>();
  for (const env of envs) {
    if (seen.has(env.name)) {
      throw new ConfigurationError(
        `environment "${env.name}": name is used by another environment; allowed: a name no other environment in environments/index.ts uses`,
      );
    }
    seen.add(env.name);
    validateEnvironment(env);
  }
}

/** Invalid configuration: the message names the environment, the field and the allowed values. */
export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigurationError";
  }
}

/** Prefixes a `ValidationError` with the environment's name; other errors pass unchanged. */
export function forEnvironment(name: string, error: unknown): unknown {
  return error instanceof ValidationError ? new ConfigurationError(`environment "${name}": ${error.message}`) : error;
}

const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;

function checkEnvironment(env: EnvironmentConfig): void {
  checkPattern("name", env.name, /^[a-z][a-z0-9-]{0,19}$/, "1–20 lower-case letters, digits or '-', starting with a letter");
  checkOneOf("tier", env.tier, ["development", "production"] as const);
  checkPattern("region", env.region, REGION, "an AWS region name such as us-east-1");

  if (env.network.kind === "new") {
    env.network.availabilityZones.forEach((zone, i) =>
      checkPattern(
        `network.availabilityZones[${i}]`,
        zone,
        new RegExp(`^${env.region}[a-z]$`),
        `a zone of region ${env.region}, such as ${env.region}a`,
      ),
    );
  }

  const secretNames = [
    ...(env.keyValueSecrets ?? []).map((s) => s.secretName),
    ...env.databaseUsers.map((u) => u.secretName),
  ];
  const duplicateName = secretNames.find((n, i) => secretNames.indexOf(n) !== i);
  if (duplicateName !== undefined) {
    throw new ValidationError("secrets", `name ${JSON.stringify(duplicateName)} is used twice; allowed: one secret per name`);
  }
  checkDistinctList("databaseUsers.username", env.databaseUsers.map((u) => u.username), 0);

  if (env.backend?.kind === "cloud") {
    resolveCloudBackend(env);
  }
  if (env.tier === "production") {
    checkProductionHardening(env);
  }
}

/** The production tier refuses the shortcuts that the development tier takes to save cost. */
function checkProductionHardening(env: EnvironmentConfig): void {
  const demand = (field: string, ok: boolean, allowed: string): void => {
    if (!ok) throw new ValidationError(field, `is not allowed in the production tier; allowed: ${allowed}`);
  };
  demand("database.deletionProtection", env.database.deletionProtection, "true");
  demand("database.multiAz", env.database.multiAz, "true");
  demand("database.finalSnapshot", env.database.finalSnapshot, "true");
  demand("database.backupRetentionDays", env.database.backupRetentionDays >= 7, "7 to 35");
  demand("encryption.kind", env.encryption.kind !== "aws-managed", `"customer-managed" or "existing"`);
  (env.keyValueSecrets ?? []).forEach((s, i) =>
    demand(`keyValueSecrets[${i}].recoveryWindowDays`, s.recoveryWindowDays >= 7, "7 to 30"),
  );
  env.databaseUsers.forEach((u, i) =>
    demand(`databaseUsers[${i}].recoveryWindowDays`, u.recoveryWindowDays >= 7, "7 to 30"),
  );
}

/** Organization and workspace of a Terraform Cloud backend, from the config or the environment. */
export function resolveCloudBackend(
  env: EnvironmentConfig,
  vars: NodeJS.ProcessEnv = process.env,
): { organization: string; workspace: string; hostname?: string } {
  if (env.backend?.kind !== "cloud") {
    throw new Error(`environment "${env.name}" does not use the cloud backend`);
  }
  const workspaceVar = `TFC_WORKSPACE_${env.name.toUpperCase().replace(/-/g, "_")}`;
  const organization = env.backend.organization ?? vars.TFC_ORGANIZATION;
  const workspace = env.backend.workspace ?? vars[workspaceVar];
  if (!organization) {
    throw new ValidationError("backend.organization", "is not set; allowed: a Terraform Cloud organization name, in the config or TFC_ORGANIZATION");
  }
  if (!workspace) {
    throw new ValidationError("backend.workspace", `is not set; allowed: a workspace name, in the config or ${workspaceVar}`);
  }
  return { organization, workspace, ...(env.backend.hostname ? { hostname: env.backend.hostname } : {}) };
}
