import { readFileSync } from "node:fs";
import { createConnection } from "mysql2/promise";
import { SecretCache, connectWithSecret, mysqlConnectionOptions } from "@secrets-rotation/client";

/** One cache per process: TTL 1 h, hard expiry 24 h, 100 entries, one forced refresh per 5 s. */
export const cache = new SecretCache();

/** The database user's secret, as the environment's `databaseUsers[].secretName` names it. */
const secretId = process.env.DB_SECRET_ID ?? "tutorials/mytestdatabaseinstance/appuser";

/** The RDS certificate authorities: AWS's global-bundle.pem, or /var/runtime/ca-cert.pem on Lambda. */
const rdsCaBundle = readFileSync(process.env.DB_CA_BUNDLE ?? "/var/runtime/ca-cert.pem");

/** A connection as the secret's current user, over TLS that verifies the server. */
export function connect() {
  return connectWithSecret(cache, secretId, (credentials) =>
    createConnection(mysqlConnectionOptions(credentials, { ca: rdsCaBundle })),
  );
}
