import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { OutputsError, readStackOutputs } from "../../scripts/verify/stack-outputs";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "outputs-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ARN = (name: string) => `arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}-AbCdEf`;
const outputs = {
  database_user_secrets: { value: { "app/user": { arn: ARN("app/user"), username: "u", read_policy_arn: "arn:aws:iam::1:policy/p" } } },
  key_value_secrets: { value: { "app/key": { arn: ARN("app/key"), read_policy_arn: "arn:aws:iam::1:policy/q" } } },
  master_secret_arn: { value: ARN("rds!db-1") },
  database_port: { value: 3306 },
};

function file(name: string, content: unknown): string {
  const written = path.join(dir, name);
  writeFileSync(written, typeof content === "string" ? content : JSON.stringify(content));
  return written;
}

test.each([
  ["a state file", { version: 4, terraform_version: "1.11.0", serial: 3, outputs, resources: [{ instances: [{ attributes: { secret_string: "x" } }] }] }],
  ["the output of terraform output -json", Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, { ...v, sensitive: false, type: "string" }]))],
])("reads the secrets' ARNs and the master's from %s", (_kind, content) => {
  const read = readStackOutputs(file("outputs.json", content), "hint");
  expect([...read.secretArns]).toEqual([
    ["app/user", ARN("app/user")],
    ["app/key", ARN("app/key")],
  ]);
  expect(read.masterSecretArn).toBe(ARN("rds!db-1"));
});

test.each([
  ["a missing file", () => path.join(dir, "absent.tfstate"), /^no outputs: .*absent\.tfstate cannot be read \(ENOENT\)\. Apply first$/],
  ["a file that is not JSON", () => file("broken", "{"), /is not JSON \(a state file or the output of terraform output -json\)$/],
  ["a state of another stack", () => file("other", { version: 4, outputs: {} }), /has no output database_user_secrets: is the stack applied, with this version of the project\? Apply first$/],
  ["an output without ARN", () => file("noarn", { ...outputs, key_value_secrets: { value: { k: {} } } }), /output key_value_secrets has no ARN for k$/],
])("refuses %s with a message saying what to do", (_case, path, message) => {
  expect(() => readStackOutputs(path(), "Apply first")).toThrow(OutputsError);
  expect(() => readStackOutputs(path(), "Apply first")).toThrow(message);
});
