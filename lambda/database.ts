import { readFile } from "node:fs/promises";
import { DatabaseError, RotationError } from "./errors";
import type { RotationOptions } from "./config";
import type { DatabaseSession } from "./engines";
import { engineFamily } from "../shared/secret-contract";
import type { Credentials, DatabaseSecret } from "./secret-value";

/** The settings that database connections use (see RotationOptions). */
export type DatabaseSettings = Pick<RotationOptions, "engines" | "caBundlePath" | "connectTimeoutMs" | "queryTimeoutMs">;

/**
 * Opens sessions to the database a secret describes: TLS (with the CA bundle, read once
 * on the first TLS connection) unless the secret says `ssl: false`; never a fallback
 * from TLS to plaintext.
 */
export class DatabaseConnector {
  private ca: Promise<string> | undefined;

  constructor(private readonly settings: DatabaseSettings) {}

  async connect(secret: DatabaseSecret, credentials: Credentials): Promise<DatabaseSession> {
    const engine = this.settings.engines[engineFamily(secret.engine)];
    const tls = secret.ssl ? { ca: await this.loadCa() } : undefined;
    const { host, port, dbname } = secret;
    return engine.connect({ engine: secret.engine, host, port, dbname }, credentials, {
      tls,
      connectTimeoutMs: this.settings.connectTimeoutMs,
      queryTimeoutMs: this.settings.queryTimeoutMs,
    });
  }

  /** Like connect, but resolves to undefined when the server rejects the credentials. */
  async tryLogin(secret: DatabaseSecret, credentials: Credentials): Promise<DatabaseSession | undefined> {
    try {
      return await this.connect(secret, credentials);
    } catch (error) {
      if (error instanceof DatabaseError && error.authenticationFailed) return undefined;
      throw error;
    }
  }

  /** Runs `work` in a session and closes the session whatever happens. */
  async withSession<T>(
    secret: DatabaseSecret,
    credentials: Credentials,
    work: (session: DatabaseSession) => Promise<T>,
  ): Promise<T> {
    return using(await this.connect(secret, credentials), work);
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
