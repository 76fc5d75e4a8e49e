/**
 * How the database drivers (mysql2, pg) say that a login was refused, shared by the
 * rotation function (which tries another password) and the application library (which
 * refreshes the secret). Codes are the drivers' `code` property.
 */

/**
 * The server rejected the user name or password, which another password may cure:
 * - mysql2: `ER_ACCESS_DENIED_ERROR` (errno 1045). Not `ER_DBACCESS_DENIED_ERROR` (1044),
 *   where the password was accepted and the database refused: a privilege problem.
 * - pg: `28P01` (invalid_password; PostgreSQL also sends it for an unknown role).
 */
export const PASSWORD_REJECTED_CODES: ReadonlySet<string> = new Set(["ER_ACCESS_DENIED_ERROR", "28P01"]);

/**
 * The server refused the login for a reason other than the password, which a new password
 * does not cure: pg `28000` (invalid_authorization_specification: no pg_hba.conf entry,
 * a role without LOGIN, TLS required by pg_hba.conf).
 */
export const LOGIN_REFUSED_CODES: ReadonlySet<string> = new Set(["28000"]);

export type LoginFailure = "password-rejected" | "login-refused";

/** Classifies a driver error (or one in its `cause` chain, up to 8 deep) as a refused login, or undefined. */
export function loginFailureOf(error: unknown): LoginFailure | undefined {
  for (let current = error, depth = 0; current instanceof Object && depth < 8; depth += 1) {
    const { code, cause } = current as { code?: unknown; cause?: unknown };
    if (typeof code === "string") {
      if (PASSWORD_REJECTED_CODES.has(code)) return "password-rejected";
      if (LOGIN_REFUSED_CODES.has(code)) return "login-refused";
    }
    current = cause;
  }
  return undefined;
}
