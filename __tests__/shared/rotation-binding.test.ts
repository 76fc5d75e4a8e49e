import {
  BindingError,
  checkBindings,
  parseDatabaseBindings,
  parseSecretBindings,
  serializeSecretBindings,
  type SecretBindingsFile,
} from "../../shared/rotation-binding";

const file: SecretBindingsFile = {
  version: 1,
  strategy: "alternating-users",
  secrets: {
    "app/z": { database: "db1", username: "zed", privileges: ["DELETE", "SELECT"] },
    "app/a": { database: "db1", username: "alpha", privileges: ["SELECT"] },
  },
};
const databases = {
  db1: { engine: "mysql", host: "db1.example.internal", port: 3306, dbname: "app", masterSecretArn: "arn:aws:secretsmanager:us-east-1:111122223333:secret:rds!db-1-AbCdEf", tls: true },
};

describe("secret bindings file", () => {
  test("serializes deterministically (secrets sorted, privileges in canonical order) and parses back", () => {
    const text = serializeSecretBindings(file);
    expect(text).toBe(
      '{"version":1,"strategy":"alternating-users","secrets":{"app/a":{"database":"db1","username":"alpha","privileges":["SELECT"]},' +
        '"app/z":{"database":"db1","username":"zed","privileges":["SELECT","DELETE"]}}}\n',
    );
    expect(serializeSecretBindings(parseSecretBindings(text))).toBe(text);
  });

  test.each([
    ["not JSON", "{", "secret-bindings.json is not valid JSON"],
    ["another version", JSON.stringify({ ...file, version: 2 }), 'secret-bindings.json: "version" must be 1'],
    ["an unknown strategy", JSON.stringify({ ...file, strategy: "both" }), 'secret-bindings.json: "strategy" must be one of'],
    [
      "a username that is not an identifier",
      JSON.stringify({ ...file, secrets: { s: { database: "db1", username: "a b", privileges: ["SELECT"] } } }),
      'secret-bindings.json: secret "s": "username" must consist of',
    ],
    [
      "no privileges",
      JSON.stringify({ ...file, secrets: { s: { database: "db1", username: "app", privileges: [] } } }),
      'secret-bindings.json: secret "s": "privileges" must be a non-empty array of distinct',
    ],
    [
      "a repeated privilege",
      JSON.stringify({ ...file, secrets: { s: { database: "db1", username: "app", privileges: ["SELECT", "SELECT"] } } }),
      '"privileges" must be a non-empty array of distinct',
    ],
  ])("refuses %s", (_case, text, message) => {
    expect(() => parseSecretBindings(text)).toThrow(BindingError);
    expect(() => parseSecretBindings(text)).toThrow(message);
  });
});

describe("database bindings variable", () => {
  test("parses", () => {
    expect(parseDatabaseBindings(JSON.stringify(databases))).toEqual(databases);
  });

  test.each<[string, string | undefined, string]>([
    ["absent", undefined, "ROTATION_DATABASES is required"],
    ["TLS as text", JSON.stringify({ db1: { ...databases.db1, tls: "false" } }), 'database "db1": "tls" must be true or false'],
    ["an unknown engine", JSON.stringify({ db1: { ...databases.db1, engine: "oracle" } }), '"engine" must be one of'],
    ["a port as text", JSON.stringify({ db1: { ...databases.db1, port: "3306" } }), '"port" must be an integer from 1 to 65535'],
    ["a database name that is not an identifier", JSON.stringify({ db1: { ...databases.db1, dbname: "app.db" } }), '"dbname" must consist of'],
    ...["mysql", "information_schema", "performance_schema", "sys", "MySQL"].map((dbname): [string, string, string] => [
      `the system schema ${dbname}`,
      JSON.stringify({ db1: { ...databases.db1, dbname } }),
      `database "db1": "dbname" ${dbname} is a system schema; allowed: an application database, not mysql, information_schema, performance_schema, sys`,
    ]),
    ...["postgres", "template0", "template1"].map((dbname): [string, string, string] => [
      `the PostgreSQL system database ${dbname}`,
      JSON.stringify({ db1: { ...databases.db1, engine: "postgres", dbname } }),
      `"dbname" ${dbname} is a system schema; allowed: an application database, not postgres, template0, template1`,
    ]),
  ])("refuses %s", (_case, text, message) => {
    expect(() => parseDatabaseBindings(text)).toThrow(message);
  });
});

describe("bindings together", () => {
  const parsed = parseDatabaseBindings(JSON.stringify(databases));
  const only = (secrets: SecretBindingsFile["secrets"], strategy: SecretBindingsFile["strategy"] = "alternating-users") => ({ version: 1 as const, strategy, secrets });

  test.each(["root", "rdsadmin", "RDSREPLADMIN", "rds_superuser", "postgres", "pg_monitor", "azure_superuser", "rds", "pg", "azure"])(
    "refuses the reserved or system account %s (alone or as the base of a clone)",
    (username) => {
      expect(() => checkBindings(only({ s: { database: "db1", username, privileges: ["SELECT"] } }), parsed)).toThrow(
        /secret "s": user \w+ is a reserved or system account, which this function never manages/,
      );
    },
  );

  test("refuses two secrets that rotate the same user, the clone included", () => {
    const twice = { a: { database: "db1", username: "app", privileges: ["SELECT" as const] }, b: { database: "db1", username: "app_clone", privileges: ["SELECT" as const] } };
    expect(() => checkBindings(only(twice), parsed)).toThrow(
      'secrets "a" and "b" both rotate user app_clone of database "db1"; allowed: one secret per user',
    );
    expect(() => checkBindings(only(twice, "single-user"), parsed)).not.toThrow();
  });

  test("a secret must name a database of the variable", () => {
    expect(() => checkBindings(file, {})).toThrow('secret "app/z" names database "db1", which ROTATION_DATABASES does not define');
  });

  test("user names must leave room for the clone suffix under alternating users", () => {
    const long = { ...file, secrets: { s: { database: "db1", username: "u".repeat(27), privileges: ["SELECT" as const] } } };
    expect(() => checkBindings(long, parseDatabaseBindings(JSON.stringify(databases)))).toThrow(
      '"username" must be at most 26 characters for mysql with the alternating-users strategy',
    );
    expect(() => checkBindings({ ...long, strategy: "single-user" }, parseDatabaseBindings(JSON.stringify(databases)))).not.toThrow();
  });
});
