import * as v from "valibot";
import { awsIdentifier, iamRoleName, region, regionOfArn } from "../constructs/aws-formats";
import { DatabasePropsSchema } from "../constructs/database";
import { DatabaseCredentialSecretPropsSchema } from "../constructs/database-credential-secret";
import { applicationUsernameProblem } from "../constructs/database-engines";
import { AwsManagedKeySchema, CustomerManagedKeySchema, ExistingKeySchema } from "../constructs/encryption-key";
import { KeyValueSecretPropsSchema } from "../constructs/key-value-secret";
import { ExistingNetworkPropsSchema, NewNetworkPropsSchema } from "../constructs/network";
import { exampleZoneId, zoneIdPrefix, zoneIdRegionPrefix } from "../constructs/network-zones";
import { RotationAlertsPropsSchema } from "../constructs/rotation-alerts";
import { RotationFunctionPropsSchema } from "../constructs/rotation-function";
import { recoveryWindowDays } from "../constructs/secret-base";
import { SecretNamePatterns } from "../constructs/secret-name-patterns";
import { overreach, reachedSecretProblem } from "../constructs/stack-secrets";
import { anyString, list, mapOf, oneOf, text, variantOf } from "../constructs/field-schemas";
import { adapt, allBut, settings } from "../constructs/settings-schema";
import { allowed, show } from "../constructs/validation";
import { boundUsernames } from "../shared/rotation-binding";
import { ROTATION_STRATEGIES } from "../shared/secret-contract";
import { accountId, accountOfRole, roleArn } from "./accounts";
import { BackendSchema, cloudWorkspace } from "./backend";
import { PRODUCTION_TIER_RULES } from "./production-tier";
import { rotationFunctionName } from "./rotation-functions";

/** What every secret of an environment states besides its construct's props. */
const ENVIRONMENT_SECRET_ENTRIES = {
  /**
   * Days Secrets Manager keeps the deleted secret recoverable: 0 (delete at once) or 7–30.
   * Stated in every environment rather than left to the construct's default.
   */
  recoveryWindowDays: recoveryWindowDays(),
  /**
   * IAM role names of this account's applications that may read the secret: the secret's
   * read policy (GetSecretValue and DescribeSecret on this secret, the key only through
   * Secrets Manager) is attached to each.
   * @default []
   */
  readerRoleNames: v.optional(list(iamRoleName(), "IAM role names"), []),
};

/** Every secret of an environment, with the path of its entry. */
function secretsOf(env: {
  readonly keyValueSecrets: readonly { readonly secretName: string }[];
  readonly databaseUsers: readonly { readonly secretName: string }[];
}): { readonly path: readonly [string, number]; readonly name: string }[] {
  return [
    ...env.keyValueSecrets.map((secret, i) => ({ path: ["keyValueSecrets", i] as const, name: secret.secretName })),
    ...env.databaseUsers.map((user, i) => ({ path: ["databaseUsers", i] as const, name: user.secretName })),
  ];
}

/** A new customer-managed key, named after the environment (`alias/<env>-secrets`). */
const EnvironmentCustomerManagedKeySchema = adapt(CustomerManagedKeySchema, {
  pick: allBut(CustomerManagedKeySchema, ["aliasName", "description"]),
});
/** A new VPC, its resources named after the environment, its flow logs encrypted with the environment's key. */
const EnvironmentNewNetworkSchema = adapt(NewNetworkPropsSchema, {
  pick: allBut(NewNetworkPropsSchema, ["namePrefix", "flowLogKmsKeyArn"]),
});
/** An existing VPC, the endpoint's resources named after the environment. */
const EnvironmentExistingNetworkSchema = adapt(ExistingNetworkPropsSchema, {
  pick: allBut(ExistingNetworkPropsSchema, ["namePrefix"]),
});

/**
 * One deployment environment: the settings of the constructs it is built from, less what
 * the stack wires between them (VPC and subnet IDs, key ARNs, the bundle, names derived
 * from the environment's), and the rules that concern the whole environment. Each field
 * is documented where it is declared: here for the environment's own, in the construct's
 * props schema for the others.
 */
export const EnvironmentSchema = settings(
  {
    /** Stack name and the prefix of every resource name: lower-case letters, digits and `-`, starting with a letter. */
    name: text(/^[a-z][a-z0-9-]{0,19}$/, "1–20 lower-case letters, digits or '-', starting with a letter"),
    /**
     * `production` turns on the hardening rules: deletion protection, multi-AZ, a
     * customer-managed or existing KMS key, a final snapshot, backups and recovery windows
     * of at least 7 days, pinned accounts and state in Terraform Cloud.
     */
    tier: oneOf(["development", "production"]),
    /** AWS region, e.g. `eu-west-1`. */
    region: region(),
    /** Tags applied to every resource through the provider's `default_tags`. */
    tags: v.optional(mapOf(anyString(), "an object of tag names and values")),
    /**
     * The AWS accounts this environment may be applied to (the provider's
     * `allowed_account_ids`): Terraform stops before any change when its credentials are of
     * another account. Required by the production tier. Environments pinned to accounts
     * apart may use the same names; others must not (see `validatePhysicalNames`).
     * @default any account the credentials belong to
     */
    allowedAccountIds: v.optional(list(accountId(), "12-digit AWS account IDs, as strings", { min: 1 })),
    /**
     * A role Terraform assumes to deploy (the provider's `assume_role`, session name
     * `cdktf-<env>`), e.g. a deployment role in the environment's own account, so that one
     * set of credentials (a Terraform Cloud organization's) deploys each environment into
     * its account. A role of one of `allowedAccountIds`, when both are given.
     * @default none: the credentials' own identity deploys
     */
    assumeRoleArn: v.optional(roleArn()),
    /**
     * Where Terraform keeps state: a local file, or Terraform Cloud, which the production
     * tier requires unless the local backend says `acceptLocalStateInProduction: true`.
     * @default { kind: "local" }
     */
    backend: v.optional(BackendSchema, { kind: "local" }),
    /**
     * The KMS key that encrypts the secrets, the database and the logs: the AWS-managed
     * `aws/secretsmanager` key (`aws-managed`), a new customer-managed key with rotation
     * (`customer-managed`, alias `alias/<env>-secrets`), or an `existing` key ARN.
     */
    encryption: variantOf("kind", [AwsManagedKeySchema, EnvironmentCustomerManagedKeySchema, ExistingKeySchema]),
    /**
     * A new VPC (`new`) or an existing one (`existing`), and how the rotation function
     * reaches Secrets Manager. Resource names take the environment's name as prefix, and
     * flow logs use the environment's key.
     */
    network: variantOf("kind", [EnvironmentNewNetworkSchema, EnvironmentExistingNetworkSchema]),
    /** The RDS instance or Aurora cluster; the network and the key come from the environment. */
    database: adapt(DatabasePropsSchema, {
      pick: allBut(DatabasePropsSchema, ["vpcId", "subnetIds", "kmsKeyArn"]),
      add: {
        /** Security groups of applications that may connect to the database port. @default [] */
        applicationSecurityGroupIds: v.optional(list(awsIdentifier("security-group-id"), "security group IDs"), []),
      },
    }),
    /** Key/value ("other type") secrets whose value is set outside Terraform. @default [] */
    keyValueSecrets: v.optional(
      v.array(
        adapt(KeyValueSecretPropsSchema, {
          pick: allBut(KeyValueSecretPropsSchema, ["kmsKeyArn", "recoveryWindowDays"]),
          add: ENVIRONMENT_SECRET_ENTRIES,
        }),
        allowed("a list of key/value secrets"),
      ),
      [],
    ),
    /**
     * Application users of the database, each with its credential secret, created and
     * rotated by the rotation function of its strategy; the connection comes from the database.
     */
    databaseUsers: v.array(
      adapt(DatabaseCredentialSecretPropsSchema, {
        // The connection and the function come from the database and the strategy.
        pick: allBut(DatabaseCredentialSecretPropsSchema, [
          "engine",
          "host",
          "port",
          "databaseName",
          "databaseIdentifier",
          "masterSecretArn",
          "masterUsername",
          "rotationFunction",
          "rotationDependsOn",
          "kmsKeyArn",
          "recoveryWindowDays",
        ]),
        add: {
          ...ENVIRONMENT_SECRET_ENTRIES,
          /** Rotation strategy; one function is deployed per strategy in use. */
          strategy: oneOf(ROTATION_STRATEGIES),
        },
      }),
      allowed("a list of database users"),
    ),
    /** Settings shared by the environment's rotation functions. */
    rotationFunction: adapt(RotationFunctionPropsSchema, {
      pick: allBut(RotationFunctionPropsSchema, [
        "functionName",
        "strategy",
        "bundle",
        "kmsKeyArn",
        "vpcId",
        "subnetIds",
        "databaseSecurityGroupId",
        "databasePort",
        "secretsManagerEndpointSecurityGroupId",
      ]),
    }),
    /** Who hears about failed rotations. @default {} */
    alerts: v.optional(
      adapt(RotationAlertsPropsSchema, {
        pick: allBut(RotationAlertsPropsSchema, ["namePrefix", "rotationFunctionNames", "kmsKeyArn"]),
      }),
      {},
    ),
  },
  [
    {
      // A zone ID's prefix follows from its region's name (us-east-1: use1-az<N>).
      fields: ["region", "network.availabilityZoneIds.*"],
      check: ({ region, network }, report) => {
        if (network.kind !== "new") return;
        network.availabilityZoneIds.forEach((zone, i) => {
          if (zoneIdRegionPrefix(zone) !== zoneIdPrefix(region)) {
            report(
              ["network", "availabilityZoneIds", i],
              `is ${show(zone)}; allowed: a zone ID of region ${region}, such as ${exampleZoneId(region)}`,
            );
          }
        });
      },
    },
    {
      // Secrets Manager invokes a rotation function in its secret's region; this
      // environment's own functions refuse every secret but the database users bound to them.
      fields: ["name", "region", "keyValueSecrets.*.rotation"],
      check: ({ name, region, keyValueSecrets }, report) =>
        keyValueSecrets.forEach(({ rotation }, i) => {
          if (rotation?.kind !== "function") return;
          const path = ["keyValueSecrets", i, "rotation", "functionArn"];
          const functionName = rotation.functionArn.split(":")[6];
          if (regionOfArn(rotation.functionArn) !== region) {
            report(path, `is a function of ${regionOfArn(rotation.functionArn)}; allowed: a function of ${region}, the environment's region`);
          } else if (ROTATION_STRATEGIES.some((strategy) => rotationFunctionName(name, strategy) === functionName)) {
            report(
              path,
              `is the ARN of ${functionName}, this environment's rotation function for database users, which refuses any other secret; ` +
                "allowed: a function that rotates this secret",
            );
          }
        }),
    },
    {
      // Secrets Manager names are unique in an account and region.
      fields: ["keyValueSecrets.*.secretName", "databaseUsers.*.secretName"],
      check: (env, report) => {
        const secrets = secretsOf(env);
        secrets.forEach(({ path, name }, i) => {
          const first = secrets.findIndex((other) => other.name === name);
          if (first < i) {
            const [section, index] = secrets[first].path;
            report(
              [...path, "secretName"],
              `is ${show(name)}, the name of ${section}[${index}]; allowed: a name no other secret of the environment has`,
            );
          }
        });
      },
    },
    {
      // Each strategy's function reaches its secrets by name pattern (RotationExecutionPolicy),
      // which must reach no other secret of the environment. The constructs refuse this too,
      // one secret at a time as the stack grants them; this finds every case at once, before
      // any construct is built.
      fields: ["name", "keyValueSecrets.*.secretName", "databaseUsers.*.secretName", "databaseUsers.*.strategy"],
      check: (env, report) => {
        const reaches = ROTATION_STRATEGIES.map((strategy) => ({
          functionName: rotationFunctionName(env.name, strategy),
          secretNames: new SecretNamePatterns(env.databaseUsers.filter((u) => u.strategy === strategy).map((u) => u.secretName)),
        }));
        const secrets = secretsOf(env);
        for (const found of overreach(reaches, new Set(secrets.map(({ name }) => name)))) {
          for (const { path, name } of secrets) {
            if (name === found.secretName) report([...path, "secretName"], reachedSecretProblem(found));
          }
        }
      },
    },
    {
      // Each user is rotated by its own secret: two secrets must not rotate one user, nor
      // one secret another's alternating clone.
      fields: ["databaseUsers.*.username", "databaseUsers.*.strategy"],
      check: ({ databaseUsers }, report) => {
        const owners = new Map<string, string>();
        databaseUsers.forEach(({ username, strategy }, i) => {
          const names = boundUsernames(strategy, username);
          for (const name of names) {
            const owner = owners.get(name);
            if (owner !== undefined) {
              const whose = name === username ? "" : `whose clone ${show(name)} is `;
              report(
                ["databaseUsers", i, "username"],
                `is ${show(username)}, ${whose}${owner}; allowed: a user no other database user's secret rotates`,
              );
              return;
            }
          }
          for (const name of names) {
            owners.set(name, name === username ? `the user of databaseUsers[${i}]` : `the clone of databaseUsers[${i}]`);
          }
        });
      },
    },
    {
      fields: ["database.engine", "database.masterUsername", "databaseUsers.*.username", "databaseUsers.*.strategy"],
      check: ({ database, databaseUsers }, report) =>
        databaseUsers.forEach(({ username, strategy }, i) => {
          const problem = applicationUsernameProblem({
            username,
            strategy,
            engine: database.engine,
            masterUsername: database.masterUsername,
          });
          if (problem !== undefined) report(["databaseUsers", i, "username"], problem);
        }),
    },
    {
      fields: ["allowedAccountIds", "assumeRoleArn"],
      check: ({ allowedAccountIds, assumeRoleArn }, report) => {
        if (allowedAccountIds === undefined || assumeRoleArn === undefined) return;
        const account = accountOfRole(assumeRoleArn);
        if (!allowedAccountIds.includes(account)) {
          report(
            ["assumeRoleArn"],
            `is ${show(assumeRoleArn)}, a role of account ${account}; ` +
              `allowed: a role of an account in allowedAccountIds (${allowedAccountIds.join(", ")})`,
          );
        }
      },
    },
    {
      fields: ["name", "backend"],
      check: ({ name, backend }, report) => {
        if (backend.kind !== "cloud") return;
        const { organization, workspace, workspaceVariable } = cloudWorkspace(name, backend);
        if (!organization) {
          report(
            ["backend", "organization"],
            "is not set; allowed: a Terraform Cloud organization name, in the config or TFC_ORGANIZATION",
          );
        }
        if (!workspace) {
          report(["backend", "workspace"], `is not set; allowed: a workspace name, in the config or ${workspaceVariable}`);
        }
      },
    },
    ...PRODUCTION_TIER_RULES,
  ],
);
