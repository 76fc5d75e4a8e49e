import { loginFailureOf } from "../../shared/login-failure";
import { mysqlError, pgError } from "../support/driver-errors";

describe("loginFailureOf", () => {
  test.each([
    ["mysql2 ER_ACCESS_DENIED_ERROR (1045)", "password-rejected", mysqlError("ER_ACCESS_DENIED_ERROR", 1045, "28000")],
    ["pg 28P01 invalid_password", "password-rejected", pgError("28P01")],
    ["pg 28000 invalid_authorization_specification", "login-refused", pgError("28000")],
    ["a refused login as the cause of a wrapper", "password-rejected", new Error("pool", { cause: pgError("28P01") })],
    ["mysql2 ER_DBACCESS_DENIED_ERROR (1044): authorization, not authentication", undefined, mysqlError("ER_DBACCESS_DENIED_ERROR", 1044, "42000")],
    ["mysql2 ER_BAD_DB_ERROR", undefined, mysqlError("ER_BAD_DB_ERROR", 1049, "42000")],
    ["pg 3D000 invalid_catalog_name", undefined, pgError("3D000")],
    ["pg 53300 too_many_connections", undefined, pgError("53300")],
    ["a refused TCP connection", undefined, Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED", errno: -111 })],
    ["a string", undefined, "28P01"],
    ["undefined", undefined, undefined],
  ])("%s → %s", (_case, expected, error) => {
    expect(loginFailureOf(error)).toBe(expected);
  });

  test("a cause chain that loops ends", () => {
    const looped: Error & { cause?: unknown } = new Error("outer");
    looped.cause = looped;
    expect(loginFailureOf(looped)).toBeUndefined();
  });
});
