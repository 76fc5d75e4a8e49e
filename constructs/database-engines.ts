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
  /** Accepted engine versions; group 1 is the major version, group 2 (MySQL family) the minor. */
  readonly versionPattern: RegExp;
  readonly versionExamples: string;
  /** Oldest `[major, minor]` version whose parameter group can force TLS. */
  readonly minimumVersion: readonly [number, number];
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
const MAJOR_MINOR = /^(\d+)\.(\d+)(?:\.\d+)?$/;
const MAJOR = /^(\d+)(?:\.(\d+))?$/;

export const ENGINE_TRAITS: Readonly<Record<Engine, EngineTraits>> = {
  mysql: {
    aurora: false,
    defaultPort: 3306,
    logExports: MYSQL_LOG_EXPORTS,
    versionPattern: MAJOR_MINOR,
    versionExamples: "8.0 or 8.0.39",
    minimumVersion: [5, 7],
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
    versionExamples: "10.11 or 10.11.9",
    minimumVersion: [10, 5],
    tlsParameter: { name: "require_secure_transport", value: "1" },
    maxMasterUsernameLength: 16,
  },
  "aurora-mysql": {
    aurora: true,
    defaultPort: 3306,
    logExports: MYSQL_LOG_EXPORTS,
    versionPattern: /^(\d+)\.(\d+)(?:\.mysql_aurora\.\d+\.\d+\.\d+)?$/,
    versionExamples: "8.0 or 8.0.mysql_aurora.3.08.0",
    minimumVersion: [8, 0],
    tlsParameter: { name: "require_secure_transport", value: "ON" },
    maxMasterUsernameLength: 16,
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
    maxMasterUsernameLength: 63,
  },
  "aurora-postgresql": {
    aurora: true,
    defaultPort: 5432,
    logExports: ["postgresql"],
    versionPattern: MAJOR,
    versionExamples: "16 or 16.4",
    minimumVersion: [11, 0],
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
 * name it: `8.0`, `10.11` (MySQL family, major.minor) or `16` (PostgreSQL family);
 * `undefined` for a version the engine does not accept.
 */
export function engineMajorVersion(engine: Engine, version: string): string | undefined {
  const traits = ENGINE_TRAITS[engine];
  const match = traits.versionPattern.exec(version);
  const major = Number(match?.[1]);
  const minor = Number(match?.[2] ?? 0);
  const [minMajor, minMinor] = traits.minimumVersion;
  if (!match || major < minMajor || (major === minMajor && minor < minMinor)) return undefined;
  return engineFamily(engine) === "mysql" ? `${major}.${minor}` : `${major}`;
}

/** The versions an engine accepts, in words. */
export function engineVersionsAllowed(engine: Engine): string {
  const { versionExamples, minimumVersion } = ENGINE_TRAITS[engine];
  const [minMajor, minMinor] = minimumVersion;
  return `a version such as ${versionExamples}, ${minMajor}${engineFamily(engine) === "mysql" ? `.${minMinor}` : ""} or newer`;
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
