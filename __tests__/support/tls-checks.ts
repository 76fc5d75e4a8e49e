/**
 * For tests of TLS server verification: how each driver reports a refused certificate,
 * and a host name that resolves to this machine without DNS. Assertions use error codes
 * and the fields Node documents, never message texts (Node 20, 22 and 24 word them
 * differently).
 */
import dns from "node:dns";
import type { ServerKind } from "./db-servers";

/** mysql2 replaces the code of every TLS handshake error with its own. */
const MYSQL2_TLS_CODE = "HANDSHAKE_SSL_ERROR";

/**
 * The `code` of the error for a server certificate that does not name the host: Node's
 * `ERR_TLS_CERT_ALTNAME_INVALID`, or mysql2's. Either way the error is Node's, with the
 * `host` it checked and the `cert`.
 */
export const NAME_MISMATCH_CODE: Readonly<Record<ServerKind, string>> = {
  mariadb: MYSQL2_TLS_CODE,
  postgres: "ERR_TLS_CERT_ALTNAME_INVALID",
};

/** The `code` of the error for a server certificate that no trusted CA signed: OpenSSL's, or mysql2's. */
export const UNTRUSTED_CERTIFICATE_CODE: Readonly<Record<ServerKind, string>> = {
  mariadb: MYSQL2_TLS_CODE,
  postgres: "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
};

/**
 * Runs `work` while `alias` resolves to `address`, as an RDS endpoint (a DNS name)
 * resolves to its instance. Node's `net` resolves host names with the `lookup` function
 * of the `node:dns` module object, read at each connection, so replacing it resolves the
 * alias for every driver in this process; other names resolve as before. (Numeric forms
 * such as "127.1" cannot serve as names: Node 22 canonicalizes them to an IP address
 * before checking the certificate, Node 20 and 24 do not.)
 */
export async function withHostAlias<T>(alias: string, address: string, work: () => Promise<T>): Promise<T> {
  const lookup = dns.lookup;
  const aliased = (hostname: string, ...rest: unknown[]): void =>
    (lookup as (hostname: string, ...rest: unknown[]) => void)(hostname === alias ? address : hostname, ...rest);
  dns.lookup = aliased as typeof dns.lookup;
  try {
    return await work();
  } finally {
    dns.lookup = lookup;
  }
}
