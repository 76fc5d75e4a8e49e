import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { dev } from "../../environments/dev";
import { physicalNames, UNIQUE_NAMES } from "../../stacks/physical-names";
import { synthEnvironments } from "../support/synth";
import { ROOT } from "../support/fresh-copy";

/**
 * The resource type of every provider class that the constructs and the stack import, as
 * they must (`@cdktf/provider-aws/lib/<resource>`): every type a stack can create.
 */
function importedResourceTypes(): string[] {
  const modules = ["constructs", "stacks"].flatMap((dir) =>
    readdirSync(path.join(ROOT, dir))
      .filter((file) => file.endsWith(".ts"))
      .flatMap((file) => [...readFileSync(path.join(ROOT, dir, file), "utf8").matchAll(/@cdktf\/provider-aws\/lib\/([a-z0-9-]+)/g)])
      .map((match) => match[1]),
  );
  return [...new Set(modules)].filter((m) => !m.startsWith("data-aws-") && m !== "provider").map((m) => `aws_${m.replace(/-/g, "_")}`);
}

test("every resource type a stack can create is classified, and nothing else is", () => {
  expect([...UNIQUE_NAMES.keys()].sort()).toEqual(importedResourceTypes().sort());
});

test("dev's names, each with the scope AWS keeps it unique in", async () => {
  const { stacks } = await synthEnvironments([dev]);
  const names = physicalNames(stacks.dev).map(({ scope, kind, name }) => `${scope}: ${kind} ${name}`);
  expect(names.sort()).toEqual([
    "account: IAM role dev-rotate-alternating-users",
    "account: IAM role dev-vpc-flow-logs",
    "region: CloudWatch alarm dev-rotate-alternating-users-errors",
    "region: DB instance mytestdatabaseinstance",
    "region: DB subnet group mytestdatabaseinstance",
    "region: EventBridge rule dev-rotation-failed",
    "region: EventBridge rule dev-rotation-succeeded",
    "region: Lambda function dev-rotate-alternating-users",
    "region: SNS topic dev-rotation-alerts",
    "region: SNS topic dev-rotation-events",
    "region: log group /aws/lambda/dev-rotate-alternating-users",
    "region: log group /aws/rds/instance/mytestdatabaseinstance/error",
    "region: log group /dev/vpc-flow-logs",
    "region: secret tutorials/MyFirstTutorialSecret",
    "region: secret tutorials/mytestdatabaseinstance/appuser",
    "region: security group dev-rotate-alternating-users",
    "region: security group dev-secretsmanager-endpoint",
    "region: security group mytestdatabaseinstance-database",
  ]);
});

test("a name prefix, which Terraform completes with a unique suffix, and a name known only at apply are left out", () => {
  const stack = {
    resource: {
      aws_sns_topic: {
        fixed: { name: "alerts" },
        prefixed: { name_prefix: "alerts-" },
        referenced: { name: "${aws_sns_topic.fixed.name}-copy" },
      },
    },
  };
  expect(physicalNames(stack)).toEqual([{ kind: "SNS topic", scope: "region", name: "alerts", address: "aws_sns_topic.fixed" }]);
});

test("the Terraform Cloud workspace, on its host", () => {
  const stack = { terraform: { cloud: { hostname: "tfe.example.com", organization: "acme", workspaces: { name: "prod" } } } };
  expect(physicalNames(stack)).toEqual([
    { kind: "Terraform Cloud workspace", scope: "global", name: "tfe.example.com/acme/prod", address: "terraform.cloud" },
  ]);
});

test("a resource type nobody classified fails synth, naming it", () => {
  expect(() => physicalNames({ resource: { aws_s3_bucket: { logs: { bucket: "logs" } } } })).toThrow(
    "aws_s3_bucket is not listed in stacks/physical-names.ts",
  );
});
