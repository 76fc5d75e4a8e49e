import type { DatabaseCredentials } from "../../client/connect-with-secret";
import { mysqlConnectionOptions, pgClientConfig } from "../../client/driver-config";

const credentials: DatabaseCredentials = {
  username: "app",
  password: "pw",
  host: "db.internal",
  port: 3306,
  dbname: "orders",
};
const CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

describe("mysqlConnectionOptions", () => {
  test("maps the secret's keys and verifies the server certificate against the CA", () => {
    expect(mysqlConnectionOptions(credentials, { ca: CA })).toEqual({
      host: "db.internal",
      port: 3306,
      user: "app",
      password: "pw",
      database: "orders",
      ssl: { rejectUnauthorized: true, ca: CA, verifyIdentity: true },
    });
  });

  test("checks an IP address host against the certificate through its own socket factory", () => {
    // The factory's effect (the address, not "localhost", is checked) is shown against a
    // real server in __tests__/integration/client-rotation.test.ts.
    const options = mysqlConnectionOptions({ ...credentials, host: "10.0.3.17" }, { ca: CA });
    expect(options.ssl).toEqual({ rejectUnauthorized: true, ca: CA, verifyIdentity: true });
    expect(options.stream).toEqual(expect.any(Function));
    expect(mysqlConnectionOptions({ ...credentials, host: "10.0.3.17", ssl: false })).not.toHaveProperty("stream");
  });

  test("verifies against Node's roots when no CA is given, and omits an absent database", () => {
    expect(mysqlConnectionOptions({ ...credentials, dbname: undefined, ssl: true })).toEqual({
      host: "db.internal",
      port: 3306,
      user: "app",
      password: "pw",
      ssl: { rejectUnauthorized: true, verifyIdentity: true },
    });
  });

  test("uses plaintext only when the secret says ssl: false", () => {
    expect(mysqlConnectionOptions({ ...credentials, ssl: false }, { ca: CA })).not.toHaveProperty("ssl");
  });
});

describe("pgClientConfig", () => {
  test("maps the secret's keys and verifies the server certificate against the CA", () => {
    expect(pgClientConfig({ ...credentials, port: 5432 }, { ca: CA })).toEqual({
      host: "db.internal",
      port: 5432,
      user: "app",
      password: "pw",
      database: "orders",
      ssl: { rejectUnauthorized: true, ca: CA },
    });
  });

  test("uses plaintext only when the secret says ssl: false", () => {
    expect(pgClientConfig({ ...credentials, ssl: false }).ssl).toBe(false);
  });
});
