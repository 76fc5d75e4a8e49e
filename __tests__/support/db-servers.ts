/**
 * Real MariaDB 10.11 and PostgreSQL 15 servers for the integration tests.
 *
 * `startDatabases()` starts both on 127.0.0.1 (free ports), each in its own temporary
 * directory, with TLS certificates from a throw-away CA, and returns their connection
 * details. The jest global setup calls it once and publishes the details in a JSON file
 * named by `DATABASES_ENV_VAR`; test files read it with `loadDatabaseEnvironment()`.
 *
 * Each server has:
 *  - database `appdb` (`APP_DATABASE`) with a table `items` (`APP_TABLE`: `id`, `name`);
 *  - `admin`: what an RDS master user can do, and nothing a superuser can. MariaDB:
 *    the RDS master privilege list (no SUPER) WITH GRANT OPTION. PostgreSQL: LOGIN
 *    CREATEROLE, owner of `appdb` and `items`; PUBLIC has no CONNECT on `appdb`, so a
 *    new user only gets in with an explicit grant;
 *  - `superuser`: full rights, for test assertions only (never give it to code under test);
 *  - TLS required for every TCP login (MariaDB `require_secure_transport`, PostgreSQL
 *    `hostssl` only), so a plaintext client is refused.
 *
 * `stopServer`/`startServer` take a server down and bring it back on the same port with
 * its data, from any jest process: the process that started the servers serves them
 * on a small HTTP control endpoint (`ServerInfo.controlUrl`).
 *
 * The servers die with the process that started them, even on SIGKILL (see managed-process.ts).
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { chmod, chown, copyFile, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { createServer, request, type Server } from "node:http";
import { createServer as createTcpServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "pg";
import { openSession } from "./db-clients";
import { ManagedProcess, logTail, runToCompletion, waitUntil, type ProcessSpec } from "./managed-process";
import { createTestCertificates } from "./test-ca";

export type ServerKind = "mariadb" | "postgres";

export interface DatabaseCredentials {
  readonly username: string;
  readonly password: string;
}

/** Connection details of one test server; plain JSON, valid in every jest process. */
export interface ServerInfo {
  /** MariaDB also stands in for the `mysql` and `aurora-mysql` engines, PostgreSQL for `aurora-postgresql`. */
  readonly kind: ServerKind;
  /** Always `127.0.0.1` (the certificate also names `localhost`). */
  readonly host: string;
  readonly port: number;
  /** The application database, `appdb`. */
  readonly database: string;
  /** Master-like user (see the module comment). */
  readonly admin: DatabaseCredentials;
  /** Unrestricted user, for test assertions only. */
  readonly superuser: DatabaseCredentials;
  /** Server log, for diagnosis. */
  readonly logPath: string;
  /** Endpoint used by `stopServer`/`startServer`. */
  readonly controlUrl: string;
}

/** What test files need: both servers and the CA files. */
export interface DatabaseEnvironment {
  readonly mariadb: ServerInfo;
  readonly postgres: ServerInfo;
  /** CA certificate that verifies both servers. */
  readonly caPath: string;
  /** A CA certificate with the same subject that did not sign the servers' certificates. */
  readonly untrustedCaPath: string;
}

/** Milliseconds spent in each part of `startDatabases()`. */
export interface StartupTimes {
  readonly certificates: number;
  readonly mariadb: number;
  readonly postgres: number;
  readonly total: number;
}

export interface RunningDatabases extends DatabaseEnvironment {
  readonly startupMs: StartupTimes;
  /** Stops both servers and removes their directories. Safe to call twice. */
  stop(): Promise<void>;
}

export const APP_DATABASE = "appdb";
export const APP_TABLE = "items";
/** Environment variable naming the JSON file written by `writeDatabaseEnvironment`. */
export const DATABASES_ENV_VAR = "ROTATION_IT_DATABASES";

const HOST = "127.0.0.1";
const PG_BIN = "/usr/lib/postgresql/15/bin";
const START_TIMEOUT_MS = 20_000;
/** What RDS grants the master user of a MariaDB/MySQL instance (no SUPER, no FILE, no SHUTDOWN). */
const RDS_MASTER_PRIVILEGES =
  "SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, RELOAD, PROCESS, REFERENCES, INDEX, ALTER, SHOW DATABASES, " +
  "CREATE TEMPORARY TABLES, LOCK TABLES, EXECUTE, REPLICATION SLAVE, BINLOG MONITOR, CREATE VIEW, SHOW VIEW, " +
  "CREATE ROUTINE, ALTER ROUTINE, CREATE USER, EVENT, TRIGGER";

const newPassword = () => randomBytes(18).toString("base64url");

const TEMP_PREFIX = "rotation-it-";
const OWNER_FILE = "owner.pid";

/** A new private directory under the system temp dir, tagged with this process id for `sweepAbandonedDirectories`. */
async function ownedTempDir(name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `${TEMP_PREFIX}${name}-`));
  await writeFile(join(dir, OWNER_FILE), String(process.pid));
  return dir;
}

/**
 * Removes directories left by runs whose process is gone (killed before its teardown:
 * the servers died with it, their files did not). Directories of live processes, e.g. a
 * colleague's run in parallel, are left alone.
 */
async function sweepAbandonedDirectories(): Promise<void> {
  const names = (await readdir(tmpdir())).filter((name) => name.startsWith(TEMP_PREFIX));
  await Promise.all(
    names.map(async (name) => {
      const dir = join(tmpdir(), name);
      const owner = Number(await readFile(join(dir, OWNER_FILE), "utf8").catch(() => "NaN"));
      if (!Number.isInteger(owner) || isAlive(owner)) return;
      await rm(dir, { recursive: true, force: true });
    }),
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function freePort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, HOST, resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** How one server is created and launched. */
interface ServerRecipe {
  readonly info: Omit<ServerInfo, "controlUrl">;
  /** Creates the data directory. */
  initialize(): Promise<void>;
  /** Command line; `firstStart` is true once, right after `initialize`. */
  launch(firstStart: boolean): ProcessSpec;
  /** Runs after the first launch, before the readiness check. */
  provision(abortReason: () => string | undefined): Promise<void>;
}

/** Starts, stops and restarts one server; readiness = the admin logs in over TLS. */
class ServerController {
  private process: ManagedProcess | undefined;
  private started = false;

  constructor(
    private readonly recipe: ServerRecipe,
    private readonly caPath: string,
  ) {}

  get kind(): ServerKind {
    return this.recipe.info.kind;
  }

  async start(): Promise<void> {
    if (this.process && this.process.exitReason === undefined) return;
    const firstStart = !this.started;
    if (firstStart) await this.recipe.initialize();
    const child = new ManagedProcess(this.recipe.launch(firstStart));
    this.process = child;
    this.started = true;
    const abortReason = () =>
      child.exitReason === undefined ? undefined : `${child.exitReason}\n${logTail(this.recipe.info.logPath)}`;
    if (firstStart) await this.recipe.provision(abortReason);
    await waitUntil(
      `${this.kind} on port ${this.recipe.info.port}`,
      async () => {
        const session = await openSession(this.recipe.info, this.recipe.info.admin, { caPath: this.caPath, connectTimeoutMs: 1000 });
        await session.close();
      },
      { timeoutMs: START_TIMEOUT_MS, abortReason },
    );
  }

  async stop(): Promise<void> {
    await this.process?.stop();
  }

  killNow(): void {
    this.process?.killNow();
  }
}

function mariadbRecipe(dir: string, port: number, tls: { caPath: string; certPath: string; keyPath: string }): ServerRecipe {
  const info = {
    kind: "mariadb" as const,
    host: HOST,
    port,
    database: APP_DATABASE,
    admin: { username: "adminuser", password: newPassword() },
    superuser: { username: "inspector", password: newPassword() },
    logPath: join(dir, "server.log"),
  };
  const initFile = join(dir, "provision.sql");
  return {
    info,
    async initialize() {
      await runToCompletion({
        command: "mariadb-install-db",
        args: ["--no-defaults", `--datadir=${join(dir, "data")}`, "--user=root", "--auth-root-authentication-method=normal", "--skip-test-db", "--skip-name-resolve"],
        logPath: join(dir, "install.log"),
      });
      // Runs inside the server at its first start, before it accepts connections.
      // The root accounts left are local-socket ones; TCP logins use the users below.
      await writeFile(
        initFile,
        [
          "DROP USER IF EXISTS 'root'@'127.0.0.1', 'root'@'::1';",
          `CREATE USER '${info.admin.username}'@'%' IDENTIFIED BY '${info.admin.password}';`,
          `GRANT ${RDS_MASTER_PRIVILEGES} ON *.* TO '${info.admin.username}'@'%' WITH GRANT OPTION;`,
          `CREATE USER '${info.superuser.username}'@'%' IDENTIFIED BY '${info.superuser.password}';`,
          `GRANT ALL PRIVILEGES ON *.* TO '${info.superuser.username}'@'%' WITH GRANT OPTION;`,
          `CREATE DATABASE ${APP_DATABASE};`,
          `CREATE TABLE ${APP_DATABASE}.${APP_TABLE} (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(200) NOT NULL);`,
          `INSERT INTO ${APP_DATABASE}.${APP_TABLE} (name) VALUES ('seed row');`,
          "",
        ].join("\n"),
        { mode: 0o600 },
      );
    },
    launch: (firstStart) => ({
      command: "mariadbd",
      args: [
        "--no-defaults",
        "--user=root",
        `--datadir=${join(dir, "data")}`,
        `--socket=${join(dir, "mysqld.sock")}`,
        `--pid-file=${join(dir, "mysqld.pid")}`,
        `--port=${port}`,
        `--bind-address=${HOST}`,
        "--skip-name-resolve",
        `--ssl-ca=${tls.caPath}`,
        `--ssl-cert=${tls.certPath}`,
        `--ssl-key=${tls.keyPath}`,
        "--require-secure-transport=ON",
        "--skip-log-bin",
        "--performance-schema=OFF",
        "--innodb-buffer-pool-size=32M",
        "--innodb-flush-log-at-trx-commit=2",
        "--max-connections=300",
        ...(firstStart ? [`--init-file=${initFile}`] : []),
      ],
      logPath: info.logPath,
      stopSignal: "SIGTERM",
    }),
    // Everything is provisioned by the init file; the readiness check proves it ran.
    provision: async () => undefined,
  };
}

function postgresRecipe(dir: string, port: number, tls: { certPath: string; keyPath: string }): ServerRecipe {
  const info = {
    kind: "postgres" as const,
    host: HOST,
    port,
    database: APP_DATABASE,
    admin: { username: "adminuser", password: newPassword() },
    superuser: { username: "inspector", password: newPassword() },
    logPath: join(dir, "server.log"),
  };
  const dataDir = join(dir, "data");
  const certPath = join(dir, "server.crt");
  const keyPath = join(dir, "server.key");
  const { uid, gid } = systemUser("postgres");
  // The bootstrap superuser logs in through the Unix socket in `dir` (mode 0700): TCP is password + TLS only.
  const socketLogin = (database: string) => new Client({ host: dir, port, user: "postgres", database });
  return {
    info,
    async initialize() {
      await chown(dir, uid, gid);
      await copyFile(tls.certPath, certPath);
      await copyFile(tls.keyPath, keyPath);
      await chown(certPath, uid, gid);
      await chown(keyPath, uid, gid);
      await chmod(keyPath, 0o600);
      await runToCompletion({
        command: join(PG_BIN, "initdb"),
        args: ["-D", dataDir, "-U", "postgres", "--auth=trust", "--no-locale", "-E", "UTF8", "--no-sync", "--no-instructions"],
        logPath: join(dir, "initdb.log"),
        runAs: "postgres",
        cwd: dir,
      });
      await writeFile(
        join(dataDir, "pg_hba.conf"),
        [
          "local     all all              trust",
          "hostssl   all all 127.0.0.1/32 scram-sha-256",
          "hostnossl all all 0.0.0.0/0    reject",
          "",
        ].join("\n"),
      );
    },
    launch: () => ({
      command: join(PG_BIN, "postgres"),
      args: [
        "-D", dataDir,
        "-c", `port=${port}`,
        "-c", `listen_addresses=${HOST}`,
        "-c", `unix_socket_directories=${dir}`,
        "-c", "ssl=on",
        "-c", `ssl_cert_file=${certPath}`,
        "-c", `ssl_key_file=${keyPath}`,
        "-c", "password_encryption=scram-sha-256",
        "-c", "fsync=off",
        "-c", "synchronous_commit=off",
        "-c", "full_page_writes=off",
        "-c", "max_connections=300",
        "-c", "shared_buffers=32MB",
      ],
      logPath: info.logPath,
      runAs: "postgres",
      cwd: dir,
      // Fast shutdown: ends open sessions instead of waiting for them.
      stopSignal: "SIGINT",
    }),
    async provision(abortReason) {
      await waitUntil(
        "postgres socket",
        async () => {
          const client = socketLogin("postgres");
          await client.connect();
          await client.end();
        },
        { timeoutMs: START_TIMEOUT_MS, abortReason },
      );
      const q = (name: string) => `"${name}"`;
      const server = socketLogin("postgres");
      await server.connect();
      try {
        await server.query(`CREATE ROLE ${q(info.admin.username)} LOGIN CREATEROLE PASSWORD '${info.admin.password}'`);
        await server.query(`CREATE ROLE ${q(info.superuser.username)} LOGIN SUPERUSER PASSWORD '${info.superuser.password}'`);
        await server.query(`CREATE DATABASE ${APP_DATABASE} OWNER ${q(info.admin.username)}`);
        await server.query(`REVOKE ALL ON DATABASE ${APP_DATABASE} FROM PUBLIC`);
      } finally {
        await server.end();
      }
      const app = socketLogin(APP_DATABASE);
      await app.connect();
      try {
        await app.query(`SET ROLE ${q(info.admin.username)}`);
        await app.query(`CREATE TABLE ${APP_TABLE} (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL)`);
        await app.query(`INSERT INTO ${APP_TABLE} (name) VALUES ('seed row')`);
      } finally {
        await app.end();
      }
    },
  };
}

/** uid/gid of a system user, from /etc/passwd. */
function systemUser(name: string): { uid: number; gid: number } {
  const entry = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((line) => line.startsWith(`${name}:`));
  if (!entry) throw new Error(`system user ${name} not found in /etc/passwd`);
  const [, , uid, gid] = entry.split(":");
  return { uid: Number(uid), gid: Number(gid) };
}

/** Serves POST `<controlUrl>/stop` and `<controlUrl>/start` for each server. */
async function startControlServer(controllers: readonly ServerController[]): Promise<{ baseUrl: string; server: Server }> {
  const token = randomBytes(16).toString("hex");
  const server = createServer((req, res) => {
    const match = new RegExp(`^/${token}/(mariadb|postgres)/(stop|start)$`).exec(req.url ?? "");
    const controller = controllers.find((c) => c.kind === match?.[1]);
    if (req.method !== "POST" || !match || !controller) {
      res.writeHead(404).end("not found");
      return;
    }
    (match[2] === "stop" ? controller.stop() : controller.start()).then(
      () => res.writeHead(200).end("ok"),
      (error: Error) => res.writeHead(500).end(error.message),
    );
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, HOST, resolve));
  const { port } = server.address() as { port: number };
  return { baseUrl: `http://${HOST}:${port}/${token}`, server };
}

async function control(server: ServerInfo, action: "stop" | "start"): Promise<void> {
  const url = new URL(`${server.controlUrl}/${action}`);
  await new Promise<void>((resolve, reject) => {
    const req = request(url, { method: "POST", agent: false, timeout: START_TIMEOUT_MS + 5000 }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
      res.on("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`${action} ${server.kind}: ${body}`))));
    });
    req.on("timeout", () => req.destroy(new Error(`${action} ${server.kind}: no answer from the control endpoint`)));
    req.on("error", reject).end();
  });
}

/**
 * Stops a server (its data stays); logins fail with "connection refused" until
 * `startServer`. Every test using that server sees the outage: a test file that stops
 * servers should start its own with `startDatabases()` rather than stop the shared ones,
 * which other files may be using in parallel.
 */
export function stopServer(server: ServerInfo): Promise<void> {
  return control(server, "stop");
}

/** Starts a stopped server on the same port with the same data; resolves once the admin logs in. */
export function startServer(server: ServerInfo): Promise<void> {
  return control(server, "start");
}

/** Starts MariaDB and PostgreSQL in parallel; see the module comment. */
export async function startDatabases(): Promise<RunningDatabases> {
  const begin = Date.now();
  await sweepAbandonedDirectories();
  const dirs: string[] = [];
  const tempDir = async (name: string) => {
    const dir = await ownedTempDir(name);
    dirs.push(dir);
    return dir;
  };
  const controllers: ServerController[] = [];
  const killAll = () => controllers.forEach((c) => c.killNow());
  process.once("exit", killAll);
  let controlServer: Server | undefined;
  const stop = async () => {
    process.removeListener("exit", killAll);
    controlServer?.closeAllConnections();
    await new Promise((resolve) => (controlServer ? controlServer.close(resolve) : resolve(undefined)));
    controlServer = undefined;
    await Promise.all(controllers.map((c) => c.stop()));
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  };
  try {
    const tls = await createTestCertificates(await tempDir("tls"));
    const certificatesDone = Date.now();
    const [mariadbDir, postgresDir, mariadbPort, postgresPort] = await Promise.all([
      tempDir("mariadb"),
      tempDir("postgres"),
      freePort(),
      freePort(),
    ]);
    const recipes = [mariadbRecipe(mariadbDir, mariadbPort, tls), postgresRecipe(postgresDir, postgresPort, tls)];
    controllers.push(...recipes.map((recipe) => new ServerController(recipe, tls.caPath)));
    const { baseUrl, server } = await startControlServer(controllers);
    controlServer = server;
    const timed = async (controller: ServerController) => {
      await controller.start();
      return Date.now() - certificatesDone;
    };
    const [mariadbMs, postgresMs] = await Promise.all(controllers.map(timed));
    const [mariadb, postgres] = recipes.map((recipe) => ({ ...recipe.info, controlUrl: `${baseUrl}/${recipe.info.kind}` }));
    return {
      mariadb,
      postgres,
      caPath: tls.caPath,
      untrustedCaPath: tls.untrustedCaPath,
      startupMs: { certificates: certificatesDone - begin, mariadb: mariadbMs, postgres: postgresMs, total: Date.now() - begin },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Writes the environment to a fresh private file and returns its path. */
export async function writeDatabaseEnvironment(environment: DatabaseEnvironment): Promise<string> {
  const dir = await ownedTempDir("env");
  const path = join(dir, "databases.json");
  const { mariadb, postgres, caPath, untrustedCaPath } = environment;
  await writeFile(path, JSON.stringify({ mariadb, postgres, caPath, untrustedCaPath }), { mode: 0o600 });
  return path;
}

/** Reads the environment published by the integration project's global setup. */
export async function loadDatabaseEnvironment(): Promise<DatabaseEnvironment> {
  const path = process.env[DATABASES_ENV_VAR];
  if (!path) {
    throw new Error(
      `${DATABASES_ENV_VAR} is not set: run the integration project (npx jest --selectProjects integration), whose global setup starts the databases`,
    );
  }
  return JSON.parse(await readFile(path, "utf8")) as DatabaseEnvironment;
}
