import { parseDatabaseSecret } from "../../lambda/secret-value";

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
    [undefined, true],
  ])("ssl %j", (ssl, expected) => {
    const value = parseDatabaseSecret(JSON.stringify({ ...base, port: 3306, ssl }), "secret s").value;
    expect(value.ssl).toBe(expected);
  });

  test("ssl null counts as absent: TLS", () => {
    expect(parseDatabaseSecret(JSON.stringify({ ...base, port: 3306, ssl: null }), "secret s").value.ssl).toBe(true);
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
