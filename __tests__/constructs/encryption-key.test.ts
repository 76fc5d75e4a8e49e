import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { EncryptionKey, type EncryptionKeyProps, keyUseThroughSecretsManager } from "../../constructs/encryption-key";
import { policyDocument, type PolicyStatement } from "../../constructs/policy-document";
import { onlyResource, referenceTo, resources, statementsOf, synthesize, testStack } from "./test-stack";

const EXISTING_KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

function build(props: EncryptionKeyProps) {
  const stack = testStack();
  const key = new EncryptionKey(stack, "Key", props);
  return { key, ...synthesize(stack) };
}

function keyPolicy(props: Partial<EncryptionKeyProps> = {}): PolicyStatement[] {
  const { json } = build({ kind: "customer-managed", aliasName: "alias/dev-secrets", ...props } as EncryptionKeyProps);
  return statementsOf(onlyResource(json, "aws_kms_key").policy);
}

function statement(statements: PolicyStatement[], sid: string): PolicyStatement {
  const found = statements.find((s) => s.Sid === sid);
  expect(found).toBeDefined();
  return found as PolicyStatement;
}

const asList = (value: string | readonly string[] | undefined): readonly string[] =>
  value === undefined ? [] : typeof value === "string" ? [value] : value;

describe("EncryptionKey", () => {
  describe("aws-managed", () => {
    it("creates nothing and has no key ARN", () => {
      const { key, synthesized, json } = build({ kind: "aws-managed" });
      expect(json.resource).toBeUndefined();
      expect(json.data).toBeUndefined();
      expect(synthesized).not.toHaveResource(KmsKey);
      expect(key.keyArn).toBeUndefined();
      expect(key.isCustomerManaged).toBe(false);
      expect(key.aliasName).toBeUndefined();
    });
  });

  describe("customer-managed", () => {
    it("creates a rotating key with a 30-day deletion window and an alias", () => {
      const { key, synthesized, json } = build({ kind: "customer-managed", aliasName: "alias/dev-secrets" });
      expect(synthesized).toHaveResourceWithProperties(KmsKey, { enable_key_rotation: true, deletion_window_in_days: 30 });
      expect(synthesized).toHaveResourceWithProperties(KmsAlias, {
        name: "alias/dev-secrets",
        target_key_id: referenceTo(json, "aws_kms_key", 0, "key_id"),
      });
      // The key policy names the account through a data source.
      expect(synthesized).toHaveDataSource(DataAwsCallerIdentity);
      expect(resources(json, "aws_kms_key")).toHaveLength(1);
      expect(resources(json, "aws_kms_alias")).toHaveLength(1);
      expect(key.keyArn).toBeDefined();
      expect(key.isCustomerManaged).toBe(true);
      expect(key.aliasName).toBe("alias/dev-secrets");
    });

    it("takes the deletion window from the props", () => {
      const { synthesized } = build({ kind: "customer-managed", aliasName: "alias/dev-secrets", deletionWindowDays: 7 });
      expect(synthesized).toHaveResourceWithProperties(KmsKey, { deletion_window_in_days: 7 });
      expect(synthesized).not.toHaveResourceWithProperties(KmsKey, { deletion_window_in_days: 30 });
    });

    it("has no wildcard principal in its key policy", () => {
      const policy = keyPolicy({ adminPrincipalArns: ["arn:aws:iam::123456789012:role/KeyAdmin"] });
      for (const s of policy) {
        expect(s.Principal).toBeDefined();
        expect(s.Principal).not.toBe("*");
        const principal = s.Principal as { AWS?: string | string[]; Service?: string | string[] };
        for (const id of [...asList(principal.AWS), ...asList(principal.Service)]) {
          expect(id).not.toContain("*");
        }
      }
    });

    it("lets the account root administer the key but not use it", () => {
      const root = statement(keyPolicy(), "AccountRootAdministersKey");
      expect(root.Principal).toEqual({
        AWS: [
          expect.stringMatching(
            /^arn:\$\{data\.aws_partition\.\w+\.partition\}:iam::\$\{data\.aws_caller_identity\.\w+\.account_id\}:root$/
          ),
        ],
      });
      expect(root.Action).toEqual(
        expect.arrayContaining(["kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:DescribeKey"])
      );
      for (const action of asList(root.Action)) {
        expect(action).not.toMatch(/Decrypt|Encrypt|GenerateDataKey|CreateGrant|^kms:\*$/);
      }
    });

    it("adds the admin principals as administrators only when given", () => {
      expect(keyPolicy().map((s) => s.Sid)).not.toContain("AdminsAdministerKey");
      const admins = statement(
        keyPolicy({ adminPrincipalArns: ["arn:aws:iam::123456789012:role/KeyAdmin"] }),
        "AdminsAdministerKey"
      );
      expect(admins.Principal).toEqual({ AWS: ["arn:aws:iam::123456789012:role/KeyAdmin"] });
      expect(admins.Action).toEqual(statement(keyPolicy(), "AccountRootAdministersKey").Action);
    });

    it("lets the account use the key only through Secrets Manager and RDS", () => {
      const use = statement(keyPolicy(), "AccountUsesKeyViaSecretsManagerAndRds");
      expect(use.Action).toEqual(expect.arrayContaining(["kms:Decrypt", "kms:GenerateDataKey*", "kms:CreateGrant"]));
      const equals = use.Condition?.StringEquals ?? {};
      expect(equals["kms:CallerAccount"]).toMatch(/^\$\{data\.aws_caller_identity\.\w+\.account_id\}$/);
      const region = String.raw`\$\{data\.aws_region\.\w+\.region\}`;
      const suffix = String.raw`\$\{data\.aws_partition\.\w+\.dns_suffix\}`;
      expect(equals["kms:ViaService"]).toEqual([
        expect.stringMatching(new RegExp(`^secretsmanager\\.${region}\\.${suffix}$`)),
        expect.stringMatching(new RegExp(`^rds\\.${region}\\.${suffix}$`)),
      ]);
    });

    it("lets CloudWatch Logs use the key only for the account's log groups", () => {
      const logs = statement(keyPolicy(), "CloudWatchLogsUsesKeyForAccountLogGroups");
      expect(logs.Principal).toEqual({
        Service: expect.stringMatching(/^logs\.\$\{data\.aws_region\.\w+\.region\}\./),
      });
      expect(logs.Condition?.ArnLike?.["kms:EncryptionContext:aws:logs:arn"]).toMatch(
        /^arn:\$\{data\.aws_partition\.\w+\.partition\}:logs:\$\{data\.aws_region\.\w+\.region\}:\$\{data\.aws_caller_identity\.\w+\.account_id\}:\*$/
      );
    });

    it("lets CloudWatch alarms of the account publish to encrypted topics", () => {
      const alarms = statement(keyPolicy(), "AccountAlarmsUseKeyForEncryptedTopics");
      expect(alarms.Principal).toEqual({ Service: "cloudwatch.amazonaws.com" });
      expect(alarms.Action).toEqual(["kms:GenerateDataKey*", "kms:Decrypt"]);
      expect(alarms.Condition).toEqual({
        StringEquals: { "aws:SourceAccount": expect.stringMatching(/^\$\{data\.aws_caller_identity\.\w+\.account_id\}$/) },
      });
    });

    it("lets EventBridge publish to encrypted topics, only for this account's rules whenever the request names its source", () => {
      const events = statement(keyPolicy(), "EventBridgeUsesKeyForEncryptedTopics");
      expect(events.Principal).toEqual({ Service: "events.amazonaws.com" });
      expect(events.Action).toEqual(["kms:GenerateDataKey*", "kms:Decrypt"]);
      expect(events.Condition).toEqual({
        StringEqualsIfExists: { "aws:SourceAccount": expect.stringMatching(/^\$\{data\.aws_caller_identity\.\w+\.account_id\}$/) },
        ArnLikeIfExists: {
          "aws:SourceArn": expect.stringMatching(
            /^arn:\$\{data\.aws_partition\.\w+\.partition\}:events:\$\{data\.aws_region\.\w+\.region\}:\$\{data\.aws_caller_identity\.\w+\.account_id\}:rule\/\*$/,
          ),
        },
      });
      // No other statement grants EventBridge anything, so no condition narrows its grant either.
      const others = keyPolicy().filter((s) => s.Sid !== "EventBridgeUsesKeyForEncryptedTopics");
      expect(JSON.stringify(others)).not.toContain("events.amazonaws.com");
    });

    it("lets the account's principals use the key through Lambda, to encrypt functions' environments", () => {
      const lambda = statement(keyPolicy(), "AccountUsesKeyViaLambdaForFunctionEnvironments");
      expect(lambda.Principal).toEqual({ AWS: expect.stringMatching(/:root$/) });
      expect(lambda.Action).toEqual(["kms:Encrypt", "kms:Decrypt", "kms:CreateGrant", "kms:DescribeKey"]);
      expect(lambda.Condition?.StringEquals?.["kms:ViaService"]).toMatch(
        /^lambda\.\$\{data\.aws_region\.\w+\.region\}\.\$\{data\.aws_partition\.\w+\.dns_suffix\}$/,
      );
      expect(lambda.Condition?.StringEquals?.["kms:CallerAccount"]).toMatch(/account_id\}$/);
    });
  });

  describe("existing", () => {
    it("creates no key and passes the ARN through", () => {
      const { key, synthesized } = build({ kind: "existing", keyArn: EXISTING_KEY_ARN });
      expect(synthesized).not.toHaveResource(KmsKey);
      expect(synthesized).not.toHaveResource(KmsAlias);
      expect(key.keyArn).toBe(EXISTING_KEY_ARN);
      expect(key.isCustomerManaged).toBe(true);
    });

    it("accepts a multi-Region key in another partition", () => {
      const arn = "arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab";
      expect(build({ kind: "existing", keyArn: arn }).key.keyArn).toBe(arn);
    });
  });

  describe("keyUseThroughSecretsManager", () => {
    it("matches the secrets as patterns when asked, keeping the service exact", () => {
      const patterns = ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/*"];
      const statement = keyUseThroughSecretsManager(testStack(), {
        Sid: "Decrypt",
        Action: "kms:Decrypt",
        Resource: EXISTING_KEY_ARN,
        secretArns: patterns,
        secretArnsMatch: "StringLike",
      });
      expect(statement.Condition).toEqual({
        StringEquals: { "kms:ViaService": expect.stringMatching(/^secretsmanager\./) },
        StringLike: { "kms:EncryptionContext:SecretARN": patterns },
      });
    });

    it("allows the key only through Secrets Manager in the stack's region, for the given secrets", () => {
      const stack = testStack();
      const secrets = ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/a-AbCdEf"];
      const decrypt = keyUseThroughSecretsManager(stack, {
        Sid: "Decrypt",
        Action: ["kms:Decrypt"],
        Resource: EXISTING_KEY_ARN,
        secretArns: secrets,
      });
      new IamPolicy(stack, "Reader", { policy: policyDocument([decrypt]) });
      const [synthesized] = statementsOf(onlyResource(synthesize(stack).json, "aws_iam_policy").policy);
      expect(synthesized).toEqual({
        Sid: "Decrypt",
        Effect: "Allow",
        Action: ["kms:Decrypt"],
        Resource: EXISTING_KEY_ARN,
        Condition: {
          StringEquals: {
            "kms:ViaService": expect.stringMatching(
              /^secretsmanager\.\$\{data\.aws_region\.\w+\.region\}\.\$\{data\.aws_partition\.\w+\.dns_suffix\}$/
            ),
            "kms:EncryptionContext:SecretARN": secrets,
          },
        },
      });
    });
  });

  describe("validation", () => {
    it.each<[string, EncryptionKeyProps, string]>([
      [
        "an unknown kind",
        { kind: "aws-owned" } as unknown as EncryptionKeyProps,
        'kind is "aws-owned"; allowed: "aws-managed", "customer-managed", "existing"',
      ],
      [
        "a deletion window below 7 days",
        { kind: "customer-managed", aliasName: "alias/x", deletionWindowDays: 6 },
        "deletionWindowDays is 6; allowed: an integer from 7 to 30",
      ],
      [
        "a deletion window above 30 days",
        { kind: "customer-managed", aliasName: "alias/x", deletionWindowDays: 31 },
        "deletionWindowDays is 31; allowed: an integer from 7 to 30",
      ],
      [
        "a fractional deletion window",
        { kind: "customer-managed", aliasName: "alias/x", deletionWindowDays: 7.5 },
        "deletionWindowDays is 7.5; allowed: an integer from 7 to 30",
      ],
      [
        "an alias without the alias/ prefix",
        { kind: "customer-managed", aliasName: "dev-secrets" },
        'aliasName is "dev-secrets"; allowed: alias/ followed by',
      ],
      [
        "an alias reserved for AWS",
        { kind: "customer-managed", aliasName: "alias/aws/secretsmanager" },
        "not under alias/aws/",
      ],
      [
        "a malformed admin principal",
        { kind: "customer-managed", aliasName: "alias/x", adminPrincipalArns: ["arn:aws:iam::123456789012:role/*"] },
        'adminPrincipalArns[0] is "arn:aws:iam::123456789012:role/*"; allowed: an IAM role, user or account root ARN',
      ],
      [
        "a repeated admin principal",
        {
          kind: "customer-managed",
          aliasName: "alias/x",
          adminPrincipalArns: ["arn:aws:iam::123456789012:role/A", "arn:aws:iam::123456789012:role/A"],
        },
        'adminPrincipalArns lists "arn:aws:iam::123456789012:role/A" twice',
      ],
      [
        "an alias ARN instead of a key ARN",
        { kind: "existing", keyArn: "arn:aws:kms:eu-west-1:123456789012:alias/dev-secrets" },
        'keyArn is "arn:aws:kms:eu-west-1:123456789012:alias/dev-secrets"; allowed: a KMS key ARN',
      ],
      ["a bare key ID", { kind: "existing", keyArn: "1234abcd-12ab-34cd-56ef-1234567890ab" }, "keyArn is"],
    ])("rejects %s", (_, props, message) => {
      expect(() => new EncryptionKey(testStack(), "Key", props)).toThrow(message);
    });
  });
});
