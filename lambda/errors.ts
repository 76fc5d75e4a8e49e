import { loginFailureOf } from "../shared/login-failure";

/**
 * Errors of the rotation function. Every message is safe to log: it names secrets,
 * versions, users and fields, never a secret value or a password. Driver and SDK errors
 * are reduced to such messages where they are caught (see toDatabaseError).
 */
export class RotationError extends Error {
  /** @param options.cause the SDK or driver error, for callers that branch on its type; never part of the message */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "RotationError";
  }
}

/** A database operation failed. */
export class DatabaseError extends RotationError {
  /**
   * @param message safe description of the operation and the failure
   * @param authenticationFailed the server rejected the user name or password (as opposed
   *   to a network, TLS, timeout or SQL failure), so another password may be tried
   */
  constructor(
    message: string,
    readonly authenticationFailed: boolean,
  ) {
    super(message);
    this.name = "DatabaseError";
  }
}

interface ErrorFields {
  name?: unknown;
  code?: unknown;
  errno?: unknown;
  message?: unknown;
}

/**
 * Reduces a driver error to a DatabaseError: the operation, the error code and, only
 * when `withMessage`, the driver's message. The message of a failed statement can quote
 * the statement, so callers pass false for statements that carry a password; while
 * connecting no statement has been sent and the message (refused, timed out, TLS
 * certificate mismatch, access denied for user ...) is safe and worth keeping.
 *
 * @param operation what was attempted, e.g. `connect to mysql at db:3306 as app`
 * @param cause the error thrown by the driver
 * @param withMessage whether the driver's message may be kept
 */
export function toDatabaseError(operation: string, cause: unknown, withMessage: boolean): DatabaseError {
  const fields: ErrorFields = typeof cause === "object" && cause !== null ? cause : {};
  const code = typeof fields.code === "string" && fields.code !== "" ? fields.code : undefined;
  let message = `${operation} failed: ${code ?? (typeof fields.name === "string" ? fields.name : "Error")}`;
  if (typeof fields.errno === "number") message += ` (errno ${fields.errno})`;
  if (withMessage && typeof fields.message === "string" && fields.message !== "") message += `: ${fields.message}`;
  return new DatabaseError(message, loginFailureOf(cause) === "password-rejected");
}

/** A safe message for any error reaching the handler boundary. */
export function describeError(error: unknown): string {
  if (error instanceof RotationError) return error.message;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return "unknown error";
}
