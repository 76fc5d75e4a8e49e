import { isIP } from "node:net";
import { socketToIp } from "../shared/tls-socket";
import type { DatabaseCredentials } from "./connect-with-secret";

/** The certificate authorities that database server certificates are verified against. */
export interface DatabaseTls {
  /**
   * PEM CA bundle (one string may hold many certificates), e.g. the RDS bundle (`/var/runtime/ca-cert.pem` on Lambda's Node
   * runtimes, or AWS's `global-bundle.pem`).
   * @default Node's built-in root certificates (which do not include the RDS CAs)
   */
  readonly ca?: string | Buffer;
}

/** TLS that verifies the server's certificate against `ca` (or Node's root certificates). */
export interface VerifiedTls {
  readonly rejectUnauthorized: true;
  readonly ca?: string | Buffer;
}

// The two option types below are the parts of the drivers' own types that these functions
// set, written out here: with them, this library's declarations name no driver, and an
// application installs (and type-checks against) only the driver it uses. The tests pass
// them to mysql2's createConnection and to pg's Client, so the type check proves they fit.

/** The options {@link mysqlConnectionOptions} sets, a part of mysql2's `ConnectionOptions`. */
export interface MysqlConnectionOptions {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database?: string;
  readonly ssl?: VerifiedTls & { readonly verifyIdentity: true };
  readonly stream?: typeof socketToIp;
}

/** The configuration {@link pgClientConfig} sets, a part of pg's `ClientConfig`. */
export interface PgClientConfig {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database?: string;
  readonly ssl: false | VerifiedTls;
}

/**
 * mysql2 connection options for a credential secret. TLS with server certificate and
 * host name (or IP address) verification unless the secret says `"ssl": false`; never a
 * fallback to plaintext. Spread it to add driver options, e.g. `{ ...mysqlConnectionOptions(c), connectTimeout: 5000 }`.
 */
export function mysqlConnectionOptions(credentials: DatabaseCredentials, tls: DatabaseTls = {}): MysqlConnectionOptions {
  return {
    host: credentials.host,
    port: credentials.port,
    user: credentials.username,
    password: credentials.password,
    ...(credentials.dbname === undefined ? {} : { database: credentials.dbname }),
    // mysql2 checks the certificate's names only with verifyIdentity, and for an IP
    // address only against the host recorded on the socket (see socketToIp).
    ...(credentials.ssl === false
      ? {}
      : {
          ssl: { ...verifiedTls(tls), verifyIdentity: true },
          ...(isIP(credentials.host) === 0 ? {} : { stream: socketToIp }),
        }),
  };
}

/**
 * pg client configuration for a credential secret, with the same TLS rule as
 * {@link mysqlConnectionOptions}. Without `dbname`, pg connects to the database named
 * like the user.
 */
export function pgClientConfig(credentials: DatabaseCredentials, tls: DatabaseTls = {}): PgClientConfig {
  return {
    host: credentials.host,
    port: credentials.port,
    user: credentials.username,
    password: credentials.password,
    ...(credentials.dbname === undefined ? {} : { database: credentials.dbname }),
    ssl: credentials.ssl === false ? false : verifiedTls(tls),
  };
}

function verifiedTls({ ca }: DatabaseTls): VerifiedTls {
  return { rejectUnauthorized: true, ...(ca === undefined ? {} : { ca }) };
}
