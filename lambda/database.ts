import { readFile } from "node:fs/promises";
import { DatabaseError, RotationError } from "./errors";
import type { RotationOptions } from "./config";
import type { DatabaseSession } from "./engines";
import type { DatabaseBinding } from "../shared/rotation-binding";
import { engineFamily } from "../shared/secret-contract";
import type { Credentials } from "./secret-value";

/** The settings that database connections use (see RotationOptions). */
export type DatabaseSettings = Pick<RotationOptions, "engines" | "caBundlePath" | "connectTimeoutMs" | "queryTimeoutMs">;

/**
 * Opens sessions to a bound database, never to one a secret names: TLS (with the CA
 * bundle, read once on the first TLS connection) unless the binding says `tls: false`;
 * never a fallback from TLS to plaintext.
 */
export class DatabaseConnector {
  private ca: Promise<string> | undefined;

  constructor(private readonly settings: DatabaseSettings) {}

  async connect(database: DatabaseBinding, credentials: Credentials): Promise<DatabaseSession> {
    const engine = this.settings.engines[engineFamily(database.engine)];
    const tls = database.tls ? { ca: await this.loadCa() } : undefined;
    const { host, port, dbname } = database;
    return engine.connect({ engine: database.engine, host, port, dbname }, credentials, {
      tls,
      connectTimeoutMs: this.settings.connectTimeoutMs,
      queryTimeoutMs: this.settings.queryTimeoutMs,
    });
  }

  /** Like connect, but resolves to undefined when the server rejects the credentials. */
  async tryLogin(database: DatabaseBinding, credentials: Credentials): Promise<DatabaseSession | undefined> {
    try {
      return await this.connect(database, credentials);
    } catch (error) {
      if (error instanceof DatabaseError && error.authenticationFailed) return undefined;
      throw error;
    }
  }

  /** Runs `work` in a session and closes the session whatever happens. */
  async withSession<T>(
    database: DatabaseBinding,
    credentials: Credentials,
    work: (session: DatabaseSession) => Promise<T>,
  ): Promise<T> {
    return using(await this.connect(database, credentials), work);
  }

  private loadCa(): Promise<string> {
    const path = this.settings.caBundlePath;
    this.ca ??= readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
      this.ca = undefined;
      throw new RotationError(`cannot read the CA bundle ${path} (DB_CA_BUNDLE): ${error.code ?? error.message}`);
    });
    return this.ca;
  }
}

/** Runs `work` and then closes `session`. */
export async function using<T>(session: DatabaseSession, work: (session: DatabaseSession) => Promise<T>): Promise<T> {
  try {
    return await work(session);
  } finally {
    await session.close();
  }
}
