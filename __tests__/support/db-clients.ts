/**
 * Test-side database sessions: log in to a test server as any user, always over TLS
 * verified against a CA file, and run SQL. For assertions only; the code under test
 * brings its own connections.
 */
import { readFileSync } from "node:fs";
import { createConnection } from "mysql2/promise";
import { Client } from "pg";
import type { DatabaseCredentials, ServerInfo } from "./db-servers";

/** An open connection. Placeholders are the engine's own: `?` (MariaDB) or `$1` (PostgreSQL). */
export interface SqlSession {
  query(sql: string, params?: readonly unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export interface SessionOptions {
  /** PEM bundle that verifies the server certificate. */
  readonly caPath: string;
  /** @default the server's application database */
  readonly database?: string;
  /** @default 3000 */
  readonly connectTimeoutMs?: number;
}

/** Logs in over TLS; rejects with the driver's error when the login fails. */
export async function openSession(
  server: Pick<ServerInfo, "kind" | "host" | "port" | "database">,
  credentials: DatabaseCredentials,
  options: SessionOptions,
): Promise<SqlSession> {
  const ca = readFileSync(options.caPath);
  const database = options.database ?? server.database;
  const timeout = options.connectTimeoutMs ?? 3000;
  if (server.kind === "mariadb") {
    const connection = await createConnection({
      host: server.host,
      port: server.port,
      user: credentials.username,
      password: credentials.password,
      database,
      ssl: { ca },
      connectTimeout: timeout,
    });
    return {
      query: async (sql, params) => {
        const [rows] = await connection.query(sql, params as unknown[] | undefined);
        return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
      },
      close: () => connection.end(),
    };
  }
  const client = new Client({
    host: server.host,
    port: server.port,
    user: credentials.username,
    password: credentials.password,
    database,
    ssl: { ca },
    connectionTimeoutMillis: timeout,
  });
  // A server shut down under an idle session emits an error event; the next query reports it.
  client.on("error", () => undefined);
  await client.connect();
  return {
    query: async (sql, params) => (await client.query(sql, params as unknown[] | undefined)).rows,
    close: () => client.end(),
  };
}

/** Opens a session, runs `work`, and always closes the session. */
export async function withSession<T>(
  server: Pick<ServerInfo, "kind" | "host" | "port" | "database">,
  credentials: DatabaseCredentials,
  options: SessionOptions,
  work: (session: SqlSession) => Promise<T>,
): Promise<T> {
  const session = await openSession(server, credentials, options);
  try {
    return await work(session);
  } finally {
    await session.close();
  }
}

/** `undefined` when the user can log in, else the login error. */
export async function loginError(
  server: Pick<ServerInfo, "kind" | "host" | "port" | "database">,
  credentials: DatabaseCredentials,
  options: SessionOptions,
): Promise<Error | undefined> {
  try {
    await withSession(server, credentials, options, (session) => session.query("SELECT 1"));
    return undefined;
  } catch (error) {
    return error as Error;
  }
}

/** Whether the user can log in and run a query. */
export async function canLogIn(
  server: Pick<ServerInfo, "kind" | "host" | "port" | "database">,
  credentials: DatabaseCredentials,
  options: SessionOptions,
): Promise<boolean> {
  return (await loginError(server, credentials, options)) === undefined;
}
