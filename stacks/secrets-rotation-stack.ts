import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import {
  CloudBackend,
  type ITerraformDependable,
  LocalBackend,
  NamedCloudWorkspace,
  type TerraformElement,
  TerraformOutput,
  TerraformStack,
} from "cdktf";
import type { Construct, Node } from "constructs";
import { cloudWorkspace } from "../environments/backend";
import type { EnvironmentConfig, ValidEnvironment } from "../environments/types";
import { forEnvironment, type PhysicalName, validateEnvironment } from "../environments/validate";
import { rotationFunctionName } from "../environments/rotation-functions";
import { ROTATION_STRATEGIES, type RotationStrategy } from "../shared/secret-contract";
import type { RotationBundle } from "../constructs/rotation-bundle";
import { Database } from "../constructs/database";
import { DatabaseCredentialSecret } from "../constructs/database-credential-secret";
import { EncryptionKey } from "../constructs/encryption-key";
import { KeyValueSecret } from "../constructs/key-value-secret";
import { Network } from "../constructs/network";
import { RotationAlerts } from "../constructs/rotation-alerts";
import { RotationFunction } from "../constructs/rotation-function";
import type { SecretReadPolicy } from "../constructs/secret-read-policy";
import { withinField } from "../constructs/validation";
import { physicalNames } from "./physical-names";
import { providerVersionConstraint } from "./provider-version";
import { ReadableLogicalIds } from "./readable-logical-ids";

/** The local backend's state file of an environment, relative to the project root. */
export function localStateFile(environmentName: string): string {
  return `terraform.${environmentName}.tfstate`;
}

/**
 * One environment: its key, network, database, rotation functions, secrets, alerts and
 * outputs, from an {@link EnvironmentConfig}. The environment is validated first, and a
 * `ConfigurationError` lists every problem, e.g.
 * `environment "dev": database.backupRetentionDays is 40; allowed: an integer from 1 to 35`;
 * a construct's own check of what the stack wires comes out the same way.
 */
export class SecretsRotationStack extends TerraformStack {
  /** The environment as validated, defaults applied. */
  public readonly environment: ValidEnvironment;
  private readonly logicalIds = new ReadableLogicalIds();

  constructor(scope: Construct, config: EnvironmentConfig, bundle: RotationBundle) {
    const env = validateEnvironment(config);
    super(scope, env.name);
    this.environment = env;
    try {
      this.build(env, bundle);
    } catch (error) {
      throw forEnvironment(env.name, error);
    }
  }

  /**
   * The names this stack gives what it creates that must be unique in an account, a region
   * or Terraform Cloud, read from its configuration as built (synth's aspects have not run
   * yet; the one this stack has builds a deployment package and names nothing).
   */
  public physicalNames(): PhysicalName[] {
    return physicalNames(this.toTerraform());
  }

  /**
   * cdktf's validations of the stack, less the one its `CloudBackend` adds: that a
   * `terraform` binary of version 1.1 or later is on the PATH (it runs `terraform version`).
   * Synth writes configuration and needs no Terraform, on a fresh machine as in CI; the
   * Terraform that runs the plan refuses a cloud block itself if it is older than 1.1.
   */
  public override runAllValidations(): void {
    const errors = this.node
      .findAll()
      .filter((construct) => !(construct instanceof CloudBackend))
      .flatMap((construct) => construct.node.validate().map((message) => `[${construct.node.path}] ${message}`));
    if (errors.length > 0) throw new Error(`Validation failed with the following errors:\n  ${errors.join("\n  ")}`);
  }

  /** Addresses such as `aws_vpc.network` instead of cdktf's hashed names: see {@link ReadableLogicalIds}. */
  protected override allocateLogicalId(element: TerraformElement | Node): string {
    return this.logicalIds.allocate(this, element) ?? super.allocateLogicalId(element);
  }

  private build(env: ValidEnvironment, bundle: RotationBundle): void {
    const provider = new AwsProvider(this, "aws", {
      region: env.region,
      allowedAccountIds: env.allowedAccountIds,
      // The session name shows in CloudTrail which environment's deployment made a change.
      assumeRole: env.assumeRoleArn === undefined ? undefined : [{ roleArn: env.assumeRoleArn, sessionName: `cdktf-${env.name}` }],
      defaultTags: [{ tags: { ...env.tags, Environment: env.name, ManagedBy: "cdktf" } }],
    });
    this.addOverride("terraform.required_providers.aws.version", providerVersionConstraint(provider));
    this.configureBackend(env);

    const encryption = env.encryption;
    const key = withinField("encryption", () =>
      new EncryptionKey(
        this,
        "EncryptionKey",
        encryption.kind === "customer-managed" ? { ...encryption, aliasName: `alias/${env.name}-secrets` } : encryption,
      ),
    );
    const network = withinField("network", () =>
      new Network(this, "Network", {
        ...env.network,
        namePrefix: env.name,
        ...(env.network.kind === "new" && env.network.flowLogRetentionDays !== undefined
          ? { flowLogKmsKeyArn: key.keyArn }
          : {}),
      }),
    );
    const database = withinField("database", () => {
      const { applicationSecurityGroupIds, ...settings } = env.database;
      const db = new Database(this, "Database", {
        ...settings,
        vpcId: network.vpcId,
        subnetIds: network.privateSubnetIds,
        kmsKeyArn: key.keyArn,
      });
      applicationSecurityGroupIds.forEach((sg, i) =>
        withinField(`applicationSecurityGroupIds[${i}]`, () =>
          db.allowConnectionsFrom(`Application${i}`, sg, `Application security group ${i + 1}`),
        ),
      );
      return db;
    });

    const functions = new Map<RotationStrategy, { fn: RotationFunction; networkPath: ITerraformDependable[] }>();
    for (const strategy of ROTATION_STRATEGIES.filter((s) => env.databaseUsers.some((u) => u.strategy === s))) {
      functions.set(
        strategy,
        withinField("rotationFunction", () => this.rotationFunction(env, strategy, bundle, key, network, database)),
      );
    }

    const alerts = withinField("alerts", () =>
      new RotationAlerts(this, "RotationAlerts", {
        ...env.alerts,
        namePrefix: env.name,
        rotationFunctionNames: [...functions.values()].map(({ fn }) => fn.functionName),
        kmsKeyArn: key.keyArn,
      }),
    );

    const keyValueSecrets = env.keyValueSecrets.map(({ readerRoleNames, ...secretConfig }, i) =>
      withinField(`keyValueSecrets[${i}]`, () => {
        const secret = new KeyValueSecret(this, `KeyValueSecret${i}`, { ...secretConfig, kmsKeyArn: key.keyArn });
        return { secret, readPolicy: secret.grantRead("Readers", readerRoleNames) };
      }),
    );

    const userSecrets = env.databaseUsers.map(({ strategy, readerRoleNames, ...secretConfig }, i) =>
      withinField(`databaseUsers[${i}]`, () => {
        const { fn, networkPath } = functions.get(strategy)!;
        const secret = new DatabaseCredentialSecret(this, `DatabaseUserSecret${i}`, {
          ...secretConfig,
          kmsKeyArn: key.keyArn,
          engine: database.engine,
          host: database.endpointAddress,
          port: database.port,
          databaseName: database.databaseName,
          databaseIdentifier: database.identifier,
          masterSecretArn: database.masterUserSecretArn,
          masterUsername: database.masterUsername,
          rotationFunction: fn,
          rotationDependsOn: networkPath,
        });
        // The read policy exists even with no role to attach it to yet: its ARN is an
        // output, for roles managed elsewhere.
        return { secret, readPolicy: secret.grantRead("Readers", readerRoleNames) };
      }),
    );

    this.outputs(database, alerts, keyValueSecrets, userSecrets);
  }

  private configureBackend(env: ValidEnvironment): void {
    if (env.backend.kind === "cloud") {
      // Validation has found the organization and the workspace.
      const { organization, workspace, hostname } = cloudWorkspace(env.name, env.backend);
      new CloudBackend(this, {
        organization: organization!,
        workspaces: new NamedCloudWorkspace(workspace!),
        hostname,
      });
    } else {
      // Relative to the stack's directory (cdktf.out/stacks/<env>): the state file lands
      // next to the project, outside the regenerated output, and no absolute path of this
      // machine is written into the configuration.
      new LocalBackend(this, { path: `../../../${localStateFile(env.name)}` });
    }
  }

  /** The function for one strategy, with the network paths it needs opened. */
  private rotationFunction(
    env: ValidEnvironment,
    strategy: RotationStrategy,
    bundle: RotationBundle,
    key: EncryptionKey,
    network: Network,
    database: Database,
  ): { fn: RotationFunction; networkPath: ITerraformDependable[] } {
    const fn = new RotationFunction(this, `RotationFunction-${strategy}`, {
      ...env.rotationFunction,
      functionName: rotationFunctionName(env.name, strategy),
      strategy,
      bundle,
      kmsKeyArn: key.keyArn,
      vpcId: network.vpcId,
      subnetIds: network.privateSubnetIds,
      databaseSecurityGroupId: database.securityGroupId,
      databasePort: database.port,
      secretsManagerEndpointSecurityGroupId: network.secretsManagerEndpointSecurityGroupId,
    });
    const networkPath: ITerraformDependable[] = [
      database.allowConnectionsFrom(`RotationFunction-${strategy}`, fn.securityGroupId, `Rotation function (${strategy})`),
    ];
    if (network.secretsManagerEndpointSecurityGroupId !== undefined) {
      networkPath.push(network.allowSecretsManagerAccessFrom(`RotationFunction-${strategy}`, fn.securityGroupId));
    }
    // The first rotation starts at once: it must find the endpoint or the NAT routes in place.
    networkPath.push(...network.secretsManagerDependencies);
    return { fn, networkPath };
  }

  private outputs(
    database: Database,
    alerts: RotationAlerts,
    keyValueSecrets: { secret: KeyValueSecret; readPolicy: SecretReadPolicy }[],
    userSecrets: { secret: DatabaseCredentialSecret; readPolicy: SecretReadPolicy }[],
  ): void {
    new TerraformOutput(this, "database_endpoint", {
      value: database.endpointAddress,
      description: "Host name applications connect to",
    });
    new TerraformOutput(this, "database_port", { value: database.port, description: "Database port" });
    new TerraformOutput(this, "master_secret_arn", {
      value: database.masterUserSecretArn,
      description: "ARN of the RDS-managed master user secret (its value stays in Secrets Manager)",
    });
    new TerraformOutput(this, "alerts_topic_arn", {
      value: alerts.topicArn,
      description: "SNS topic for rotation failures and rotation function errors",
    });
    new TerraformOutput(this, "rotation_events_topic_arn", {
      value: alerts.eventsTopicArn,
      description: "SNS topic for successful rotations (applications subscribe to refresh their cache)",
    });
    new TerraformOutput(this, "key_value_secrets", {
      value: Object.fromEntries(
        keyValueSecrets.map(({ secret, readPolicy }) => [
          secret.secretName,
          { arn: secret.secretArn, read_policy_arn: readPolicy.policyArn },
        ]),
      ),
      description: "Key/value secrets: name to ARN and read policy ARN",
    });
    new TerraformOutput(this, "database_user_secrets", {
      value: Object.fromEntries(
        userSecrets.map(({ secret, readPolicy }) => [
          secret.secretName,
          { arn: secret.secretArn, username: secret.username, read_policy_arn: readPolicy.policyArn },
        ]),
      ),
      description: "Application user secrets: name to ARN, user name and read policy ARN",
    });
  }
}
