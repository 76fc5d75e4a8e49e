import type { SecretRotationBinding } from "../../lambda/bindings";
import { checkAgainstBinding, parseDatabaseSecret } from "../../lambda/secret-value";

const base = { engine: "mysql", host: "db.example.internal", username: "app", dbname: "app", password: "x".repeat(32) };

describe("secret values written by AWS's templates or tools are read as they mean", () => {
  test.each([
    [{ port: "3306" }, 3306],
    [{ port: 5432 }, 5432],
  ])("port %j", (extra, port) => {
    expect(parseDatabaseSecret(JSON.stringify({ ...base, ...extra }), "secret s").value.port).toBe(port);
  });

  test.each([
    [true, true],
    [false, false],
    [undefined, undefined],
    [null, undefined],
  ])("ssl %j is read as %j (absent: the binding decides)", (ssl, expected) => {
    const value = parseDatabaseSecret(JSON.stringify({ ...base, port: 3306, ssl }), "secret s").value;
    expect(value.ssl).toBe(expected);
  });

  test.each(["false", "FALSE", "False", "true", 0, 1])("ssl %j is refused: no spelling turns TLS off", (ssl) => {
    const text = JSON.stringify({ ...base, port: 3306, ssl });
    expect(() => parseDatabaseSecret(text, "secret s")).toThrow('secret s: "ssl" must be true or false');
  });

  test("the stored JSON is kept as written, so the next version carries it unchanged", () => {
    const text = JSON.stringify({ ...base, port: "3306", ssl: true, dbInstanceIdentifier: "db-1" });
    expect(parseDatabaseSecret(text, "secret s").json).toEqual(JSON.parse(text));
  });
});

describe("a version must agree with the binding", () => {
  const binding: SecretRotationBinding = {
    secretName: "app/orders",
    database: { engine: "mysql", host: "db.example.internal", port: 3306, dbname: "app", masterSecretArn: "arn:master", tls: true },
    username: "app",
    privileges: ["SELECT", "INSERT"],
  };
  const agreeing = { ...base, port: 3306, masterarn: "arn:master", ssl: true, privileges: ["INSERT", "SELECT"] };
  const check = (json: object, usernames = ["app", "app_clone"], checkPrivileges = true) =>
    checkAgainstBinding(parseDatabaseSecret(JSON.stringify(json), "secret s").value, binding, usernames, "secret s", checkPrivileges);

  test("AWS's format, with the optional keys or without them", () => {
    expect(() => check(agreeing)).not.toThrow();
    expect(() => check({ ...base, port: "3306" })).not.toThrow();
    expect(() => check({ ...agreeing, username: "app_clone" })).not.toThrow();
  });

  test.each([
    ["engine", { engine: "mariadb" }, "engine mysql"],
    ["host", { host: "evil.example.com" }, "host db.example.internal"],
    ["port", { port: 3307 }, "port 3306"],
    ["dbname", { dbname: "mysql" }, "dbname app"],
    ["masterarn", { masterarn: "arn:other" }, "master secret arn:master"],
    ["ssl", { ssl: false }, "TLS required"],
    ["username", { username: "adminuser" }, "user app or app_clone"],
    ["privileges", { privileges: ["SELECT", "INSERT", "DELETE"] }, "SELECT, INSERT"],
  ])("%s", (field, change, expected) => {
    expect(() => check({ ...agreeing, ...change })).toThrow(
      new Error(
        `secret s: "${field}" disagrees with the function's binding for secret app/orders (${expected}); ` +
          "refusing to act on a database, user or connection that the deployer did not configure",
      ),
    );
  });

  test("privileges are compared only where asked (AWSCURRENT records what the last rotation applied)", () => {
    expect(() => check({ ...agreeing, privileges: ["SELECT"] }, ["app"], false)).not.toThrow();
  });
});
