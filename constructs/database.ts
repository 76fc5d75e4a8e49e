import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DbInstance, type DbInstanceConfig } from "@cdktf/provider-aws/lib/db-instance";
import { DbOptionGroup } from "@cdktf/provider-aws/lib/db-option-group";
import { DbParameterGroup } from "@cdktf/provider-aws/lib/db-parameter-group";
import { DbSubnetGroup } from "@cdktf/provider-aws/lib/db-subnet-group";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { RdsCluster, type RdsClusterConfig } from "@cdktf/provider-aws/lib/rds-cluster";
import { RdsClusterInstance, type RdsClusterInstanceConfig } from "@cdktf/provider-aws/lib/rds-cluster-instance";
import { RdsClusterParameterGroup } from "@cdktf/provider-aws/lib/rds-cluster-parameter-group";
import { SecretsmanagerSecretRotation } from "@cdktf/provider-aws/lib/secretsmanager-secret-rotation";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Construct } from "constructs";
import { ENGINES, engineFamily, type Engine } from "../shared/secret-contract";
import { AwsContext } from "./aws-context";
import { checkAwsIdentifier, checkLogRetentionDays } from "./aws-formats";
import { serviceRole } from "./service-role";
import { checkDistinctList, checkIntegerRange, checkOneOf, checkPattern, ValidationError } from "./validation";

/** Enhanced monitoring intervals RDS accepts, in seconds; 0 turns enhanced monitoring off. */
export const MONITORING_INTERVALS = [0, 1, 5, 10, 15, 30, 60] as const;

/** What each engine needs from this construct. */
interface EngineTraits {
  /** An Aurora cluster rather than a DB instance. */
  readonly aurora: boolean;
  readonly defaultPort: number;
  /** Log types the engine exports to CloudWatch Logs. */
  readonly logExports: readonly string[];
  /** Log types RDS could export but this construct refuses, and why. */
  readonly refusedLogExports?: { readonly logTypes: readonly string[]; readonly reason: string };
  /** Accepted engine versions; group 1 is the major version, group 2 (MySQL family) the minor. */
  readonly versionPattern: RegExp;
  readonly versionExamples: string;
  /** Oldest `[major, minor]` version whose parameter group can force TLS. */
  readonly minimumVersion: readonly [number, number];
  /** The parameter that refuses connections without TLS, in the (cluster) parameter group. */
  readonly tlsParameter: { readonly name: string; readonly value: string; readonly applyMethod?: "pending-reboot" };
  /** Longest master user name. */
  readonly maxUsernameLength: number;
}

const MYSQL_LOG_EXPORTS = ["audit", "error", "general", "slowquery"];
/** The server variable that turns each exported MySQL-family log on (the error log is always on). */
const MYSQL_LOG_SWITCHES: readonly (readonly [logType: string, variable: string])[] = [
  ["general", "general_log"],
  ["slowquery", "slow_query_log"],
];
/**
 * What the audit log records: connections and disconnections (user names and hosts, never
 * passwords) and DDL statements (schema changes). Not QUERY or QUERY_DML, whose text
 * carries the application's data, nor QUERY_DCL: the audit plugin hides passwords by
 * matching keywords (`IDENTIFIED BY '...'`), and RDS for MySQL's plugin logs
 * `CREATE USER ... IDENTIFIED WITH <plugin> BY '...'` with the password in clear text;
 * Aurora documents no masking at all.
 */
const AUDIT_EVENTS = "CONNECT,QUERY_DDL";
const MAJOR_MINOR = /^(\d+)\.(\d+)(?:\.\d+)?$/;
const MAJOR = /^(\d+)(?:\.(\d+))?$/;

const ENGINE_TRAITS: Readonly<Record<Engine, EngineTraits>> = {
  mysql: {
    aurora: false,
    defaultPort: 3306,
    logExports: MYSQL_LOG_EXPORTS,
    versionPattern: MAJOR_MINOR,
    versionExamples: "8.0 or 8.0.39",
    minimumVersion: [5, 7],
    // RDS for MySQL and MariaDB instance parameter groups take 0/1; Aurora MySQL takes OFF/ON.
    tlsParameter: { name: "require_secure_transport", value: "1" },
    maxUsernameLength: 16,
  },
  mariadb: {
    aurora: false,
    defaultPort: 3306,
    logExports: ["audit", "error"],
    refusedLogExports: {
      logTypes: ["general", "slowquery"],
      reason:
        "MariaDB writes CREATE USER, ALTER USER and SET PASSWORD statements, passwords included, " +
        "in clear text to its general and slow query logs",
    },
    versionPattern: MAJOR_MINOR,
    versionExamples: "10.11 or 10.11.9",
    minimumVersion: [10, 5],
    tlsParameter: { name: "require_secure_transport", value: "1" },
    maxUsernameLength: 16,
  },
  "aurora-mysql": {
    aurora: true,
    defaultPort: 3306,
    logExports: MYSQL_LOG_EXPORTS,
    versionPattern: /^(\d+)\.(\d+)(?:\.mysql_aurora\.\d+\.\d+\.\d+)?$/,
    versionExamples: "8.0 or 8.0.mysql_aurora.3.08.0",
    minimumVersion: [8, 0],
    tlsParameter: { name: "require_secure_transport", value: "ON" },
    maxUsernameLength: 16,
  },
  postgres: {
    aurora: false,
    defaultPort: 5432,
    logExports: ["postgresql", "upgrade"],
    versionPattern: MAJOR,
    versionExamples: "16 or 16.4",
    minimumVersion: [11, 0],
    // Static in RDS for PostgreSQL: RDS refuses the provider's default apply method,
    // "immediate" (and where the value equals the default, reports "pending-reboot",
    // a perpetual diff). The group exists before the instance, which starts with it.
    tlsParameter: { name: "rds.force_ssl", value: "1", applyMethod: "pending-reboot" },
    maxUsernameLength: 63,
  },
  "aurora-postgresql": {
    aurora: true,
    defaultPort: 5432,
    logExports: ["postgresql"],
    versionPattern: MAJOR,
    versionExamples: "16 or 16.4",
    minimumVersion: [11, 0],
    tlsParameter: { name: "rds.force_ssl", value: "1" },
    maxUsernameLength: 63,
  },
};

/** Props of {@link Database}. */
export interface DatabaseProps {
  /**
   * DB instance identifier, or cluster identifier for Aurora (its instances are
   * `<identifier>-1`, `-2`, ...): a lower-case letter, then lower-case letters, digits and
   * single hyphens, not ending with a hyphen; at most 63 characters (60 for Aurora, 49
   * with enhanced monitoring, whose role is `<identifier>-rds-monitoring`).
   */
  readonly identifier: string;
  /** Database engine; `aurora-*` engines create an Aurora cluster, the others a DB instance. */
  readonly engine: Engine;
  /**
   * Engine version. Give the major version (`8.0`, `10.11`, `16`) so that automatic minor
   * upgrades cause no drift; a full version (`8.0.39`, `16.4`, `8.0.mysql_aurora.3.08.0`)
   * pins it. MariaDB needs 10.5 or newer, Aurora MySQL 8.0 or newer, PostgreSQL 11 or newer.
   */
  readonly engineVersion: string;
  /** Instance class of the DB instance or of each Aurora instance, e.g. `db.t4g.micro`. */
  readonly instanceClass: string;
  /** Name of the initial database: a letter, then letters, digits or `_`, at most 63 characters. */
  readonly databaseName: string;
  /**
   * Master user name: a letter, then letters, digits or `_`; at most 16 characters for
   * MySQL-family engines, 63 for PostgreSQL-family engines; not `rdsadmin`. Its password
   * is generated by RDS and kept in an RDS-managed secret.
   */
  readonly masterUsername: string;
  /** Port, 1150–65535. @default 3306 for MySQL-family engines, 5432 for PostgreSQL-family engines */
  readonly port?: number;
  /** Storage in GiB, 20–65536 (gp3). Not allowed for Aurora, whose storage grows by itself. @default 20 */
  readonly allocatedStorageGb?: number;
  /**
   * Upper bound in GiB for storage autoscaling, above `allocatedStorageGb` and at most
   * 65536. Not allowed for Aurora.
   * @default no storage autoscaling
   */
  readonly maxAllocatedStorageGb?: number;
  /** Aurora only: number of cluster instances, 1–16 (the first is the writer). @default 1 */
  readonly auroraInstanceCount?: number;
  /**
   * A standby in another zone. For Aurora, the cluster then needs `auroraInstanceCount` of
   * at least 2 (a replica to fail over to).
   */
  readonly multiAz: boolean;
  /** Refuse to delete the database (including through `terraform destroy`). */
  readonly deletionProtection: boolean;
  /** Days to keep automated backups, 1–35. */
  readonly backupRetentionDays: number;
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
  readonly logExports?: readonly string[];
  /** Retention of the exported log groups, a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, ...). @default 30 */
  readonly logRetentionDays?: number;
  /**
   * Enhanced monitoring interval in seconds: 0 (off), 1, 5, 10, 15, 30 or 60. Other than 0
   * creates a role with the AWS managed policy `AmazonRDSEnhancedMonitoringRole`.
   * @default 0
   */
  readonly monitoringIntervalSeconds?: number;
  /** Performance Insights, encrypted with the KMS key when one is given. @default false */
  readonly performanceInsights?: boolean;
  /** IAM database authentication, besides passwords. */
  readonly iamAuthentication: boolean;
  /** Days between rotations of the RDS-managed master password, 1–365. @default 7 */
  readonly masterPasswordRotationDays?: number;
  /** VPC of the database's security group. */
  readonly vpcId: string;
  /** Private subnets of the DB subnet group, at least two, in different zones. */
  readonly subnetIds: readonly string[];
  /**
   * ARN of the customer-managed KMS key for storage, the master secret, Performance
   * Insights and the log groups.
   * @default the AWS-managed keys (`aws/rds`, `aws/secretsmanager`) and CloudWatch Logs' own encryption
   */
  readonly kmsKeyArn?: string;
  /** Take a final snapshot, `<identifier>-final`, when the database is destroyed. */
  readonly finalSnapshot: boolean;
}

const IDENTIFIER_PATTERN = /^[a-z](?:-?[a-z0-9])*$/;
const INSTANCE_CLASS_PATTERN = /^db\.[a-z0-9-]+\.[a-z0-9]+$/;
const DATABASE_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;
/** Characters EC2 accepts in a security group rule description, at most 255. */
const RULE_DESCRIPTION_PATTERN = /^[a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]{1,255}$/;
const MONITORING_ROLE_SUFFIX = "-rds-monitoring";

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
    const settings = resolveSettings(props);
    const traits = ENGINE_TRAITS[props.engine];
    this.identifier = props.identifier;
    this.engine = props.engine;
    this.isAurora = traits.aurora;
    this.instanceIdentifierKey = traits.aurora ? "dbClusterIdentifier" : "dbInstanceIdentifier";
    this.port = settings.port;
    this.databaseName = props.databaseName;
    this.masterUsername = props.masterUsername;

    const securityGroup = new SecurityGroup(this, "SecurityGroup", {
      name: `${props.identifier}-database`,
      description: `Database ${props.identifier}: port ${settings.port} from registered security groups only`,
      vpcId: props.vpcId,
      tags: { Name: `${props.identifier}-database` },
    });
    this.securityGroupId = securityGroup.id;
    const subnetGroup = new DbSubnetGroup(this, "SubnetGroup", {
      name: props.identifier,
      description: `Private subnets of database ${props.identifier}`,
      subnetIds: [...props.subnetIds],
    });
    const parameterGroupProps = {
      namePrefix: `${props.identifier}-`,
      family: settings.parameterGroupFamily,
      description: `Database ${props.identifier}: TLS required`,
      parameter: [traits.tlsParameter, ...logParameters(props.engine, settings.logExports)],
      // A new family (major upgrade) replaces the group while the database still uses the old one.
      lifecycle: { createBeforeDestroy: true },
    };
    const parameterGroupName = traits.aurora
      ? new RdsClusterParameterGroup(this, "ParameterGroup", parameterGroupProps).name
      : new DbParameterGroup(this, "ParameterGroup", parameterGroupProps).name;
    // Aurora MySQL audits through cluster parameters; MySQL and MariaDB through a plugin.
    const optionGroup =
      !traits.aurora && settings.logExports.includes("audit")
        ? new DbOptionGroup(this, "OptionGroup", {
            namePrefix: `${props.identifier}-`,
            optionGroupDescription: `Database ${props.identifier}: audit plugin`,
            engineName: props.engine,
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
          name: `/aws/rds/${traits.aurora ? "cluster" : "instance"}/${props.identifier}/${logType}`,
          retentionInDays: settings.logRetentionDays,
          kmsKeyId: props.kmsKeyArn,
        })
    );
    const monitoring = settings.monitoringInterval > 0 ? this.createMonitoringRole(props.identifier) : undefined;
    // RDS must find the role's policy attached when it starts monitoring.
    const monitoringDependencies = monitoring ? [monitoring.attachment] : [];

    // What a DB instance and an Aurora cluster share, under the same attribute names.
    const sharedWithCluster = {
      engine: props.engine,
      engineVersion: props.engineVersion,
      port: settings.port,
      storageEncrypted: true,
      kmsKeyId: props.kmsKeyArn,
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: props.kmsKeyArn,
      iamDatabaseAuthenticationEnabled: props.iamAuthentication,
      dbSubnetGroupName: subnetGroup.name,
      vpcSecurityGroupIds: [securityGroup.id],
      backupRetentionPeriod: props.backupRetentionDays,
      copyTagsToSnapshot: true,
      deletionProtection: props.deletionProtection,
      skipFinalSnapshot: !props.finalSnapshot,
      finalSnapshotIdentifier: props.finalSnapshot ? `${props.identifier}-final` : undefined,
      enabledCloudwatchLogsExports: settings.logExports.length > 0 ? settings.logExports : undefined,
    } satisfies Partial<DbInstanceConfig> & Partial<RdsClusterConfig>;
    // What a DB instance and an Aurora cluster instance share.
    const sharedWithClusterInstances = {
      instanceClass: props.instanceClass,
      publiclyAccessible: false,
      autoMinorVersionUpgrade: true,
      monitoringInterval: settings.monitoringInterval,
      monitoringRoleArn: monitoring?.roleArn,
      performanceInsightsEnabled: settings.performanceInsights,
      performanceInsightsKmsKeyId: settings.performanceInsights ? props.kmsKeyArn : undefined,
    } satisfies Partial<DbInstanceConfig> & Partial<RdsClusterInstanceConfig>;

    if (traits.aurora) {
      const cluster = new RdsCluster(this, "Cluster", {
        ...sharedWithCluster,
        clusterIdentifier: props.identifier,
        databaseName: props.databaseName,
        masterUsername: props.masterUsername,
        dbClusterParameterGroupName: parameterGroupName,
        dependsOn: logGroups,
      });
      for (let i = 1; i <= settings.auroraInstanceCount; i++) {
        new RdsClusterInstance(this, `Instance${i}`, {
          ...sharedWithClusterInstances,
          identifier: `${props.identifier}-${i}`,
          clusterIdentifier: cluster.clusterIdentifier,
          engine: props.engine,
          engineVersion: cluster.engineVersion,
          dbSubnetGroupName: subnetGroup.name,
          dependsOn: monitoringDependencies,
        });
      }
      this.endpointAddress = cluster.endpoint;
      this.readerEndpointAddress = cluster.readerEndpoint;
      this.arn = cluster.arn;
      this.masterUserSecretArn = cluster.masterUserSecret.get(0).secretArn;
    } else {
      const instance = new DbInstance(this, "Instance", {
        ...sharedWithCluster,
        ...sharedWithClusterInstances,
        dependsOn: [...logGroups, ...monitoringDependencies],
        identifier: props.identifier,
        dbName: props.databaseName,
        username: props.masterUsername,
        parameterGroupName,
        optionGroupName: optionGroup?.name,
        storageType: "gp3",
        allocatedStorage: settings.allocatedStorageGb,
        maxAllocatedStorage: props.maxAllocatedStorageGb,
        multiAz: props.multiAz,
      });
      this.endpointAddress = instance.address;
      this.readerEndpointAddress = undefined;
      this.arn = instance.arn;
      this.masterUserSecretArn = instance.masterUserSecret.get(0).secretArn;
    }

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
    checkAwsIdentifier("securityGroupId", securityGroupId, "security-group-id");
    checkPattern(
      "description",
      description,
      RULE_DESCRIPTION_PATTERN,
      "1 to 255 letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*"
    );
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

/** The props with defaults applied and derived values computed. */
interface DatabaseSettings {
  readonly port: number;
  /** `8.0`, `10.11` (MySQL family) or `16` (PostgreSQL family): the option group's major version. */
  readonly majorVersion: string;
  readonly parameterGroupFamily: string;
  readonly allocatedStorageGb: number;
  readonly auroraInstanceCount: number;
  readonly logExports: string[];
  readonly logRetentionDays: number;
  readonly monitoringInterval: number;
  readonly performanceInsights: boolean;
  readonly masterPasswordRotationDays: number;
}

/** Validates the props (each error names the prop and what is allowed) and applies the defaults. */
function resolveSettings(props: DatabaseProps): DatabaseSettings {
  checkOneOf("engine", props.engine, ENGINES);
  const traits = ENGINE_TRAITS[props.engine];
  const majorVersion = engineMajorVersion(props.engine, props.engineVersion);
  const settings: DatabaseSettings = {
    port: props.port ?? traits.defaultPort,
    majorVersion,
    parameterGroupFamily: `${props.engine}${majorVersion}`,
    allocatedStorageGb: props.allocatedStorageGb ?? 20,
    auroraInstanceCount: props.auroraInstanceCount ?? 1,
    logExports: [...(props.logExports ?? [])],
    logRetentionDays: props.logRetentionDays ?? 30,
    monitoringInterval: props.monitoringIntervalSeconds ?? 0,
    performanceInsights: props.performanceInsights ?? false,
    masterPasswordRotationDays: props.masterPasswordRotationDays ?? 7,
  };

  const maxIdentifierLength =
    settings.monitoringInterval > 0 ? 64 - MONITORING_ROLE_SUFFIX.length : traits.aurora ? 60 : 63;
  checkPattern(
    "identifier",
    props.identifier,
    IDENTIFIER_PATTERN,
    "a lower-case letter, then lower-case letters, digits and single hyphens, not ending with a hyphen"
  );
  if (props.identifier.length > maxIdentifierLength) {
    throw new ValidationError(
      "identifier",
      `is ${props.identifier.length} characters long; allowed: at most ${maxIdentifierLength} ` +
        `(63 for a DB instance, 60 for Aurora, 49 with enhanced monitoring)`
    );
  }
  checkPattern(
    "instanceClass",
    props.instanceClass,
    INSTANCE_CLASS_PATTERN,
    "a DB instance class such as db.t4g.micro"
  );
  checkPattern(
    "databaseName",
    props.databaseName,
    DATABASE_NAME_PATTERN,
    "a letter, then letters, digits or _, at most 63 characters"
  );
  checkPattern(
    "masterUsername",
    props.masterUsername,
    new RegExp(`^(?!rdsadmin$)[A-Za-z][A-Za-z0-9_]{0,${traits.maxUsernameLength - 1}}$`),
    `a letter, then letters, digits or _, at most ${traits.maxUsernameLength} characters for ${props.engine}; not rdsadmin`
  );
  checkIntegerRange("port", settings.port, 1150, 65535);
  if (traits.aurora) {
    for (const field of ["allocatedStorageGb", "maxAllocatedStorageGb"] as const) {
      if (props[field] !== undefined) {
        throw new ValidationError(
          field,
          "is set; allowed only for mysql, mariadb and postgres (Aurora storage grows by itself)"
        );
      }
    }
    checkIntegerRange("auroraInstanceCount", settings.auroraInstanceCount, 1, 16);
    if (props.multiAz && settings.auroraInstanceCount < 2) {
      throw new ValidationError(
        "auroraInstanceCount",
        `is ${settings.auroraInstanceCount} with multiAz; allowed: at least 2 (a replica to fail over to)`
      );
    }
  } else {
    if (props.auroraInstanceCount !== undefined) {
      throw new ValidationError("auroraInstanceCount", "is set; allowed only for aurora-mysql and aurora-postgresql");
    }
    checkIntegerRange("allocatedStorageGb", settings.allocatedStorageGb, 20, 65536);
    if (props.maxAllocatedStorageGb !== undefined) {
      checkIntegerRange("maxAllocatedStorageGb", props.maxAllocatedStorageGb, settings.allocatedStorageGb + 1, 65536);
    }
  }
  checkIntegerRange("backupRetentionDays", props.backupRetentionDays, 1, 35);
  checkDistinctList("logExports", settings.logExports, 0);
  settings.logExports.forEach((logType, i) => {
    const refused = traits.refusedLogExports;
    if (refused?.logTypes.includes(logType)) {
      throw new ValidationError(
        `logExports[${i}]`,
        `is ${JSON.stringify(logType)}; allowed for ${props.engine}: ` +
          `${traits.logExports.map((t) => JSON.stringify(t)).join(", ")} (${refused.reason})`
      );
    }
    checkOneOf(`logExports[${i}]`, logType, traits.logExports);
  });
  checkLogRetentionDays("logRetentionDays", settings.logRetentionDays);
  checkOneOf<number>("monitoringIntervalSeconds", settings.monitoringInterval, MONITORING_INTERVALS);
  checkIntegerRange("masterPasswordRotationDays", settings.masterPasswordRotationDays, 1, 365);
  checkAwsIdentifier("vpcId", props.vpcId, "vpc-id");
  checkDistinctList("subnetIds", props.subnetIds, 2);
  props.subnetIds.forEach((subnetId, i) => checkAwsIdentifier(`subnetIds[${i}]`, subnetId, "subnet-id"));
  if (props.kmsKeyArn !== undefined) {
    checkAwsIdentifier("kmsKeyArn", props.kmsKeyArn, "kms-key-arn");
  }
  return settings;
}

/**
 * Parameters that make a MySQL-family engine write the exported logs: the general and
 * slow query logs to files (which RDS exports; the default, TABLE, is not exported) and,
 * for Aurora MySQL, the audit log. Nothing for the PostgreSQL family, whose exported
 * logs are always written.
 */
function logParameters(engine: Engine, logExports: readonly string[]): { name: string; value: string }[] {
  if (engineFamily(engine) !== "mysql") return [];
  const parameters = MYSQL_LOG_SWITCHES.filter(([logType]) => logExports.includes(logType)).map(([, variable]) => ({
    name: variable,
    value: "1",
  }));
  if (parameters.length > 0) parameters.push({ name: "log_output", value: "FILE" });
  if (engine === "aurora-mysql" && logExports.includes("audit")) {
    parameters.push({ name: "server_audit_logging", value: "1" }, { name: "server_audit_events", value: AUDIT_EVENTS });
  }
  return parameters;
}

/**
 * The major version of an engine version, as parameter group families and option groups
 * name it: `8.0`, `10.11` (MySQL family, major.minor) or `16` (PostgreSQL family).
 */
function engineMajorVersion(engine: Engine, version: string): string {
  const traits = ENGINE_TRAITS[engine];
  const match = traits.versionPattern.exec(version);
  const major = Number(match?.[1]);
  const minor = Number(match?.[2] ?? 0);
  const [minMajor, minMinor] = traits.minimumVersion;
  if (!match || major < minMajor || (major === minMajor && minor < minMinor)) {
    throw new ValidationError(
      "engineVersion",
      `is ${JSON.stringify(version)}; allowed for ${engine}: a version such as ${traits.versionExamples}, ` +
        `${minMajor}${engineFamily(engine) === "mysql" ? `.${minMinor}` : ""} or newer`
    );
  }
  return engineFamily(engine) === "mysql" ? `${major}.${minor}` : `${major}`;
}
