import { createHash, createHmac, pbkdf2, randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { RotationError } from "../errors";

const deriveKey = promisify(pbkdf2);

/** Iteration count of SCRAM-SHA-256 verifiers: PostgreSQL's own default (`scram_iterations`). */
const SCRAM_ITERATIONS = 4096;

/**
 * What `CREATE/ALTER ROLE ... PASSWORD` receives instead of the password: the verifier
 * that the server would compute and store for it under `passwordEncryption`, computed
 * here. PostgreSQL stores a value that is already a verifier as it is, so the password
 * never reaches the server's statement log, pg_stat_activity or an error report. This is
 * what psql's `\password` and libpq's PQencryptPasswordConn do.
 *
 * @param username the role the password is for (MD5 verifiers are salted with it)
 * @param passwordEncryption the session's `password_encryption` setting
 */
export async function passwordVerifier(username: string, password: string, passwordEncryption: string): Promise<string> {
  switch (passwordEncryption) {
    case "scram-sha-256":
      return scramSha256Verifier(password);
    case "md5":
    case "on": // md5, in PostgreSQL 13 and older
      return md5Verifier(username, password);
    default:
      throw new RotationError(`unsupported password_encryption "${passwordEncryption}": expected scram-sha-256 or md5`);
  }
}

/**
 * A SCRAM-SHA-256 verifier (RFC 5802, RFC 7677) in PostgreSQL's format:
 * `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`.
 *
 * The server normalizes a password with SASLprep before hashing it; for printable ASCII
 * that is the identity, so only such passwords are accepted (GetRandomPassword
 * generates nothing else).
 *
 * @param salt 16 random bytes unless given (tests pass a known one)
 */
export async function scramSha256Verifier(password: string, salt: Buffer = randomBytes(16)): Promise<string> {
  if (!/^[\x20-\x7e]+$/.test(password)) {
    throw new RotationError("a password for a SCRAM-SHA-256 verifier must consist of printable ASCII characters");
  }
  const saltedPassword = await deriveKey(password, salt, SCRAM_ITERATIONS, 32, "sha256");
  const hmac = (text: string) => createHmac("sha256", saltedPassword).update(text).digest();
  const storedKey = createHash("sha256").update(hmac("Client Key")).digest();
  const serverKey = hmac("Server Key");
  return `SCRAM-SHA-256$${SCRAM_ITERATIONS}:${salt.toString("base64")}$${storedKey.toString("base64")}:${serverKey.toString("base64")}`;
}

/** PostgreSQL's MD5 verifier: `md5` and the hex MD5 of the password followed by the role name. */
export function md5Verifier(username: string, password: string): string {
  return `md5${createHash("md5").update(password + username).digest("hex")}`;
}
