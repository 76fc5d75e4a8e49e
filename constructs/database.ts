import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import type { DbInstanceConfig } from "@cdktf/provider-aws/lib/db-instance";
import { DbOptionGroup } from "@cdktf/provider-aws/lib/db-option-group";
import { DbParameterGroup } from "@cdktf/provider-aws/lib/db-parameter-group";
import { DbSubnetGroup } from "@cdktf/provider-aws/lib/db-subnet-group";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import type { RdsClusterConfig } from "@cdktf/provider-aws/lib/rds-cluster";
import type { RdsClusterInstanceConfig } from "@cdktf/provider-aws/lib/rds-cluster-instance";
import { RdsClusterParameterGroup } from "@cdktf/provider-aws/lib/rds-cluster-parameter-group";
import { SecretsmanagerSecretRotation } from "@cdktf/provider-aws/lib/secretsmanager-secret-rotation";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import * as v from "valibot";
import { ENGINES, type Engine } from "../shared/secret-contract";
import { AwsContext } from "./aws-context";
import { awsIdentifier, logRetentionDays } from "./aws-formats";
import { createAuroraCluster } from "./database-cluster";
import {
  AUDIT_EVENTS,
  ENGINE_TRAITS,
  engineVersionProblem,
  identifierKeyOf,
  logExportProblem,
  databaseNameProblem,
  logParameters,
  masterUsernameProblem,
} from "./database-engines";
import { createDbInstance } from "./database-instance";
import { instanceClassProblem } from "./database-instance-classes";
import {
  DEFAULT_AURORA_INSTANCE_COUNT,
  DEFAULT_STORAGE_GB,
  type DatabaseSettings,
  resolveDatabaseSettings,
} from "./database-settings";
import { serviceRole } from "./service-role";
import { anyString, flag, integer, list, oneOf, text } from "./field-schemas";
import { settings } from "./settings-schema";
import { checkValue, parseProps } from "./validation";

/** Enhanced monitoring intervals RDS accepts, in seconds; 0 turns enhanced monitoring off. */
export const MONITORING_INTERVALS = [0, 1, 5, 10, 15, 30, 60] as const;

const IDENTIFIER_PATTERN = /^[a-z](?:-?[a-z0-9])*$/;
const DATABASE_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;
/** Characters EC2 accepts in a security group rule description, at most 255. */
const RULE_DESCRIPTION = text(
  /^[a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]{1,255}$/,
  "1 to 255 letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*",
);
const MONITORING_ROLE_SUFFIX = "-rds-monitoring";
const MAX_STORAGE_GB = 65536;

/** Props of {@link Database}. */
export const DatabasePropsSchema = settings(
  {
    /**
     * DB instance identifier, or cluster identifier for Aurora (its instances are
     * `<identifier>-1`, `-2`, ...): a lower-case letter, then lower-case letters, digits and
     * single hyphens, not ending with a hyphen; at most 63 characters (60 for Aurora, 49
     * with enhanced monitoring, whose role is `<identifier>-rds-monitoring`).
     */
    identifier: text(
      IDENTIFIER_PATTERN,
      "a lower-case letter, then lower-case letters, digits and single hyphens, not ending with a hyphen",
    ),
    /** Database engine; `aurora-*` engines create an Aurora cluster, the others a DB instance. */
    engine: oneOf(ENGINES),
    /**
     * Engine version. Give the major version (`8.4`, `10.11`, `16`) so that automatic minor
     * upgrades cause no drift; a minor version (`8.4.7`, `16.4`, `8.0.mysql_aurora.3.08.0`)
     * pins it. The majors allowed are the engine table's (`database-engines.ts`); one past
     * RDS standard support (MySQL 8.0, say) needs `extendedSupport`.
     */
    engineVersion: anyString("an engine version such as 8.4"),
    /**
     * Whether RDS Extended Support keeps the major version running past the end of its
     * standard support, billed per vCPU-hour (`engine_lifecycle_support =
     * open-source-rds-extended-support`), the one way to create a major already past it.
     * When false, RDS upgrades the database to a supported major version at the end of
     * standard support instead of billing (`open-source-rds-extended-support-disabled`).
     * Set on the DB instance or the Aurora cluster when it is created. Not for MariaDB,
     * which has no Extended Support.
     * @default false
     */
    extendedSupport: v.optional(flag(), false),
    /**
     * Instance class of the DB instance or of each Aurora instance, `db.<type>.<size>`, e.g.
     * `db.t4g.micro`: one RDS offers for the kind of database (`database-instance-classes.ts`;
     * Aurora takes no general purpose type, and burstable ones only in medium and large).
     */
    instanceClass: anyString("a DB instance class such as db.t4g.micro"),
    /**
     * Name of the initial database, which application users get privileges on: a letter,
     * then letters, digits or `_`, at most 63 characters; not one of the server's own
     * schemas (`mysql`, `information_schema`, `performance_schema`, `sys`; `postgres`,
     * `template0`, `template1`).
     */
    databaseName: text(DATABASE_NAME_PATTERN, "a letter, then letters, digits or _, at most 63 characters"),
    /**
     * Master user name: a letter, then letters, digits or `_`; at most 16 characters for
     * MySQL-family engines, 63 for PostgreSQL-family engines; not `rdsadmin`, not starting
     * with `rds_` or `pg_`. Its password is generated by RDS and kept in an RDS-managed secret.
     */
    masterUsername: anyString("a user name"),
    /** Port, 1150–65535. @default 3306 for MySQL-family engines, 5432 for PostgreSQL-family engines */
    port: v.optional(integer(1150, 65535)),
    /** Storage in GiB, 20–65536 (gp3). Not allowed for Aurora, whose storage grows by itself. @default 20 */
    allocatedStorageGb: v.optional(integer(20, MAX_STORAGE_GB)),
    /**
     * Upper bound in GiB for storage autoscaling, above `allocatedStorageGb` and at most
     * 65536. Not allowed for Aurora.
     * @default no storage autoscaling
     */
    maxAllocatedStorageGb: v.optional(integer(21, MAX_STORAGE_GB)),
    /** Aurora only: number of cluster instances, 1–16 (the first is the writer). @default 1 */
    auroraInstanceCount: v.optional(integer(1, 16)),
    /**
     * A standby in another zone. For Aurora, the cluster then needs `auroraInstanceCount` of
     * at least 2 (a replica to fail over to).
     */
    multiAz: flag(),
    /** Refuse to delete the database (including through `terraform destroy`). */
    deletionProtection: flag(),
    /** Days to keep automated backups, 1–35. */
    backupRetentionDays: integer(1, 35),
    /**
     * Log types exported to CloudWatch Logs, per engine: MySQL and Aurora MySQL `audit`,
     * `error`, `general`, `slowquery`; MariaDB `audit`, `error` (its general and slow query
     * logs would carry the rotated passwords in clear text); PostgreSQL `postgresql`,
     * `upgrade`; Aurora PostgreSQL `postgresql`. The log groups are created here, with
     * `logRetentionDays` and the KMS key, and the engine is set up to write each log:
     * `general_log`/`slow_query_log` = 1 and `log_output` = FILE in the parameter group (MySQL
     * rewrites passwords out of these logs; the general log still holds every statement,
     * with the data in it); for `audit`, an option group with the `MARIADB_AUDIT_PLUGIN`
     * (MySQL, MariaDB) or the `server_audit_*` cluster parameters (Aurora MySQL), recording
     * connections and DDL statements only.
     * @default []
     */
    logExports: v.optional(list(anyString("a log type"), "log types"), []),
    /** Retention of the exported log groups, a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, ...). @default 30 */
    logRetentionDays: v.optional(logRetentionDays(), 30),
    /**
     * Enhanced monitoring interval in seconds: 0 (off), 1, 5, 10, 15, 30 or 60. Other than 0
     * creates a role with the AWS managed policy `AmazonRDSEnhancedMonitoringRole`.
     * @default 0
     */
    monitoringIntervalSeconds: v.optional(oneOf(MONITORING_INTERVALS), 0),
    /** Performance Insights, encrypted with the KMS key when one is given. @default false */
    performanceInsights: v.optional(flag(), false),
    /** IAM database authentication, besides passwords. */
    iamAuthentication: flag(),
    /** Days between rotations of the RDS-managed master password, 1–365. @default 7 */
    masterPasswordRotationDays: v.optional(integer(1, 365), 7),
    /** VPC of the database's security group. */
    vpcId: awsIdentifier("vpc-id"),
    /** Private subnets of the DB subnet group, at least two, in different zones. */
    subnetIds: list(awsIdentifier("subnet-id"), "subnet IDs", { min: 2 }),
    /**
     * ARN of the customer-managed KMS key for storage, the master secret, Performance
     * Insights and the log groups.
     * @default the AWS-managed keys (`aws/rds`, `aws/secretsmanager`) and CloudWatch Logs' own encryption
     */
    kmsKeyArn: v.optional(awsIdentifier("kms-key-arn")),
    /** Take a final snapshot, `<identifier>-final`, when the database is destroyed. */
    finalSnapshot: flag(),
  },
  [
    {
      fields: ["engine", "engineVersion", "extendedSupport"],
      check: ({ engine, engineVersion, extendedSupport }, report) => {
        if (extendedSupport && !ENGINE_TRAITS[engine].extendedSupport) {
          report(["extendedSupport"], `is true; allowed for ${engine}: false (RDS has no Extended Support for ${engine})`);
          return;
        }
        const problem = engineVersionProblem(engine, engineVersion, extendedSupport);
        if (problem !== undefined) report(["engineVersion"], problem);
      },
    },
    {
      fields: ["engine", "instanceClass"],
      check: ({ engine, instanceClass }, report) => {
        const problem = instanceClassProblem(engine, instanceClass);
        if (problem !== undefined) report(["instanceClass"], problem);
      },
    },
    {
      fields: ["engine", "identifier", "monitoringIntervalSeconds"],
      check: ({ engine, identifier, monitoringIntervalSeconds }, report) => {
        const max =
          monitoringIntervalSeconds > 0 ? 64 - MONITORING_ROLE_SUFFIX.length : ENGINE_TRAITS[engine].aurora ? 60 : 63;
        if (identifier.length > max) {
          report(
            ["identifier"],
            `is ${identifier.length} characters long; allowed: at most ${max} ` +
              "(63 for a DB instance, 60 for Aurora, 49 with enhanced monitoring)",
          );
        }
      },
    },
    {
      fields: ["engine", "databaseName"],
      check: ({ engine, databaseName }, report) => {
        const problem = databaseNameProblem(engine, databaseName);
        if (problem !== undefined) report(["databaseName"], problem);
      },
    },
    {
      fields: ["engine", "masterUsername"],
      check: ({ engine, masterUsername }, report) => {
        const problem = masterUsernameProblem(engine, masterUsername);
        if (problem !== undefined) report(["masterUsername"], problem);
      },
    },
    {
      // Storage is an instance's: an Aurora cluster's grows by itself; instance counts are Aurora's.
      fields: ["engine", "allocatedStorageGb", "maxAllocatedStorageGb", "auroraInstanceCount"],
      check: (props, report) => {
        const aurora = ENGINE_TRAITS[props.engine].aurora;
        const fieldsOfOtherKind = aurora
          ? (["allocatedStorageGb", "maxAllocatedStorageGb"] as const)
          : (["auroraInstanceCount"] as const);
        for (const field of fieldsOfOtherKind.filter((f) => props[f] !== undefined)) {
          report(
            [field],
            aurora
              ? "is set; allowed only for mysql, mariadb and postgres (Aurora storage grows by itself)"
              : "is set; allowed only for aurora-mysql and aurora-postgresql",
          );
        }
        const allocated = props.allocatedStorageGb ?? DEFAULT_STORAGE_GB;
        if (!aurora && props.maxAllocatedStorageGb !== undefined && props.maxAllocatedStorageGb <= allocated) {
          report(
            ["maxAllocatedStorageGb"],
            `is ${props.maxAllocatedStorageGb}; allowed: an integer from ${allocated + 1} to ${MAX_STORAGE_GB}`,
          );
        }
      },
    },
    {
      fields: ["engine", "multiAz", "auroraInstanceCount"],
      check: ({ engine, multiAz, auroraInstanceCount }, report) => {
        const count = auroraInstanceCount ?? DEFAULT_AURORA_INSTANCE_COUNT;
        if (ENGINE_TRAITS[engine].aurora && multiAz && count < 2) {
          report(["auroraInstanceCount"], `is ${count} with multiAz; allowed: at least 2 (a replica to fail over to)`);
        }
      },
    },
    {
      fields: ["engine", "logExports"],
      check: ({ engine, logExports }, report) =>
        logExports.forEach((logType, i) => {
          const problem = logExportProblem(engine, logType);
          if (problem !== undefined) report(["logExports", i], problem);
        }),
    },
  ],
);

/** Props of {@link Database}. */
export type DatabaseProps = v.InferInput<typeof DatabasePropsSchema>;

/** What the DB instance or the Aurora cluster is built from. */
export interface DatabaseBuild {
  readonly settings: DatabaseSettings;
  /** What a DB instance and an Aurora cluster share, under the same attribute names. */
  readonly sharedWithCluster: Pick<
    DbInstanceConfig & RdsClusterConfig,
    | "engine"
    | "engineVersion"
    | "engineLifecycleSupport"
    | "port"
    | "storageEncrypted"
    | "kmsKeyId"
    | "manageMasterUserPassword"
    | "masterUserSecretKmsKeyId"
    | "iamDatabaseAuthenticationEnabled"
    | "dbSubnetGroupName"
    | "vpcSecurityGroupIds"
    | "backupRetentionPeriod"
    | "copyTagsToSnapshot"
    | "deletionProtection"
    | "skipFinalSnapshot"
    | "finalSnapshotIdentifier"
    | "enabledCloudwatchLogsExports"
  >;
  /** What a DB instance and an Aurora cluster instance share. */
  readonly sharedWithClusterInstances: Pick<
    DbInstanceConfig & RdsClusterInstanceConfig,
    | "instanceClass"
    | "publiclyAccessible"
    | "autoMinorVersionUpgrade"
    | "monitoringInterval"
    | "monitoringRoleArn"
    | "performanceInsightsEnabled"
    | "performanceInsightsKmsKeyId"
  >;
  readonly parameterGroupName: string;
  /** The audit plugin's option group of a DB instance. */
  readonly optionGroupName: string | undefined;
  /** The exported log groups, which the database must find in place. */
  readonly logGroups: ITerraformDependable[];
  /** The enhanced monitoring role's policy, which an instance must find attached. */
  readonly monitoringDependencies: ITerraformDependable[];
}

/** How to reach the DB instance or the Aurora cluster, and its master secret. */
export interface DatabaseEndpoints {
  readonly endpointAddress: string;
  readonly readerEndpointAddress: string | undefined;
  readonly arn: string;
  readonly masterUserSecretArn: string;
}

/**
 * An RDS database whose master password RDS generates, keeps in a Secrets Manager secret
 * and rotates on a schedule: a DB instance (`mysql`, `mariadb`, `postgres`) or an Aurora
 * cluster (`aurora-mysql`, `aurora-postgresql`), chosen by the engine.
 *
 * Always encrypted at rest, never publicly accessible, TLS forced by a parameter group,
 * minor versions upgraded automatically, and every exported log actually written (see
 * {@link DatabaseProps.logExports}). Its security group has no rules: connections
 * are opened with {@link allowConnectionsFrom}.
 */
export class Database extends Construct {
  /** The DB instance identifier, or the cluster identifier for Aurora. */
  public readonly identifier: string;
  /** The engine, as written in a database secret's `engine` key. */
  public readonly engine: Engine;
  /** Whether the database is an Aurora cluster. */
  public readonly isAurora: boolean;
  /** Key of {@link identifier} in a database secret's JSON. */
  public readonly instanceIdentifierKey: "dbInstanceIdentifier" | "dbClusterIdentifier";
  /** The port the database listens on. */
  public readonly port: number;
  /** Name of the initial database. */
  public readonly databaseName: string;
  /** Name of the master user. */
  public readonly masterUsername: string;
  /** Host name to connect to: the instance address, or the cluster (writer) endpoint. */
  public readonly endpointAddress: string;
  /** Aurora only: the reader endpoint's host name. */
  public readonly readerEndpointAddress: string | undefined;
  /** ARN of the DB instance or cluster. */
  public readonly arn: string;
  /** ARN of the RDS-managed secret holding the master user's credentials. */
  public readonly masterUserSecretArn: string;
  /** ID of the database's security group (no rules but those added by {@link allowConnectionsFrom}). */
  public readonly securityGroupId: string;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    const settings = resolveDatabaseSettings(parseProps(DatabasePropsSchema, props));
    const traits = ENGINE_TRAITS[settings.engine];
    this.identifier = settings.identifier;
    this.engine = settings.engine;
    this.isAurora = settings.aurora;
    this.instanceIdentifierKey = identifierKeyOf(settings.engine);
    this.port = settings.port;
    this.databaseName = settings.databaseName;
    this.masterUsername = settings.masterUsername;

    const securityGroup = new SecurityGroup(this, "SecurityGroup", {
      name: `${settings.identifier}-database`,
      description: `Database ${settings.identifier}: port ${settings.port} from registered security groups only`,
      vpcId: settings.vpcId,
      tags: { Name: `${settings.identifier}-database` },
    });
    this.securityGroupId = securityGroup.id;
    const subnetGroup = new DbSubnetGroup(this, "SubnetGroup", {
      name: settings.identifier,
      description: `Private subnets of database ${settings.identifier}`,
      subnetIds: settings.subnetIds,
    });
    const parameterGroupProps = {
      namePrefix: `${settings.identifier}-`,
      family: settings.parameterGroupFamily,
      description: `Database ${settings.identifier}: TLS required`,
      parameter: [traits.tlsParameter, ...logParameters(settings.engine, settings.logExports)],
      // A new family (major upgrade) replaces the group while the database still uses the old one.
      lifecycle: { createBeforeDestroy: true },
    };
    const parameterGroupName = settings.aurora
      ? new RdsClusterParameterGroup(this, "ParameterGroup", parameterGroupProps).name
      : new DbParameterGroup(this, "ParameterGroup", parameterGroupProps).name;
    // Aurora MySQL audits through cluster parameters; MySQL and MariaDB through a plugin.
    const optionGroup =
      !settings.aurora && settings.logExports.includes("audit")
        ? new DbOptionGroup(this, "OptionGroup", {
            namePrefix: `${settings.identifier}-`,
            optionGroupDescription: `Database ${settings.identifier}: audit plugin`,
            engineName: settings.engine,
            majorEngineVersion: settings.majorVersion,
            option: [
              {
                optionName: "MARIADB_AUDIT_PLUGIN",
                optionSettings: [{ name: "SERVER_AUDIT_EVENTS", value: AUDIT_EVENTS }],
              },
            ],
            lifecycle: { createBeforeDestroy: true },
            // Snapshots keep using the group and RDS refuses to delete a group in use, so a
            // destroy or a major upgrade leaves the old group behind instead of failing.
            skipDestroy: true,
          })
        : undefined;

    // Created before the database, so that RDS writes into groups with our retention and key.
    const logGroups = settings.logExports.map(
      (logType) =>
        new CloudwatchLogGroup(this, `LogGroup-${logType}`, {
          name: `/aws/rds/${settings.aurora ? "cluster" : "instance"}/${settings.identifier}/${logType}`,
          retentionInDays: settings.logRetentionDays,
          kmsKeyId: settings.kmsKeyArn,
        })
    );
    const monitoring =
      settings.monitoringIntervalSeconds > 0 ? this.createMonitoringRole(settings.identifier) : undefined;
    // RDS must find the role's policy attached when it starts monitoring.
    const monitoringDependencies = monitoring ? [monitoring.attachment] : [];

    const build: DatabaseBuild = {
      settings,
      sharedWithCluster: {
        engine: settings.engine,
        engineVersion: settings.engineVersion,
        // Stated, not left to the API's default, which enrols the database in paid Extended Support.
        engineLifecycleSupport: settings.engineLifecycleSupport,
        port: settings.port,
        storageEncrypted: true,
        kmsKeyId: settings.kmsKeyArn,
        manageMasterUserPassword: true,
        masterUserSecretKmsKeyId: settings.kmsKeyArn,
        iamDatabaseAuthenticationEnabled: settings.iamAuthentication,
        dbSubnetGroupName: subnetGroup.name,
        vpcSecurityGroupIds: [securityGroup.id],
        backupRetentionPeriod: settings.backupRetentionDays,
        copyTagsToSnapshot: true,
        deletionProtection: settings.deletionProtection,
        skipFinalSnapshot: !settings.finalSnapshot,
        finalSnapshotIdentifier: settings.finalSnapshot ? `${settings.identifier}-final` : undefined,
        enabledCloudwatchLogsExports: settings.logExports.length > 0 ? settings.logExports : undefined,
      },
      sharedWithClusterInstances: {
        instanceClass: settings.instanceClass,
        publiclyAccessible: false,
        autoMinorVersionUpgrade: true,
        monitoringInterval: settings.monitoringIntervalSeconds,
        monitoringRoleArn: monitoring?.roleArn,
        performanceInsightsEnabled: settings.performanceInsights,
        performanceInsightsKmsKeyId: settings.performanceInsights ? settings.kmsKeyArn : undefined,
      },
      parameterGroupName,
      optionGroupName: optionGroup?.name,
      logGroups,
      monitoringDependencies,
    };
    const endpoints = settings.aurora ? createAuroraCluster(this, build) : createDbInstance(this, build);
    this.endpointAddress = endpoints.endpointAddress;
    this.readerEndpointAddress = endpoints.readerEndpointAddress;
    this.arn = endpoints.arn;
    this.masterUserSecretArn = endpoints.masterUserSecretArn;

    // Managed rotation: no rotation function. The password was just generated, so the
    // first rotation waits for the schedule (and a changed schedule rotates nothing).
    new SecretsmanagerSecretRotation(this, "MasterPasswordRotation", {
      secretId: this.masterUserSecretArn,
      rotationRules: { automaticallyAfterDays: settings.masterPasswordRotationDays },
      rotateImmediately: false,
    });
  }

  /**
   * Lets a security group connect to the database port (a standalone ingress rule on the
   * database's security group).
   * @param id construct ID of the rule, unique within this database
   * @param securityGroupId the client's security group, e.g. the rotation function's
   * @param description why the client connects: at most 255 letters, digits, spaces and `._-:/()#,@[]+=&;{}!$*`
   */
  public allowConnectionsFrom(id: string, securityGroupId: string, description: string): VpcSecurityGroupIngressRule {
    checkValue("securityGroupId", awsIdentifier("security-group-id"), securityGroupId);
    checkValue("description", RULE_DESCRIPTION, description);
    return new VpcSecurityGroupIngressRule(this, id, {
      securityGroupId: this.securityGroupId,
      referencedSecurityGroupId: securityGroupId,
      ipProtocol: "tcp",
      fromPort: this.port,
      toPort: this.port,
      description,
    });
  }

  /** The enhanced monitoring role, which only RDS monitoring of this account can assume. */
  private createMonitoringRole(identifier: string): { roleArn: string; attachment: IamRolePolicyAttachment } {
    const role = serviceRole(this, "MonitoringRole", {
      name: `${identifier}${MONITORING_ROLE_SUFFIX}`,
      description: `Enhanced monitoring of database ${identifier}`,
      servicePrincipal: "monitoring.rds.amazonaws.com",
      trustSid: "RdsMonitoringOfThisAccount",
    });
    const attachment = new IamRolePolicyAttachment(this, "MonitoringRolePolicy", {
      role: role.name,
      policyArn: `arn:${AwsContext.of(this).partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole`,
    });
    return { roleArn: role.arn, attachment };
  }
}
