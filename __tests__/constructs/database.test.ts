import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import { DbParameterGroup } from "@cdktf/provider-aws/lib/db-parameter-group";
import { RdsCluster } from "@cdktf/provider-aws/lib/rds-cluster";
import { RdsClusterInstance } from "@cdktf/provider-aws/lib/rds-cluster-instance";
import { RdsClusterParameterGroup } from "@cdktf/provider-aws/lib/rds-cluster-parameter-group";
import { SecretsmanagerSecretRotation } from "@cdktf/provider-aws/lib/secretsmanager-secret-rotation";
import { Database, type DatabaseProps } from "../../constructs/database";
import type { Engine } from "../../shared/secret-contract";
import {
  onlyResource,
  referenceTo,
  resources,
  statementsOf,
  synthesize,
  testStack,
  type SynthesizedStack,
} from "./test-stack";

const KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const CLIENT_SG = "sg-0123456789abcdef0";

function databaseProps(overrides: Partial<DatabaseProps> = {}): DatabaseProps {
  return {
    identifier: "mytestdatabaseinstance",
    engine: "mysql",
    engineVersion: "8.4",
    instanceClass: "db.t4g.micro",
    databaseName: "app",
    masterUsername: "adminuser",
    multiAz: false,
    deletionProtection: true,
    backupRetentionDays: 7,
    iamAuthentication: false,
    vpcId: "vpc-0123456789abcdef0",
    subnetIds: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"],
    finalSnapshot: false,
    ...overrides,
  };
}

function build(overrides: Partial<DatabaseProps> = {}, configure: (database: Database) => void = () => undefined) {
  const stack = testStack();
  const database = new Database(stack, "Database", databaseProps(overrides));
  configure(database);
  return { database, ...synthesize(stack) };
}

/** Aurora's smallest class: it offers no micro or small burstable instance. */
const AURORA_CLASS = { instanceClass: "db.t4g.medium" } as const;
const AURORA = { auroraInstanceCount: 2, multiAz: true, ...AURORA_CLASS } as const;

/** The DB instance, or the cluster and its instances, of a synthesized database. */
function engineResources(json: SynthesizedStack) {
  return {
    instances: [...resources(json, "aws_db_instance"), ...resources(json, "aws_rds_cluster_instance")],
    storage: [...resources(json, "aws_db_instance"), ...resources(json, "aws_rds_cluster")],
  };
}

describe("Database", () => {
  describe.each<[Engine, Partial<DatabaseProps>]>([
    ["mysql", { engineVersion: "8.4" }],
    ["mariadb", { engineVersion: "10.11" }],
    ["postgres", { engineVersion: "16" }],
    ["aurora-mysql", { engineVersion: "8.0.mysql_aurora.3.08.0", ...AURORA }],
    ["aurora-postgresql", { engineVersion: "16.4", ...AURORA }],
  ])("%s: always", (engine, overrides) => {
    const { synthesized, json } = build({ engine, ...overrides });
    const { instances, storage } = engineResources(json);
    const aurora = engine.startsWith("aurora");
    const Storage = aurora ? RdsCluster : DbInstance;
    const Instance = aurora ? RdsClusterInstance : DbInstance;

    it("is encrypted at rest with a master password managed by RDS", () => {
      expect(storage).toHaveLength(1);
      expect(synthesized).toHaveResourceWithProperties(Storage, {
        storage_encrypted: true,
        manage_master_user_password: true,
        engine,
      });
      // With the AWS-managed key: no key attribute at all.
      for (const attribute of [
        "password",
        "master_password",
        "password_wo",
        "master_password_wo",
        "kms_key_id",
        "master_user_secret_kms_key_id",
      ]) {
        expect(synthesized).not.toHaveResourceWithProperties(Storage, { [attribute]: expect.anything() });
      }
    });

    it("is never publicly accessible and upgrades minor versions", () => {
      expect(synthesized).not.toHaveResourceWithProperties(Instance, { publicly_accessible: true });
      expect(instances.length).toBeGreaterThan(0);
      for (const instance of instances) {
        expect(instance).toMatchObject({ publicly_accessible: false, auto_minor_version_upgrade: true });
      }
    });

    it("sits in a subnet group of the given subnets behind a security group with no inline rules", () => {
      expect(onlyResource(json, "aws_db_subnet_group").subnet_ids).toEqual(databaseProps().subnetIds);
      const group = onlyResource(json, "aws_security_group");
      expect(group.vpc_id).toBe("vpc-0123456789abcdef0");
      expect(group).not.toHaveProperty("ingress");
      expect(group).not.toHaveProperty("egress");
      expect(storage[0]).toMatchObject({
        db_subnet_group_name: referenceTo(json, "aws_db_subnet_group", 0, "name"),
        vpc_security_group_ids: [referenceTo(json, "aws_security_group", 0, "id")],
      });
      expect(resources(json, "aws_vpc_security_group_ingress_rule")).toHaveLength(0);
    });

    it("states its engine lifecycle support: out of paid Extended Support, where the engine has one", () => {
      // The API's default, when the attribute is left out, enrols the database in Extended Support.
      expect(storage[0].engine_lifecycle_support).toBe(
        engine === "mariadb" ? undefined : "open-source-rds-extended-support-disabled",
      );
      // Aurora's instances take it from their cluster.
      for (const instance of resources(json, "aws_rds_cluster_instance")) {
        expect(instance).not.toHaveProperty("engine_lifecycle_support");
      }
    });

    it("rotates the master secret every 7 days with managed rotation", () => {
      expect(resources(json, "aws_secretsmanager_secret_rotation")).toHaveLength(1);
      expect(synthesized).toHaveResourceWithProperties(SecretsmanagerSecretRotation, {
        secret_id: referenceTo(json, Storage.tfResourceType, 0, "master_user_secret[0].secret_arn"),
        rotation_rules: { automatically_after_days: 7 },
      });
      expect(synthesized).not.toHaveResourceWithProperties(SecretsmanagerSecretRotation, {
        rotation_lambda_arn: expect.anything(),
      });
    });
  });

  describe.each<
    [
      Engine,
      Partial<DatabaseProps>,
      typeof DbParameterGroup | typeof RdsClusterParameterGroup,
      string,
      { name: string; value: string; apply_method?: string },
    ]
  >([
    [
      "mysql",
      { engineVersion: "8.0.39", extendedSupport: true },
      DbParameterGroup,
      "mysql8.0",
      { name: "require_secure_transport", value: "1" },
    ],
    [
      "mysql",
      { engineVersion: "8.4" },
      DbParameterGroup,
      "mysql8.4",
      { name: "require_secure_transport", value: "1" },
    ],
    [
      "mariadb",
      { engineVersion: "10.11.9" },
      DbParameterGroup,
      "mariadb10.11",
      { name: "require_secure_transport", value: "1" },
    ],
    [
      "postgres",
      { engineVersion: "16.4" },
      DbParameterGroup,
      "postgres16",
      // Static in RDS for PostgreSQL: "immediate" (the provider's default) would fail.
      { name: "rds.force_ssl", value: "1", apply_method: "pending-reboot" },
    ],
    [
      "aurora-mysql",
      { engineVersion: "8.0", ...AURORA_CLASS },
      RdsClusterParameterGroup,
      "aurora-mysql8.0",
      { name: "require_secure_transport", value: "ON" },
    ],
    [
      "aurora-postgresql",
      { engineVersion: "15.6", ...AURORA_CLASS },
      RdsClusterParameterGroup,
      "aurora-postgresql15",
      { name: "rds.force_ssl", value: "1" },
    ],
  ])("%s %j: TLS", (engine, overrides, Group, family, parameter) => {
    it(`is forced by a ${family} parameter group`, () => {
      const { synthesized, json } = build({ engine, ...overrides });
      expect(resources(json, Group.tfResourceType)).toHaveLength(1);
      // `parameter` is compared exactly: this one parameter, and `apply_method` only where given.
      expect(synthesized).toHaveResourceWithProperties(Group, {
        family,
        parameter: [parameter],
        lifecycle: { create_before_destroy: true },
      });
      const attribute = Group === DbParameterGroup ? "parameter_group_name" : "db_cluster_parameter_group_name";
      expect(engineResources(json).storage[0][attribute]).toBe(referenceTo(json, Group.tfResourceType, 0, "name"));
    });
  });

  it.each<[Engine, Partial<DatabaseProps>]>([
    ["mysql", { engineVersion: "8.0" }],
    ["postgres", { engineVersion: "13" }],
    ["aurora-postgresql", { engineVersion: "12", ...AURORA }],
  ])("runs %s %j, past standard support, when the database opts in to Extended Support", (engine, overrides) => {
    const { json } = build({ engine, ...overrides, extendedSupport: true });
    const { storage } = engineResources(json);
    expect(storage).toHaveLength(1);
    expect(storage[0]).toMatchObject({
      engine_version: overrides.engineVersion,
      engine_lifecycle_support: "open-source-rds-extended-support",
    });
  });

  describe("DB instance", () => {
    it("maps the props onto the instance", () => {
      const { database, synthesized, json } = build({ maxAllocatedStorageGb: 100, multiAz: true, iamAuthentication: true });
      expect(resources(json, "aws_db_instance")).toHaveLength(1);
      expect(synthesized).toHaveResourceWithProperties(DbInstance, {
        identifier: "mytestdatabaseinstance",
        engine_version: "8.4",
        instance_class: "db.t4g.micro",
        db_name: "app",
        username: "adminuser",
        port: 3306,
        allocated_storage: 20,
        max_allocated_storage: 100,
        storage_type: "gp3",
        multi_az: true,
        deletion_protection: true,
        backup_retention_period: 7,
        iam_database_authentication_enabled: true,
        copy_tags_to_snapshot: true,
        skip_final_snapshot: true,
        monitoring_interval: 0,
        performance_insights_enabled: false,
      });
      expect(synthesized).not.toHaveResource(RdsCluster);
      expect(database.isAurora).toBe(false);
      expect(database.instanceIdentifierKey).toBe("dbInstanceIdentifier");
      expect(database.port).toBe(3306);
      expect(database.identifier).toBe("mytestdatabaseinstance");
      expect(database.databaseName).toBe("app");
      expect(database.readerEndpointAddress).toBeUndefined();
    });

    it("defaults the port to 5432 for PostgreSQL and takes a given port", () => {
      expect(build({ engine: "postgres", engineVersion: "16" }).database.port).toBe(5432);
      const { database, json } = build({ port: 3307 });
      expect(database.port).toBe(3307);
      expect(onlyResource(json, "aws_db_instance").port).toBe(3307);
    });

    it("takes a final snapshot when asked", () => {
      const { json } = build({ finalSnapshot: true });
      expect(onlyResource(json, "aws_db_instance")).toMatchObject({
        skip_final_snapshot: false,
        final_snapshot_identifier: "mytestdatabaseinstance-final",
      });
    });

    it("uses the customer-managed key for storage, master secret, Performance Insights and logs", () => {
      const { synthesized } = build({ kmsKeyArn: KEY_ARN, performanceInsights: true, logExports: ["error"] });
      expect(synthesized).toHaveResourceWithProperties(DbInstance, {
        kms_key_id: KEY_ARN,
        master_user_secret_kms_key_id: KEY_ARN,
        performance_insights_enabled: true,
        performance_insights_kms_key_id: KEY_ARN,
      });
      expect(synthesized).toHaveResourceWithProperties(CloudwatchLogGroup, { kms_key_id: KEY_ARN });
    });

    it("leaves Performance Insights on the AWS-managed key without a key", () => {
      const { synthesized } = build({ performanceInsights: true });
      expect(synthesized).toHaveResourceWithProperties(DbInstance, { performance_insights_enabled: true });
      expect(synthesized).not.toHaveResourceWithProperties(DbInstance, {
        performance_insights_kms_key_id: expect.anything(),
      });
    });
  });

  describe("Aurora cluster", () => {
    it("creates the cluster and its instances", () => {
      const { database, synthesized, json } = build({
        engine: "aurora-postgresql",
        engineVersion: "16",
        ...AURORA_CLASS,
        auroraInstanceCount: 3,
        multiAz: true,
        kmsKeyArn: KEY_ARN,
      });
      expect(resources(json, "aws_rds_cluster")).toHaveLength(1);
      expect(synthesized).toHaveResourceWithProperties(RdsCluster, {
        cluster_identifier: "mytestdatabaseinstance",
        database_name: "app",
        master_username: "adminuser",
        port: 5432,
        kms_key_id: KEY_ARN,
        master_user_secret_kms_key_id: KEY_ARN,
        backup_retention_period: 7,
      });
      const instances = resources(json, "aws_rds_cluster_instance");
      expect(instances.map((i) => i.identifier)).toEqual([1, 2, 3].map((n) => `mytestdatabaseinstance-${n}`));
      for (const instance of instances) {
        expect(instance).toMatchObject({
          cluster_identifier: referenceTo(json, "aws_rds_cluster", 0, "cluster_identifier"),
          instance_class: "db.t4g.medium",
          engine: "aurora-postgresql",
        });
      }
      expect(synthesized).not.toHaveResource(DbInstance);
      expect(synthesized).not.toHaveResource(DbParameterGroup);
      expect(database.isAurora).toBe(true);
      expect(database.instanceIdentifierKey).toBe("dbClusterIdentifier");
      expect(database.readerEndpointAddress).toBeDefined();
    });

    it("has one instance by default", () => {
      const { json } = build({ engine: "aurora-mysql", engineVersion: "8.0", ...AURORA_CLASS });
      expect(resources(json, "aws_rds_cluster_instance")).toHaveLength(1);
    });
  });

  describe("log exports", () => {
    it("pre-creates the instance log groups with retention", () => {
      const { json } = build({
        engine: "postgres",
        engineVersion: "16",
        logExports: ["postgresql", "upgrade"],
        logRetentionDays: 90,
      });
      const groups = resources(json, "aws_cloudwatch_log_group");
      expect(groups.map((g) => [g.name, g.retention_in_days])).toEqual([
        ["/aws/rds/instance/mytestdatabaseinstance/postgresql", 90],
        ["/aws/rds/instance/mytestdatabaseinstance/upgrade", 90],
      ]);
      for (const group of groups) expect(group).not.toHaveProperty("kms_key_id");
      const instance = onlyResource(json, "aws_db_instance");
      expect(instance.enabled_cloudwatch_logs_exports).toEqual(["postgresql", "upgrade"]);
      expect(instance.depends_on).toEqual(
        Object.keys(json.resource?.aws_cloudwatch_log_group ?? {}).map((name) => `aws_cloudwatch_log_group.${name}`)
      );
    });

    it("pre-creates the cluster log groups, kept 30 days by default", () => {
      const { json } = build({ engine: "aurora-mysql", engineVersion: "8.0", logExports: ["slowquery"], ...AURORA_CLASS });
      expect(onlyResource(json, "aws_cloudwatch_log_group")).toMatchObject({
        name: "/aws/rds/cluster/mytestdatabaseinstance/slowquery",
        retention_in_days: 30,
      });
      expect(onlyResource(json, "aws_rds_cluster").enabled_cloudwatch_logs_exports).toEqual(["slowquery"]);
    });

    it("exports nothing by default", () => {
      const { synthesized } = build();
      expect(synthesized).toHaveResource(DbInstance);
      expect(synthesized).not.toHaveResource(CloudwatchLogGroup);
      expect(synthesized).not.toHaveResourceWithProperties(DbInstance, {
        enabled_cloudwatch_logs_exports: expect.anything(),
      });
    });
  });

  describe("logs actually written", () => {
    const TLS = { name: "require_secure_transport", value: "1" };
    const FILE_OUTPUT = { name: "log_output", value: "FILE" };
    /** The audit events, as a plain list. */
    const AUDIT_EVENTS = ["CONNECT", "QUERY_DDL"];

    it("turns the MySQL general and slow query logs on and writes them to files, which RDS exports", () => {
      const { json } = build({ logExports: ["error", "general", "slowquery"] });
      expect(onlyResource(json, "aws_db_parameter_group").parameter).toEqual([
        TLS,
        { name: "general_log", value: "1" },
        { name: "slow_query_log", value: "1" },
        FILE_OUTPUT,
      ]);
    });

    it("turns on only the exported log", () => {
      const { json } = build({ logExports: ["slowquery"] });
      expect(onlyResource(json, "aws_db_parameter_group").parameter).toEqual([
        TLS,
        { name: "slow_query_log", value: "1" },
        FILE_OUTPUT,
      ]);
    });

    it.each<[string, Partial<DatabaseProps>, string]>([
      ["the MySQL error log", { logExports: ["error"] }, "aws_db_parameter_group"],
      [
        "the PostgreSQL logs",
        { engine: "postgres", engineVersion: "16", logExports: ["postgresql", "upgrade"] },
        "aws_db_parameter_group",
      ],
      [
        "the Aurora PostgreSQL log",
        { engine: "aurora-postgresql", engineVersion: "16", logExports: ["postgresql"], ...AURORA_CLASS },
        "aws_rds_cluster_parameter_group",
      ],
    ])("sets nothing but TLS for %s, which the engine always writes", (_, overrides, groupType) => {
      const { json } = build(overrides);
      expect(onlyResource(json, groupType).parameter).toHaveLength(1);
      expect(resources(json, "aws_db_option_group")).toHaveLength(0);
    });

    it("sets the logs and Advanced Auditing up in the Aurora MySQL cluster parameter group", () => {
      const { json } = build({ engine: "aurora-mysql", engineVersion: "8.0", logExports: ["audit", "general"], ...AURORA_CLASS });
      expect(onlyResource(json, "aws_rds_cluster_parameter_group").parameter).toEqual([
        { name: "require_secure_transport", value: "ON" },
        { name: "general_log", value: "1" },
        FILE_OUTPUT,
        { name: "server_audit_logging", value: "1" },
        { name: "server_audit_events", value: AUDIT_EVENTS.join(",") },
      ]);
      expect(resources(json, "aws_db_option_group")).toHaveLength(0);
    });

    it.each<[Engine, string, string]>([
      ["mysql", "8.4.7", "8.4"],
      ["mariadb", "10.11", "10.11"],
    ])("gives %s %s the audit plugin in an option group for major version %s", (engine, engineVersion, major) => {
      const { json } = build({ engine, engineVersion, logExports: ["audit", "error"] });
      const optionGroup = onlyResource(json, "aws_db_option_group");
      expect(optionGroup).toEqual({
        name_prefix: "mytestdatabaseinstance-",
        option_group_description: "Database mytestdatabaseinstance: audit plugin",
        engine_name: engine,
        major_engine_version: major,
        option: [
          {
            option_name: "MARIADB_AUDIT_PLUGIN",
            option_settings: [{ name: "SERVER_AUDIT_EVENTS", value: AUDIT_EVENTS.join(",") }],
          },
        ],
        lifecycle: { create_before_destroy: true },
        skip_destroy: true,
      });
      expect(onlyResource(json, "aws_db_instance").option_group_name).toBe(
        referenceTo(json, "aws_db_option_group", 0, "name")
      );
      // The audit log needs no parameter.
      expect(onlyResource(json, "aws_db_parameter_group").parameter).toHaveLength(1);
    });

    it("keeps the default option group without the audit log", () => {
      const { json } = build({ logExports: ["error", "general"] });
      expect(resources(json, "aws_db_option_group")).toHaveLength(0);
      expect(onlyResource(json, "aws_db_instance")).not.toHaveProperty("option_group_name");
    });

    it("audits connections and schema changes only: no statement that may carry data or a password", () => {
      const events = (overrides: Partial<DatabaseProps>) => {
        const { json } = build({ ...overrides, logExports: ["audit"] });
        const plugin = resources(json, "aws_db_option_group").flatMap((g) => g.option[0].option_settings);
        const cluster = resources(json, "aws_rds_cluster_parameter_group").flatMap((g) => g.parameter);
        const setting = [...plugin, ...cluster].find((p) => /^server_audit_events$/i.test(p.name));
        return String(setting?.value).split(",");
      };
      for (const overrides of [
        { engine: "mysql", engineVersion: "8.4" },
        { engine: "mariadb", engineVersion: "10.11" },
        { engine: "aurora-mysql", engineVersion: "8.0", ...AURORA_CLASS },
      ] as const) {
        expect(events(overrides)).toEqual(AUDIT_EVENTS);
      }
    });

    it.each(["general", "slowquery"])(
      "refuses the MariaDB %s log, which holds the rotated passwords in clear text",
      (logType) => {
        expect(() => build({ engine: "mariadb", engineVersion: "10.11", logExports: ["error", logType] })).toThrow(
          `logExports[1] is "${logType}"; allowed for mariadb: "audit", "error" ` +
            "(MariaDB writes CREATE USER, ALTER USER and SET PASSWORD statements, passwords included, " +
            "in clear text to its general and slow query logs)"
        );
      }
    );
  });

  describe("enhanced monitoring", () => {
    it.each<[string, Partial<DatabaseProps>, string]>([
      ["a DB instance", {}, "aws_db_instance"],
      ["Aurora instances", { engine: "aurora-mysql", engineVersion: "8.0", ...AURORA }, "aws_rds_cluster_instance"],
    ])("gives %s a role with the AWS managed monitoring policy", (_, overrides, instanceType) => {
      const { json } = build({ ...overrides, monitoringIntervalSeconds: 15 });
      const role = onlyResource(json, "aws_iam_role");
      expect(role.name).toBe("mytestdatabaseinstance-rds-monitoring");
      const [trust, ...others] = statementsOf(role.assume_role_policy);
      expect(others).toEqual([]);
      expect(trust).toMatchObject({
        Effect: "Allow",
        Principal: { Service: "monitoring.rds.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": expect.stringMatching(/account_id\}$/) } },
      });
      const attachment = onlyResource(json, "aws_iam_role_policy_attachment");
      expect(attachment.role).toBe(referenceTo(json, "aws_iam_role", 0, "name"));
      expect(attachment.policy_arn).toMatch(/:iam::aws:policy\/service-role\/AmazonRDSEnhancedMonitoringRole$/);
      const attachmentName = Object.keys(json.resource?.aws_iam_role_policy_attachment ?? {})[0];
      for (const instance of resources(json, instanceType)) {
        expect(instance).toMatchObject({
          monitoring_interval: 15,
          monitoring_role_arn: referenceTo(json, "aws_iam_role", 0, "arn"),
        });
        expect(instance.depends_on).toContain(`aws_iam_role_policy_attachment.${attachmentName}`);
      }
    });

    it("creates no role when off", () => {
      const { json } = build({ monitoringIntervalSeconds: 0 });
      expect(resources(json, "aws_iam_role")).toHaveLength(0);
      expect(onlyResource(json, "aws_db_instance")).not.toHaveProperty("monitoring_role_arn");
    });
  });

  it("rotates the master password on the given schedule", () => {
    const { json } = build({ masterPasswordRotationDays: 30 });
    expect(onlyResource(json, "aws_secretsmanager_secret_rotation").rotation_rules).toEqual({
      automatically_after_days: 30,
    });
  });

  it("admits a security group to the database port only through allowConnectionsFrom", () => {
    const { json } = build({ engine: "postgres", engineVersion: "16" }, (db) =>
      db.allowConnectionsFrom("RotationFunction", CLIENT_SG, "Rotation function")
    );
    expect(onlyResource(json, "aws_vpc_security_group_ingress_rule")).toEqual({
      security_group_id: referenceTo(json, "aws_security_group", 0, "id"),
      referenced_security_group_id: CLIENT_SG,
      ip_protocol: "tcp",
      from_port: 5432,
      to_port: 5432,
      description: "Rotation function",
    });
  });

  describe("validation", () => {
    it.each<[string, Partial<DatabaseProps>, string]>([
      [
        "an unknown engine",
        { engine: "oracle-ee" as Engine },
        'engine is "oracle-ee"; allowed: "mysql", "mariadb", "aurora-mysql", "postgres", "aurora-postgresql"',
      ],
      [
        "a PostgreSQL version with MySQL, which passed synth before the engine table had majors",
        { engineVersion: "15.4" },
        'engineVersion is "15.4"; allowed for mysql: a major version ("8.4", "8.0") or a minor version of one, such as "8.4.7"',
      ],
      [
        "a MySQL version without a minor version",
        { engineVersion: "8" },
        'engineVersion is "8"; allowed for mysql: a major version ("8.4", "8.0") or a minor version of one, such as "8.4.7"',
      ],
      [
        "MySQL 5.7, whose users the rotation function cannot mark (no roles)",
        { engineVersion: "5.7.44", extendedSupport: true },
        'engineVersion is "5.7.44"; allowed for mysql: a major version ("8.4", "8.0") or a minor version of one, such as "8.4.7"',
      ],
      [
        "MySQL 8.0 without Extended Support, which RDS refuses to create past standard support",
        { engineVersion: "8.0" },
        'engineVersion is "8.0", past RDS standard support since 2026-07-31: RDS creates it only under paid Extended Support; ' +
          'allowed for mysql: a major in standard support ("8.4"), or extendedSupport true',
      ],
      [
        "PostgreSQL 12 without Extended Support",
        { engine: "postgres", engineVersion: "12.22" },
        'engineVersion is "12.22", past RDS standard support since 2025-02-28: RDS creates it only under paid Extended Support; ' +
          'allowed for postgres: a major in standard support ("18", "17", "16", "15", "14"), or extendedSupport true',
      ],
      [
        "a PostgreSQL version with three parts",
        { engine: "postgres", engineVersion: "16.4.1" },
        'engineVersion is "16.4.1"; allowed for postgres: a major version ("18", "17", "16", "15", "14", "13", "12", "11") or a minor version of one, such as "16.4"',
      ],
      [
        "a MariaDB version past its support",
        { engine: "mariadb", engineVersion: "10.6" },
        'engineVersion is "10.6"; allowed for mariadb: a major version ("11.8", "11.4", "10.11") or a minor version of one, such as "10.11.9"',
      ],
      [
        "Extended Support for MariaDB, which has none",
        { engine: "mariadb", engineVersion: "10.11", extendedSupport: true },
        "extendedSupport is true; allowed for mariadb: false (RDS has no Extended Support for mariadb)",
      ],
      [
        "an Aurora MySQL 2 version",
        { engine: "aurora-mysql", engineVersion: "5.7.mysql_aurora.2.11.2", ...AURORA_CLASS },
        'engineVersion is "5.7.mysql_aurora.2.11.2"; allowed for aurora-mysql: a major version ("8.0") or a minor version of one, such as "8.0.mysql_aurora.3.08.0"',
      ],
      ["a named version", { engineVersion: "latest" }, 'engineVersion is "latest"'],
      ["an upper-case identifier", { identifier: "MyDb" }, 'identifier is "MyDb"; allowed: a lower-case letter'],
      ["an identifier with two hyphens in a row", { identifier: "my--db" }, 'identifier is "my--db"'],
      ["an identifier ending with a hyphen", { identifier: "mydb-" }, 'identifier is "mydb-"'],
      [
        "an identifier too long for a DB instance",
        { identifier: "a".repeat(64) },
        "identifier is 64 characters long; allowed: at most 63",
      ],
      [
        "an identifier too long for Aurora",
        { identifier: "a".repeat(61), engine: "aurora-mysql", engineVersion: "8.0", ...AURORA_CLASS },
        "identifier is 61 characters long; allowed: at most 60",
      ],
      [
        "an identifier too long for the monitoring role",
        { identifier: "a".repeat(50), monitoringIntervalSeconds: 60 },
        "identifier is 50 characters long; allowed: at most 49",
      ],
      [
        "a misspelt instance size, which passed synth before the class table",
        { instanceClass: "db.t4g.mirco" },
        'instanceClass is "db.t4g.mirco"; allowed: a size of db.t4g: micro, small, medium, large, xlarge, 2xlarge; did you mean "db.t4g.micro"?',
      ],
      [
        "an instance class without its db. prefix",
        { instanceClass: "t4g.micro" },
        'instanceClass is "t4g.micro"; allowed: db.<type>.<size> with a type of mysql: t3, t4g, m5, m5d, m6g, m6gd, m6i, m6id, m6idn, m6in, ' +
          'm7g, m7i, m8g, r5, r5b, r5d, r6g, r6gd, r6i, r6id, r6idn, r6in, r7g, r7i, r8g, x2g; did you mean "db.t4g.micro"?',
      ],
      [
        "an instance class type RDS does not have, far from any",
        { instanceClass: "db.p5.48xlarge" },
        'instanceClass is "db.p5.48xlarge"; allowed: db.<type>.<size> with a type of mysql: t3, t4g, m5, m5d, m6g, m6gd, m6i, m6id, m6idn, ' +
          "m6in, m7g, m7i, m8g, r5, r5b, r5d, r6g, r6gd, r6i, r6id, r6idn, r6in, r7g, r7i, r8g, x2g",
      ],
      [
        "a micro instance for Aurora, whose burstable classes start at medium",
        { engine: "aurora-postgresql", engineVersion: "16", instanceClass: "db.t4g.micro" },
        'instanceClass is "db.t4g.micro"; allowed: a size of db.t4g: medium, large',
      ],
      [
        "a general purpose class for Aurora, which has none",
        { engine: "aurora-mysql", engineVersion: "8.0", instanceClass: "db.m7g.large" },
        'instanceClass is "db.m7g.large"; allowed: db.<type>.<size> with a type of aurora-mysql: t3, t4g, r5, r6g, r6gd, r6i, r6id, r7g, r7i, r8g, x2g; ' +
          'did you mean "db.r7g.large"?',
      ],
      [
        "a database name starting with a digit",
        { databaseName: "1app" },
        'databaseName is "1app"; allowed: a letter, then letters, digits or _',
      ],
      [
        "a system schema as the application database, which the rotation function refuses in its binding",
        { databaseName: "MySQL" },
        'databaseName is "MySQL", a system schema of mysql; allowed: an application database, not mysql, information_schema, performance_schema, sys',
      ],
      [
        "PostgreSQL's own database as the application database",
        { engine: "postgres", engineVersion: "16", databaseName: "postgres" },
        'databaseName is "postgres", a system schema of postgres; allowed: an application database, not postgres, template0, template1',
      ],
      [
        "a MySQL master user name over 16 characters",
        { masterUsername: "a".repeat(17) },
        "at most 16 characters for mysql",
      ],
      ["the reserved master user name", { masterUsername: "rdsadmin" }, 'masterUsername is "rdsadmin"'],
      ["a port below 1150", { port: 80 }, "port is 80; allowed: an integer from 1150 to 65535"],
      [
        "storage below 20 GiB",
        { allocatedStorageGb: 10 },
        "allocatedStorageGb is 10; allowed: an integer from 20 to 65536",
      ],
      [
        "a storage autoscaling bound not above the storage",
        { allocatedStorageGb: 50, maxAllocatedStorageGb: 50 },
        "maxAllocatedStorageGb is 50; allowed: an integer from 51 to 65536",
      ],
      [
        "storage for Aurora",
        { engine: "aurora-mysql", engineVersion: "8.0", allocatedStorageGb: 20, ...AURORA_CLASS },
        "allocatedStorageGb is set; allowed only for mysql, mariadb and postgres",
      ],
      [
        "a storage bound for Aurora",
        { engine: "aurora-postgresql", engineVersion: "16", maxAllocatedStorageGb: 100, ...AURORA_CLASS },
        "maxAllocatedStorageGb is set; allowed only for mysql, mariadb and postgres",
      ],
      [
        "an Aurora instance count for a DB instance",
        { auroraInstanceCount: 2 },
        "auroraInstanceCount is set; allowed only for aurora-mysql and aurora-postgresql",
      ],
      [
        "no Aurora instance",
        { engine: "aurora-mysql", engineVersion: "8.0", auroraInstanceCount: 0, ...AURORA_CLASS },
        "auroraInstanceCount is 0; allowed: an integer from 1 to 16",
      ],
      [
        "a Multi-AZ Aurora cluster with one instance",
        { engine: "aurora-mysql", engineVersion: "8.0", multiAz: true, ...AURORA_CLASS },
        "auroraInstanceCount is 1 with multiAz; allowed: at least 2",
      ],
      ["no backups", { backupRetentionDays: 0 }, "backupRetentionDays is 0; allowed: an integer from 1 to 35"],
      [
        "backups kept over 35 days",
        { backupRetentionDays: 36 },
        "backupRetentionDays is 36; allowed: an integer from 1 to 35",
      ],
      [
        "a MySQL log type for PostgreSQL",
        { engine: "postgres", engineVersion: "16", logExports: ["slowquery"] },
        'logExports[0] is "slowquery"; allowed: "postgresql", "upgrade"',
      ],
      [
        "the upgrade log for Aurora PostgreSQL",
        { engine: "aurora-postgresql", engineVersion: "16", logExports: ["upgrade"], ...AURORA_CLASS },
        'logExports[0] is "upgrade"; allowed: "postgresql"',
      ],
      [
        "a PostgreSQL log type for MariaDB",
        { engine: "mariadb", engineVersion: "10.11", logExports: ["error", "postgresql"] },
        'logExports[1] is "postgresql"; allowed: "audit", "error"',
      ],
      ["a repeated log type", { logExports: ["error", "error"] }, 'logExports lists "error" twice'],
      [
        "a log retention CloudWatch does not accept",
        { logRetentionDays: 10 as never },
        "logRetentionDays is 10; allowed: 1, 3, 5, 7, 14",
      ],
      [
        "a monitoring interval RDS does not accept",
        { monitoringIntervalSeconds: 2 as never },
        "monitoringIntervalSeconds is 2; allowed: 0, 1, 5, 10, 15, 30, 60",
      ],
      [
        "no master password rotation",
        { masterPasswordRotationDays: 0 },
        "masterPasswordRotationDays is 0; allowed: an integer from 1 to 365",
      ],
      [
        "a master password rotation over a year",
        { masterPasswordRotationDays: 366 },
        "masterPasswordRotationDays is 366; allowed: an integer from 1 to 365",
      ],
      ["a malformed VPC ID", { vpcId: "vpc_1" }, 'vpcId is "vpc_1"; allowed: a VPC ID'],
      ["a single subnet", { subnetIds: ["subnet-0123456789abcdef0"] }, "subnetIds has 1 item(s); allowed: at least 2"],
      [
        "a malformed key ARN",
        { kmsKeyArn: "alias/dev-secrets" },
        'kmsKeyArn is "alias/dev-secrets"; allowed: a KMS key ARN',
      ],
      [
        "a misspelt setting, which would otherwise turn Performance Insights off without a word",
        { performanceInsight: true } as Partial<DatabaseProps>,
        "performanceInsight is not a setting; did you mean performanceInsights?",
      ],
      ["a boolean written as a string", { multiAz: "false" as never }, 'multiAz is "false"; allowed: true or false'],
    ])("rejects %s", (_, overrides, message) => {
      expect(() => new Database(testStack(), "Database", databaseProps(overrides))).toThrow(message);
    });

    it("reports every problem of its props at once", () => {
      expect(() => new Database(testStack(), "Database", databaseProps({ port: 80, backupRetentionDays: 40 }))).toThrow(
        "port is 80; allowed: an integer from 1150 to 65535\nbackupRetentionDays is 40; allowed: an integer from 1 to 35",
      );
    });

    it.each<[string, string, string, string]>([
      [
        "a malformed security group",
        "db-clients",
        "Application",
        'securityGroupId is "db-clients"; allowed: a security group ID',
      ],
      ["an empty description", CLIENT_SG, "", 'description is ""; allowed: 1 to 255 letters'],
      [
        "a description with characters EC2 does not accept",
        CLIENT_SG,
        "app's <pool>",
        `description is "app's <pool>"; allowed: 1 to 255 letters`,
      ],
    ])("rejects %s in allowConnectionsFrom", (_, securityGroupId, description, message) => {
      const database = new Database(testStack(), "Database", databaseProps());
      expect(() => database.allowConnectionsFrom("App", securityGroupId, description)).toThrow(message);
    });
  });
});
