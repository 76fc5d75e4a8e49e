import { boundUsernames, RESERVED_USERNAME_PATTERN, SYSTEM_SCHEMAS } from "../shared/rotation-binding";
import {
  CLONE_SUFFIX,
  type Engine,
  engineFamily,
  IDENTIFIER_PATTERN,
  MAX_USERNAME_LENGTH,
  type RotationStrategy,
} from "../shared/secret-contract";
import { show } from "./validation";

/**
 * One major version a new database may run. Majors older than the table's are left out:
 * RDS no longer creates them, or the rotation function cannot manage their users.
 */
interface MajorVersion {
  /** As RDS names it, and as parameter group families and option groups do: `8.4`, `10.11`, `16`. */
  readonly major: string;
  /**
   * The day RDS standard support of the major ended (an ISO date), for a major that RDS
   * now creates only under paid Extended Support (`extendedSupport: true`): with Extended
   * Support disabled, creating the database fails (CreateDBInstance and CreateDBCluster,
   * `EngineLifecycleSupport`). Absent while standard support lasts.
   */
  readonly standardSupportEnded?: string;
}

/**
 * What the infrastructure knows about each engine RDS runs: one row per engine, read by
 * the {@link Database} construct and by the credential secrets of its users.
 */
interface EngineTraits {
  /** An Aurora cluster rather than a DB instance. */
  readonly aurora: boolean;
  readonly defaultPort: number;
  /** Log types the engine exports to CloudWatch Logs. */
  readonly logExports: readonly string[];
  /** Log types RDS could export but the database refuses, and why. */
  readonly refusedLogExports?: { readonly logTypes: readonly string[]; readonly reason: string };
  /** Engine versions RDS accepts: group 1 is the major version, what follows pins a minor version. */
  readonly versionPattern: RegExp;
  /** A version that pins a minor version, for messages. */
  readonly minorVersionExample: string;
  /** The majors a new database may run, newest first. */
  readonly majorVersions: readonly MajorVersion[];
  /**
   * Whether RDS Extended Support exists for the engine, so that its instances and clusters
   * take `engine_lifecycle_support` (RDS for MariaDB has none: the API applies the setting
   * to RDS for MySQL and PostgreSQL instances, and to Aurora clusters).
   */
  readonly extendedSupport: boolean;
  /** The parameter that refuses connections without TLS, in the (cluster) parameter group. */
  readonly tlsParameter: { readonly name: string; readonly value: string; readonly applyMethod?: "pending-reboot" };
  /** Longest master user name RDS accepts. */
  readonly maxMasterUsernameLength: number;
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
export const AUDIT_EVENTS = "CONNECT,QUERY_DDL";
/** MySQL and MariaDB: `8.4` or `8.4.7`. */
const MAJOR_MINOR = /^(\d+\.\d+)(?:\.\d+)?$/;
/** PostgreSQL and Aurora PostgreSQL: `16` or `16.4`. */
const MAJOR = /^(\d+)(?:\.\d+)?$/;

/**
 * The PostgreSQL majors that RDS for PostgreSQL and Aurora PostgreSQL both run, newest
 * first: their two calendars end standard support of a major on the same day.
 */
const POSTGRES_MAJORS: readonly MajorVersion[] = [
  { major: "17" },
  { major: "16" },
  { major: "15" },
  { major: "14" },
  { major: "13", standardSupportEnded: "2026-02-28" },
  { major: "12", standardSupportEnded: "2025-02-28" },
  { major: "11", standardSupportEnded: "2024-02-29" },
];

/**
 * The engines, with their major versions as AWS's release calendars gave them on
 * 2026-12-05 ("Supported MySQL major versions on Amazon RDS", "MariaDB on Amazon RDS
 * versions", "Release calendar for Amazon RDS for PostgreSQL", and Aurora's own).
 * Every parameter and option the {@link Database} construct sets exists in each major
 * listed: `require_secure_transport` (RDS for MySQL 8.4 and lower default it to 0; guide
 * "Requiring SSL/TLS for all connections to a MySQL DB instance"), `general_log`,
 * `slow_query_log` and `log_output` (guide "Publishing MySQL logs to Amazon CloudWatch
 * Logs"), and the `MARIADB_AUDIT_PLUGIN` option with `SERVER_AUDIT_EVENTS` ("Options for
 * MySQL DB instances": all MySQL 8.4 versions, 8.0.28 and higher; "Options for MariaDB":
 * 10.3 and higher).
 */
export const ENGINE_TRAITS: Readonly<Record<Engine, EngineTraits>> = {
  mysql: {
    aurora: false,
    defaultPort: 3306,
    logExports: MYSQL_LOG_EXPORTS,
    versionPattern: MAJOR_MINOR,
    minorVersionExample: "8.4.7",
    // Not 5.7: the rotation function marks the users it manages with a role, which MySQL has from 8.0.
    majorVersions: [{ major: "8.4" }, { major: "8.0", standardSupportEnded: "2026-07-31" }],
    extendedSupport: true,
    // RDS for MySQL and MariaDB instance parameter groups take 0/1; Aurora MySQL takes OFF/ON.
    tlsParameter: { name: "require_secure_transport", value: "1" },
    maxMasterUsernameLength: 16,
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
    minorVersionExample: "10.11.9",
    // 10.6 and older are past the end of their support, and RDS for MariaDB has no Extended Support.
    majorVersions: [{ major: "11.8" }, { major: "11.4" }, { major: "10.11" }],
    extendedSupport: false,
    tlsParameter: { name: "require_secure_transport", value: "1" },
    maxMasterUsernameLength: 16,
  },
  "aurora-mysql": {
    aurora: true,
    defaultPort: 3306,
    logExports: MYSQL_LOG_EXPORTS,
    versionPattern: /^(\d+\.\d+)(?:\.mysql_aurora\.\d+\.\d+\.\d+)?$/,
    minorVersionExample: "8.0.mysql_aurora.3.08.0",
    // Aurora MySQL version 3. Not version 2 (5.7): no roles, as for MySQL 5.7.
    majorVersions: [{ major: "8.0" }],
    extendedSupport: true,
    tlsParameter: { name: "require_secure_transport", value: "ON" },
    maxMasterUsernameLength: 16,
  },
  postgres: {
    aurora: false,
    defaultPort: 5432,
    logExports: ["postgresql", "upgrade"],
    versionPattern: MAJOR,
    minorVersionExample: "16.4",
    majorVersions: [{ major: "18" }, ...POSTGRES_MAJORS],
    extendedSupport: true,
    // Static in RDS for PostgreSQL: RDS refuses the provider's default apply method,
    // "immediate" (and where the value equals the default, reports "pending-reboot",
    // a perpetual diff). The group exists before the instance, which starts with it.
    tlsParameter: { name: "rds.force_ssl", value: "1", applyMethod: "pending-reboot" },
    maxMasterUsernameLength: 63,
  },
  "aurora-postgresql": {
    aurora: true,
    defaultPort: 5432,
    logExports: ["postgresql"],
    versionPattern: MAJOR,
    minorVersionExample: "16.4",
    majorVersions: POSTGRES_MAJORS,
    extendedSupport: true,
    tlsParameter: { name: "rds.force_ssl", value: "1" },
    maxMasterUsernameLength: 63,
  },
};

/** Key of the database's identifier in a database secret's JSON: Aurora names its cluster. */
export function identifierKeyOf(engine: Engine): "dbInstanceIdentifier" | "dbClusterIdentifier" {
  return ENGINE_TRAITS[engine].aurora ? "dbClusterIdentifier" : "dbInstanceIdentifier";
}

/**
 * The major version of an engine version, as parameter group families and option groups
 * name it (`8.4`, `10.11`, `16`), with what the table knows of it; `undefined` for a
 * version whose major the table does not list.
 */
export function majorVersionOf(engine: Engine, version: string): MajorVersion | undefined {
  const { versionPattern, majorVersions } = ENGINE_TRAITS[engine];
  const major = versionPattern.exec(version)?.[1];
  return majorVersions.find((m) => m.major === major);
}

/**
 * What is wrong with an engine version for `engine`, or `undefined`: a major the table
 * lists, and past the end of its standard support only with Extended Support, the one way
 * RDS still creates it.
 */
export function engineVersionProblem(engine: Engine, version: string, extendedSupport: boolean): string | undefined {
  const { majorVersions, minorVersionExample } = ENGINE_TRAITS[engine];
  const major = majorVersionOf(engine, version);
  if (major === undefined) {
    const majors = majorVersions.map((m) => show(m.major)).join(", ");
    return `is ${show(version)}; allowed for ${engine}: a major version (${majors}) or a minor version of one, such as ${show(minorVersionExample)}`;
  }
  if (major.standardSupportEnded !== undefined && !extendedSupport) {
    const supported = majorVersions.filter((m) => m.standardSupportEnded === undefined).map((m) => show(m.major));
    return (
      `is ${show(version)}, past RDS standard support since ${major.standardSupportEnded}: RDS creates it only under ` +
      `paid Extended Support; allowed for ${engine}: a major in standard support (${supported.join(", ")}), or extendedSupport true`
    );
  }
  return undefined;
}

/**
 * The `engine_lifecycle_support` of a DB instance or an Aurora cluster: enrolled in RDS
 * Extended Support, or not (at the end of standard support RDS then upgrades the major
 * version instead of billing). `undefined` for an engine without Extended Support, which
 * does not take the setting.
 */
export function engineLifecycleSupport(engine: Engine, extendedSupport: boolean): string | undefined {
  if (!ENGINE_TRAITS[engine].extendedSupport) return undefined;
  return extendedSupport ? "open-source-rds-extended-support" : "open-source-rds-extended-support-disabled";
}

/** Why the engine refuses a log type it does not export, or `undefined` when it exports it. */
export function logExportProblem(engine: Engine, logType: string): string | undefined {
  const { logExports, refusedLogExports } = ENGINE_TRAITS[engine];
  if (logExports.includes(logType)) return undefined;
  const allowedTypes = logExports.map(show).join(", ");
  return refusedLogExports?.logTypes.includes(logType)
    ? `is ${show(logType)}; allowed for ${engine}: ${allowedTypes} (${refusedLogExports.reason})`
    : `is ${show(logType)}; allowed: ${allowedTypes}`;
}

/**
 * Parameters that make a MySQL-family engine write the exported logs: the general and
 * slow query logs to files (which RDS exports; the default, TABLE, is not exported) and,
 * for Aurora MySQL, the audit log. Nothing for the PostgreSQL family, whose exported
 * logs are always written.
 */
export function logParameters(engine: Engine, logExports: readonly string[]): { name: string; value: string }[] {
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
 * What is wrong with the name of the database application users get privileges on, or
 * `undefined`: not one of the server's own schemas, which the rotation function refuses
 * in its binding (so that such a name would stop the function for every secret).
 */
export function databaseNameProblem(engine: Engine, databaseName: string): string | undefined {
  const systemSchemas = SYSTEM_SCHEMAS[engineFamily(engine)];
  return systemSchemas.includes(databaseName.toLowerCase())
    ? `is ${show(databaseName)}, a system schema of ${engine}; allowed: an application database, not ${systemSchemas.join(", ")}`
    : undefined;
}

/** User names RDS or the engine keep for themselves: `rdsadmin`, and PostgreSQL's and RDS's role prefixes. */
function isReservedUsername(name: string): boolean {
  const lower = name.toLowerCase();
  return lower === "rdsadmin" || lower.startsWith("rds_") || lower.startsWith("pg_");
}
const NOT_RESERVED = "a name that is not rdsadmin and does not start with rds_ or pg_";
/** In words, what `RESERVED_USERNAME_PATTERN` leaves to application users (its `mysql.*` fail `IDENTIFIER_PATTERN` first). */
const NOT_RESERVED_ACCOUNT = "a name other than root, rdsadmin, rdsrepladmin and postgres, not starting with rds_, pg_ or azure_";

/** What is wrong with a master user name for `engine` (RDS's rules), or `undefined`. */
export function masterUsernameProblem(engine: Engine, name: string): string | undefined {
  const max = ENGINE_TRAITS[engine].maxMasterUsernameLength;
  const pattern = new RegExp(`^[A-Za-z][A-Za-z0-9_]{0,${max - 1}}$`);
  return pattern.test(name) && !isReservedUsername(name)
    ? undefined
    : `is ${show(name)}; allowed: a letter, then letters, digits or _, at most ${max} characters for ${engine}, ${NOT_RESERVED}`;
}

/**
 * What is wrong with an application user's name, or `undefined`: the rotation function's
 * limits for the engine, less the clone's suffix with alternating users (the clone's
 * name must fit too); neither the user nor its clone the master user, nor an account the
 * rotation function refuses to manage (`RESERVED_USERNAME_PATTERN`, which it applies to
 * its binding, so that such a name would stop the function for every secret).
 */
export function applicationUsernameProblem(user: {
  readonly username: string;
  readonly engine: Engine;
  readonly strategy: RotationStrategy;
  readonly masterUsername: string;
}): string | undefined {
  const { username, engine, strategy, masterUsername } = user;
  const engineMax = MAX_USERNAME_LENGTH[engine];
  const alternating = strategy === "alternating-users";
  const maxLength = engineMax - (alternating ? CLONE_SUFFIX.length : 0);
  if (!IDENTIFIER_PATTERN.test(username)) {
    return `is ${show(username)}; allowed: a letter or _, then letters, digits or _`;
  }
  if (username.length > maxLength) {
    const why = alternating ? ` (${engineMax} minus ${CLONE_SUFFIX} of the alternating users' clone)` : "";
    return `is ${show(username)} (${username.length} characters); allowed: at most ${maxLength} characters for ${engine}${why}`;
  }
  for (const name of boundUsernames(strategy, username)) {
    // "is the master user ..." for the user itself; "is "app", whose clone "app_clone" is ..." for its clone.
    const subject = name === username ? "is" : `is ${show(username)}, whose clone ${show(name)} is`;
    if (name.toLowerCase() === masterUsername.toLowerCase()) {
      return `${subject} the master user ${show(masterUsername)}; allowed: an application user of its own`;
    }
    if (RESERVED_USERNAME_PATTERN.test(name)) {
      const account = name === username ? `is ${show(name)},` : subject;
      return `${account} a reserved or system account, which the rotation function never manages; allowed: ${NOT_RESERVED_ACCOUNT}`;
    }
  }
  return undefined;
}
