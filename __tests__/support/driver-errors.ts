/** Error objects shaped as the database drivers throw them (mysql2 3.x, pg 8.x), for unit tests. */

export function mysqlError(code: string, errno: number, sqlState: string): Error {
  return Object.assign(new Error(`${code}: Access denied for user 'app'@'10.0.0.1'`), { code, errno, sqlState, fatal: true });
}

export function pgError(code: string): Error {
  return Object.assign(new Error(`pg error ${code}`), { code, severity: "FATAL" });
}
