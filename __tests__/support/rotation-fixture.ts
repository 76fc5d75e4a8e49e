/**
 * Everything an integration test of rotation needs, on top of the servers that the
 * global setup started: a FakeSecretsManager with one RDS-style master secret per
 * server, a RotationDriver, the real rotation function wired to the fake, database
 * secrets seeded the way Terraform writes them together with the function's binding of
 * each (as the constructs write it), and database-side probes.
 *
 * The function's log lines (JSON on stdout) are captured instead of printed, so tests
 * can check them (e.g. that no password ever appears).
 */
import { PutSecretValueCommand, UpdateSecretVersionStageCommand } from "@aws-sdk/client-secrets-manager";
import { randomBytes, randomUUID } from "node:crypto";
import { createHandler, type RotationEvent, type RotationOptions } from "../../lambda/index";
import type { DatabaseBinding, DatabaseBindings, SecretBinding, SecretBindingsFile } from "../../shared/rotation-binding";
import { SEED_STAGE, engineFamily, type DatabaseSecretValue, type Engine, type Privilege, type RotationStrategy } from "../../shared/secret-contract";
import { loginError, withSession, type SqlSession } from "./db-clients";
import { loadDatabaseEnvironment, type DatabaseCredentials, type DatabaseEnvironment, type ServerInfo, type ServerKind } from "./db-servers";
import { FakeSecretsManager, type RotationFunction } from "./fake-secrets-manager";
import { RotationDriver } from "./rotation-driver";

/** Access key id of the rotation function's client: its calls in `fake.calls` have this `caller`. */
export const FUNCTION_CALLER = "rotation-function";

export interface SeedSecretOptions {
  readonly engine: Engine;
  /** @default a new unique name */
  readonly username?: string;
  /** @default ["SELECT", "INSERT"] */
  readonly privileges?: readonly Privilege[];
  /** Keys to leave out of the seed JSON (e.g. to test validation). */
  readonly omit?: readonly (keyof DatabaseSecretValue)[];
  /** Keys to add or replace in the seed JSON. */
  readonly override?: Readonly<Record<string, unknown>>;
  /** The secret's value exactly, instead of the seed JSON (e.g. malformed JSON). */
  readonly rawValue?: string;
  /**
   * The secret's database binding, over the defaults (the engine's test server, its
   * master secret, TLS); the seed JSON says the same unless `override` changes it.
   */
  readonly database?: Partial<DatabaseBinding>;
  /** Staging labels of the seed. @default ["AWSCURRENT", "TERRAFORM_SEED"] */
  readonly stages?: readonly string[];
}

export interface SeededSecret {
  readonly arn: string;
  /** The secret's name: the key of its binding. */
  readonly name: string;
  readonly engine: Engine;
  readonly server: ServerInfo;
  readonly username: string;
  /** Version id of the seed (labels AWSCURRENT and TERRAFORM_SEED). */
  readonly seedVersionId: string;
  /** The seed JSON as stored. */
  readonly seedValue: string;
  /** The database the function's binding names for this secret. */
  readonly database: DatabaseBinding;
}

/** Outcome of trying each table privilege (and CREATE TABLE) as a user: true = allowed. */
export type PrivilegeProbe = Record<Privilege | "CREATE", boolean>;

/** Error codes of "permission denied": MariaDB 1142/1044/1227, PostgreSQL 42501. */
const DENIED = /^(ER_TABLEACCESS_DENIED_ERROR|ER_DBACCESS_DENIED_ERROR|ER_SPECIFIC_ACCESS_DENIED_ERROR|42501)$/;

export const uniqueUsername = () => `it_${randomBytes(5).toString("hex")}`;

export class RotationFixture {
  /** Lines the rotation function logged, parsed. */
  readonly logs: Record<string, unknown>[] = [];
  private restoreStdout: (() => void) | undefined;
  /** The binding of every secret seeded so far, as the constructs would write it. */
  private readonly databaseBindings: Record<string, DatabaseBinding> = {};
  private readonly secretBindings: Record<string, SecretBinding> = {};
  /** Changes with every secret seeded: functions rebuild their binding when it changed. */
  private bindingsVersion = 0;

  private constructor(
    readonly env: DatabaseEnvironment,
    readonly fake: FakeSecretsManager,
    readonly driver: RotationDriver,
    /** ARN of the master secret of each server: `{ username, password }` only, as RDS writes it. */
    readonly masterArns: Readonly<Record<ServerKind, string>>,
  ) {}

  /**
   * Call in `beforeAll`; `close()` in `afterAll`.
   * @param environment the servers to use; default: the shared ones of the global setup
   */
  static async create(environment?: DatabaseEnvironment): Promise<RotationFixture> {
    const env = environment ?? (await loadDatabaseEnvironment());
    const fake = await FakeSecretsManager.start();
    const master = (server: ServerInfo) =>
      fake.seedSecret({ name: `rds!db-${server.kind}-${randomBytes(4).toString("hex")}`, value: server.admin });
    const fixture = new RotationFixture(env, fake, new RotationDriver(fake), {
      mariadb: master(env.mariadb),
      postgres: master(env.postgres),
    });
    fixture.captureLogs();
    return fixture;
  }

  async close(): Promise<void> {
    this.restoreStdout?.();
    await this.fake.close();
  }

  /** The test server of an engine: MariaDB for the MySQL family, PostgreSQL otherwise. */
  server(engine: Engine): ServerInfo {
    return engineFamily(engine) === "mysql" ? this.env.mariadb : this.env.postgres;
  }

  /**
   * The rotation function as deployed, with its own SDK client on the fake (caller
   * FUNCTION_CALLER), the test CA as DB_CA_BUNDLE and the binding of every secret seeded
   * before its invocation (it is rebuilt, as at a redeployment, when more were seeded);
   * `options` override any setting.
   */
  rotationFunction(strategy: RotationStrategy, options: Partial<RotationOptions> = {}): RotationFunction {
    let built: { version: number; handler: (event: RotationEvent) => Promise<void> } | undefined;
    return (event) => {
      if (built?.version !== this.bindingsVersion) {
        built = {
          version: this.bindingsVersion,
          handler: createHandler({
            client: this.fake.client(FUNCTION_CALLER),
            strategy,
            caBundlePath: this.env.caPath,
            connectTimeoutMs: 3000,
            ...this.bindings(strategy),
            ...options,
          }),
        };
      }
      return built.handler(event);
    };
  }

  /** Both channels of the binding of a function with `strategy`, for every secret seeded so far. */
  bindings(strategy: RotationStrategy): { databases: DatabaseBindings; secretBindings: SecretBindingsFile } {
    return {
      databases: { ...this.databaseBindings },
      secretBindings: { version: 1, strategy, secrets: { ...this.secretBindings } },
    };
  }

  /** The binding of a database on the engine's test server, with its master secret and TLS. */
  defaultDatabase(engine: Engine): DatabaseBinding {
    const server = this.server(engine);
    return { engine, host: server.host, port: server.port, dbname: server.database, masterSecretArn: this.masterArns[server.kind], tls: true };
  }

  /**
   * Creates a database credential secret as Terraform does: one version with the
   * connection metadata and no password, labelled AWSCURRENT and TERRAFORM_SEED, and
   * binds it (name, database, user, privileges) for the functions of this fixture.
   */
  seedDatabaseSecret(options: SeedSecretOptions): SeededSecret {
    const server = this.server(options.engine);
    const username = options.username ?? uniqueUsername();
    const privileges = options.privileges ?? ["SELECT", "INSERT"];
    const database = { ...this.defaultDatabase(options.engine), ...options.database };
    const json: Record<string, unknown> = {
      engine: database.engine,
      host: database.host,
      port: database.port,
      username,
      dbname: database.dbname,
      masterarn: database.masterSecretArn,
      ssl: database.tls,
      dbInstanceIdentifier: `it-${server.kind}`,
      privileges,
      ...options.override,
    };
    for (const key of options.omit ?? []) delete json[key];
    const seedValue = options.rawValue ?? JSON.stringify(json);
    const seedVersionId = `terraform-seed-${randomBytes(12).toString("hex")}`;
    const name = `app/${username}`;
    const arn = this.fake.seedSecret({ name, value: seedValue, versionId: seedVersionId, stages: options.stages ?? ["AWSCURRENT", SEED_STAGE] });
    const databaseKey = `${database.engine}-${Object.keys(this.databaseBindings).length}`;
    this.databaseBindings[databaseKey] = database;
    this.secretBindings[name] = { database: databaseKey, username, privileges: [...privileges] };
    this.bindingsVersion++;
    return { arn, name, engine: options.engine, server, username, seedVersionId, seedValue, database };
  }

  /** Binds the secret to other privileges, as a redeployment with a changed configuration does. */
  rebind(secret: SeededSecret, privileges: readonly Privilege[]): void {
    this.secretBindings[secret.name] = { ...this.secretBindings[secret.name], privileges: [...privileges] };
    this.bindingsVersion++;
  }

  /** The parsed JSON of the version with `stage`. */
  value(arn: string, stage = "AWSCURRENT"): DatabaseSecretValue {
    const text = this.fake.currentValue(arn, stage);
    if (text === undefined) throw new Error(`secret ${arn} has no ${stage} value`);
    return JSON.parse(text) as DatabaseSecretValue;
  }

  /** Every version's value and labels: equal snapshots mean the secret did not change. */
  secretState(arn: string): { stages: Record<string, string[]>; values: Record<string, string | undefined> } {
    const values = Object.fromEntries(this.fake.versions(arn).map((v) => [v.versionId, v.secretString]));
    return { stages: this.fake.stages(arn), values };
  }

  /**
   * Writes a new AWSCURRENT version, as an operator (or anyone allowed to write the
   * secret) would with put-secret-value. The function leaves AWSPENDING on the version it
   * rotated in, which the put turns into AWSPREVIOUS; the writer then removes that label,
   * or the service refuses to start the next rotation ("A previous rotation isn't complete").
   */
  async putCurrentValue(arn: string, value: object): Promise<void> {
    const client = this.fake.client("secret-writer");
    try {
      await client.send(new PutSecretValueCommand({ SecretId: arn, ClientRequestToken: randomUUID(), SecretString: JSON.stringify(value) }));
      const stalePending = Object.entries(this.fake.stages(arn)).find(([, stages]) => stages.includes("AWSPENDING") && !stages.includes("AWSCURRENT"));
      if (stalePending) {
        await client.send(new UpdateSecretVersionStageCommand({ SecretId: arn, VersionStage: "AWSPENDING", RemoveFromVersionId: stalePending[0] }));
      }
    } finally {
      client.destroy();
    }
  }

  /** User name and password of the version with `stage`. */
  credentials(arn: string, stage = "AWSCURRENT"): DatabaseCredentials {
    const { username, password } = this.value(arn, stage);
    if (password === undefined) throw new Error(`secret ${arn} ${stage} has no password`);
    return { username, password };
  }

  /** Whether `credentials` log in to `server` over verified TLS. */
  async canLogIn(server: ServerInfo, credentials: DatabaseCredentials): Promise<boolean> {
    return (await loginError(server, credentials, { caPath: this.env.caPath })) === undefined;
  }

  /** Runs `work` as the server's superuser (for assertions and tampering). */
  asSuperuser<T>(server: ServerInfo, work: (session: SqlSession) => Promise<T>): Promise<T> {
    return withSession(server, server.superuser, { caPath: this.env.caPath }, work);
  }

  /** Tries SELECT, INSERT, UPDATE, DELETE on `items` and CREATE TABLE as the user. */
  async probePrivileges(server: ServerInfo, credentials: DatabaseCredentials): Promise<PrivilegeProbe> {
    const table = `probe_${randomBytes(4).toString("hex")}`;
    const attempts: Record<keyof PrivilegeProbe, string> = {
      SELECT: "SELECT COUNT(*) AS n FROM items",
      INSERT: "INSERT INTO items (name) VALUES ('privilege probe')",
      UPDATE: "UPDATE items SET name = name WHERE 1 = 0",
      DELETE: "DELETE FROM items WHERE 1 = 0",
      CREATE: `CREATE TABLE ${table} (id integer)`,
    };
    const result = {} as PrivilegeProbe;
    await withSession(server, credentials, { caPath: this.env.caPath }, async (session) => {
      for (const [privilege, sql] of Object.entries(attempts) as [keyof PrivilegeProbe, string][]) {
        try {
          await session.query(sql);
          result[privilege] = true;
        } catch (error) {
          if (!DENIED.test(String((error as { code?: unknown }).code))) throw error;
          result[privilege] = false;
        }
      }
    });
    if (result.CREATE) await this.asSuperuser(server, (s) => s.query(`DROP TABLE ${table}`));
    return result;
  }

  /**
   * What the server knows about the users: password hashes, login flags, grants and
   * role memberships. Equal snapshots mean the database did not change for them.
   */
  async databaseState(server: ServerInfo, usernames: readonly string[]): Promise<unknown> {
    return this.asSuperuser(server, async (s) => {
      if (server.kind === "mariadb") {
        const users = await s.query(
          "SELECT User, Host, plugin, authentication_string FROM mysql.user WHERE User IN (?) ORDER BY User, Host",
          [usernames],
        );
        const grants = [];
        for (const user of users) grants.push(await s.query("SHOW GRANTS FOR ?@?", [user.User, user.Host]));
        return { users, grants };
      }
      const roles = await s.query(
        "SELECT rolname, rolpassword, rolcanlogin, rolsuper, rolcreaterole FROM pg_authid WHERE rolname = ANY($1) ORDER BY rolname",
        [usernames],
      );
      const tableGrants = await s.query(
        "SELECT grantee, table_name, privilege_type FROM information_schema.role_table_grants WHERE grantee = ANY($1) ORDER BY 1, 2, 3",
        [usernames],
      );
      const memberships = await s.query(
        "SELECT r.rolname AS role, m.rolname AS member FROM pg_auth_members a JOIN pg_roles r ON r.oid = a.roleid " +
          "JOIN pg_roles m ON m.oid = a.member WHERE r.rolname = ANY($1) OR m.rolname = ANY($1) ORDER BY 1, 2",
        [usernames],
      );
      const databaseAcl = await s.query("SELECT datacl::text AS acl FROM pg_database WHERE datname = current_database()");
      return { roles, tableGrants, memberships, databaseAcl };
    });
  }

  /** Every captured log line as text, for "never logged" assertions. */
  logText(): string {
    return this.logs.map((line) => JSON.stringify(line)).join("\n");
  }

  /** Diverts the function's JSON log lines from stdout into `logs`; other output passes through. */
  private captureLogs(): void {
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
      if (text.startsWith('{"level":')) {
        for (const line of text.split("\n").filter(Boolean)) this.logs.push(JSON.parse(line) as Record<string, unknown>);
        return true;
      }
      return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stdout.write;
    this.restoreStdout = () => {
      process.stdout.write = write;
    };
  }
}
