import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { TerraformStack } from "cdktf";
import { RotationFunction, type RotationFunctionProps } from "../../constructs/rotation-function";
import type { RotationBundle } from "../../constructs/rotation-bundle";

/** A tiny function in a temporary directory, standing in for the rotation function's bundle. */
export interface TestBundle extends RotationBundle {
  /** Deletes the temporary directory, with the deployment packages made from the bundle. */
  remove(): void;
}

export const TEST_BUNDLE_CODE = "exports.handler = async () => {};\n";

export function writeTestBundle(): TestBundle {
  const dir = mkdtempSync(path.join(tmpdir(), "rotation-bundle-"));
  const codePath = path.join(dir, "index.js");
  writeFileSync(codePath, TEST_BUNDLE_CODE);
  return { codePath, packagesDir: path.join(dir, "packages"), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export const VPC_ID = "vpc-0a1b2c3d";
export const SUBNET_IDS = ["subnet-0a1b2c3d", "subnet-1a2b3c4d"];
export const DATABASE_SG = "sg-0d0d0d0d";
export const ENDPOINT_SG = "sg-0e0e0e0e";
export const KEY_ARN = "arn:aws:kms:eu-west-1:111122223333:key/11111111-2222-3333-4444-555555555555";

/** Props of a valid rotation function, to override one field at a time. */
export function rotationFunctionProps(
  bundle: RotationBundle,
  overrides: Partial<RotationFunctionProps> = {},
): RotationFunctionProps {
  return {
    functionName: "dev-rotate-alternating",
    strategy: "alternating-users",
    bundle: { codePath: bundle.codePath, packagesDir: bundle.packagesDir },
    logRetentionDays: 14,
    vpcId: VPC_ID,
    subnetIds: SUBNET_IDS,
    databaseSecurityGroupId: DATABASE_SG,
    databasePort: 3306,
    ...overrides,
  };
}

export function rotationFunction(
  stack: TerraformStack,
  bundle: RotationBundle,
  overrides: Partial<RotationFunctionProps> = {},
): RotationFunction {
  return new RotationFunction(stack, "RotationFunction", rotationFunctionProps(bundle, overrides));
}

/** Every object key anywhere in a JSON value, lower-cased. */
export function allKeys(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(allKeys);
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => [k.toLowerCase(), ...allKeys(v)]);
  }
  return [];
}
