import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretPolicy } from "@cdktf/provider-aws/lib/secretsmanager-secret-policy";
import { SecretsmanagerSecretRotation } from "@cdktf/provider-aws/lib/secretsmanager-secret-rotation";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version";
import { Token } from "cdktf";
import { KeyValueSecret, type KeyValueSecretProps } from "../../constructs/key-value-secret";
import { allKeys, KEY_ARN } from "./rotation-fixtures";
import { onlyResource, referenceTo, statementsOf, type Synthesized, synthesize, testStack } from "./test-stack";

const TUTORIAL: KeyValueSecretProps = {
  secretName: "tutorials/MyFirstTutorialSecret",
  description: "The secret I created for the first tutorial",
  keys: ["username", "password"],
  recoveryWindowDays: 7,
};
const READER = "arn:aws:iam::111122223333:role/tutorial-app";
const REPLICA_KEY = "arn:aws:kms:eu-central-1:111122223333:key/99999999-8888-7777-6666-555555555555";
const ROTATOR = "arn:aws:lambda:eu-west-1:111122223333:function:tutorial-api-key-rotation";

function synth(overrides: Partial<KeyValueSecretProps> = {}): Synthesized {
  const stack = testStack();
  new KeyValueSecret(stack, "Tutorial", { ...TUTORIAL, ...overrides });
  return synthesize(stack);
}

describe("KeyValueSecret", () => {
  test("creates the tutorial secret with the AWS-managed key and its expected keys as a tag", () => {
    const { synthesized, json } = synth();
    expect(synthesized).not.toHaveResourceWithProperties(SecretsmanagerSecret, { kms_key_id: expect.anything() });
    expect(onlyResource(json, "aws_secretsmanager_secret")).toEqual({
      name: "tutorials/MyFirstTutorialSecret",
      description: "The secret I created for the first tutorial",
      recovery_window_in_days: 7,
      tags: { ExpectedKeys: "username password" },
    });
  });

  test("has no secret version: the value is set outside Terraform", () => {
    const { synthesized, json } = synth();
    expect(synthesized).not.toHaveResource(SecretsmanagerSecretVersion);
    const keys = allKeys(json);
    for (const attribute of ["secret_string", "secret_string_wo", "secret_binary", "password"]) {
      expect(keys).not.toContain(attribute);
    }
  });

  test("defaults to a 30-day recovery window, no tag, no replica and no resource policy", () => {
    const { synthesized, json } = synth({ keys: undefined, recoveryWindowDays: undefined });
    expect(onlyResource(json, "aws_secretsmanager_secret")).toEqual({
      name: "tutorials/MyFirstTutorialSecret",
      description: "The secret I created for the first tutorial",
      recovery_window_in_days: 30,
    });
    expect(synthesized).not.toHaveResource(SecretsmanagerSecretPolicy);
  });

  test("is encrypted with the customer-managed key when given", () => {
    expect(synth({ kmsKeyArn: KEY_ARN }).synthesized).toHaveResourceWithProperties(SecretsmanagerSecret, {
      name: "tutorials/MyFirstTutorialSecret",
      kms_key_id: KEY_ARN,
    });
  });

  test("replicates to each region, with that region's key when given and its AWS-managed key otherwise", () => {
    const { synthesized } = synth({
      kmsKeyArn: KEY_ARN,
      replicaRegions: ["eu-central-1", "us-east-1"],
      replicaKmsKeyArns: { "eu-central-1": REPLICA_KEY },
    });
    // Compared exactly, in order: the us-east-1 replica has no kms_key_id.
    expect(synthesized).toHaveResourceWithProperties(SecretsmanagerSecret, {
      replica: [{ region: "eu-central-1", kms_key_id: REPLICA_KEY }, { region: "us-east-1" }],
    });
  });

  test("lets only the listed roles read it through a resource policy that blocks public policies", () => {
    const other = "arn:aws:iam::111122223333:role/tutorial-batch";
    const { synthesized, json } = synth({ readerRoleArns: [READER, other] });
    expect(synthesized).toHaveResourceWithProperties(SecretsmanagerSecretPolicy, {
      secret_arn: referenceTo(json, "aws_secretsmanager_secret", 0, "arn"),
      block_public_policy: true,
    });
    const policy = onlyResource(json, "aws_secretsmanager_secret_policy");
    expect(statementsOf(policy.policy)).toEqual([
      {
        Sid: "ListedRolesRead",
        Effect: "Allow",
        Principal: { AWS: [READER, other] },
        Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
        Resource: "*",
      },
    ]);
  });

  test("grantRead attaches a policy reading only this secret to the roles", () => {
    const stack = testStack();
    const secret = new KeyValueSecret(stack, "Tutorial", TUTORIAL);
    const policy = secret.grantRead("Readers", ["tutorial-app"]);
    const { json } = synthesize(stack);
    const iamPolicy = onlyResource(json, "aws_iam_policy");
    expect(iamPolicy.name_prefix).toBe("tutorials-MyFirstTutorialSecret-read-");
    expect(statementsOf(iamPolicy.policy)).toEqual([
      {
        Sid: "ReadSecrets",
        Effect: "Allow",
        Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
        Resource: [referenceTo(json, "aws_secretsmanager_secret", 0, "arn")],
      },
    ]);
    expect(onlyResource(json, "aws_iam_role_policy_attachment")).toEqual({
      role: "tutorial-app",
      policy_arn: referenceTo(json, "aws_iam_policy", 0, "arn"),
    });
    expect(Token.isUnresolved(policy.policyArn)).toBe(true);
  });

  describe("rotation", () => {
    test("by a function of yours every N days, from the schedule on: the value is put by hand after the apply", () => {
      const { synthesized, json } = synth({ rotation: { kind: "function", functionArn: ROTATOR, automaticallyAfterDays: 30 } });
      expect(onlyResource(json, "aws_secretsmanager_secret_rotation")).toEqual({
        secret_id: referenceTo(json, "aws_secretsmanager_secret", 0, "id"),
        rotation_lambda_arn: ROTATOR,
        rotation_rules: { automatically_after_days: 30 },
        rotate_immediately: false,
      });
      expect(synthesized).not.toHaveResourceWithProperties(SecretsmanagerSecret, { tags: { RotationExemption: expect.anything() } });
    });

    test("on a schedule expression, within a window", () => {
      const rotation = { kind: "function", functionArn: `${ROTATOR}:live`, scheduleExpression: "cron(0 4 ? * SUN *)", duration: "2h" } as const;
      expect(synth({ rotation }).synthesized).toHaveResourceWithProperties(SecretsmanagerSecretRotation, {
        rotation_lambda_arn: `${ROTATOR}:live`,
        rotation_rules: { schedule_expression: "cron(0 4 ? * SUN *)", duration: "2h" },
      });
    });

    test("none, with the reason recorded in the secret's RotationExemption tag", () => {
      const { synthesized, json } = synth({ rotation: { kind: "none", reason: "Issued by the payment provider: replaced by hand" } });
      expect(onlyResource(json, "aws_secretsmanager_secret").tags).toEqual({
        ExpectedKeys: "username password",
        RotationExemption: "Issued by the payment provider: replaced by hand",
      });
      expect(synthesized).not.toHaveResource(SecretsmanagerSecretRotation);
    });

    test("none by default, without a reason", () => {
      const { synthesized, json } = synth();
      expect(synthesized).not.toHaveResource(SecretsmanagerSecretRotation);
      expect(onlyResource(json, "aws_secretsmanager_secret").tags).toEqual({ ExpectedKeys: "username password" });
    });
  });

  test("exposes its name and ARN", () => {
    const secret = new KeyValueSecret(testStack(), "Tutorial", TUTORIAL);
    expect(secret.secretName).toBe("tutorials/MyFirstTutorialSecret");
    expect(secret.kmsKeyArn).toBeUndefined();
    expect(Token.isUnresolved(secret.secretArn)).toBe(true);
  });

  describe("validation", () => {
    test.each<[string, Partial<KeyValueSecretProps>, RegExp]>([
      ["secretName", { secretName: "tutorials/my secret" }, /^secretName is "tutorials\/my secret"; allowed: 1 to 512 letters, digits or \/_\+=\.@-$/],
      ["secretName", { secretName: "" }, /^secretName is ""; allowed: 1 to 512/],
      ["secretName", { secretName: "a".repeat(513) }, /^secretName is "a{513}"; allowed: 1 to 512/],
      [
        "secretName",
        { secretName: "tutorials/app-secret" },
        /^secretName is "tutorials\/app-secret", which ends with a hyphen and six characters like the ARN's random suffix; allowed: a name without such an ending$/,
      ],
      ["description", { description: "d".repeat(2049) }, /^description has 2049 characters; allowed: at most 2048$/],
      ["recoveryWindowDays", { recoveryWindowDays: 3 }, /^recoveryWindowDays is 3; allowed: 0 \(no recovery\) or an integer from 7 to 30$/],
      ["recoveryWindowDays", { recoveryWindowDays: 31 }, /^recoveryWindowDays is 31; allowed: 0 \(no recovery\) or an integer from 7 to 30$/],
      ["kmsKeyArn", { kmsKeyArn: "alias/aws/secretsmanager" }, /^kmsKeyArn is "alias\/aws\/secretsmanager"; allowed: a KMS key ARN/],
      ["keys", { keys: ["user name"] }, /^keys\[0\] is "user name"; allowed: letters, digits or _\.:\/=\+-@$/],
      ["keys", { keys: ["username", "username"] }, /^keys lists "username" twice; allowed: distinct values$/],
      [
        "keys",
        { keys: Array.from({ length: 30 }, (_, i) => `key_number_${i}`) },
        /^keys take 409 characters space-separated; allowed: at most 256 \(a tag value\)$/,
      ],
      ["replicaRegions", { replicaRegions: ["Frankfurt"] }, /^replicaRegions\[0\] is "Frankfurt"; allowed: an AWS region name such as us-east-1$/],
      ["replicaRegions", { replicaRegions: ["eu-central-1", "eu-central-1"] }, /^replicaRegions lists "eu-central-1" twice/],
      [
        "replicaKmsKeyArns",
        { replicaRegions: ["us-east-1"], replicaKmsKeyArns: { "eu-central-1": REPLICA_KEY } },
        /^replicaKmsKeyArns\["eu-central-1"\] names a region that is not replicated; allowed: one of replicaRegions \(us-east-1\)$/,
      ],
      [
        "replicaKmsKeyArns",
        { replicaRegions: ["us-east-1"], replicaKmsKeyArns: { "us-east-1": REPLICA_KEY } },
        /^replicaKmsKeyArns\["us-east-1"\] is a key of eu-central-1; allowed: a key of us-east-1$/,
      ],
      [
        "replicaKmsKeyArns",
        { replicaRegions: ["eu-central-1"], replicaKmsKeyArns: { "eu-central-1": "key/1" } },
        /^replicaKmsKeyArns\["eu-central-1"\] is "key\/1"; allowed: a KMS key ARN/,
      ],
      ["readerRoleArns", { readerRoleArns: ["tutorial-app"] }, /^readerRoleArns\[0\] is "tutorial-app"; allowed: an IAM role, user or account root ARN/],
      ["readerRoleArns", { readerRoleArns: [READER, READER] }, /^readerRoleArns lists .* twice; allowed: distinct values$/],
      [
        "rotation",
        { rotation: { kind: "lambda", functionArn: ROTATOR } as never },
        /^rotation\.kind is "lambda"; allowed: "function", "none"$/,
      ],
      [
        "rotation",
        { rotation: { kind: "function", functionArn: "tutorial-api-key-rotation", automaticallyAfterDays: 30 } },
        /^rotation\.functionArn is "tutorial-api-key-rotation"; allowed: a Lambda function ARN, arn:<partition>:lambda:<region>:<account>:function:<name>$/,
      ],
      [
        "rotation",
        { rotation: { kind: "function", functionArn: ROTATOR } },
        /^rotation sets neither automaticallyAfterDays nor scheduleExpression; allowed: exactly one of them$/,
      ],
      [
        "rotation",
        { rotation: { kind: "function", functionArn: ROTATOR, automaticallyAfterDays: 30, duration: "2h" } },
        /^rotation\.duration is set with automaticallyAfterDays; allowed: only with scheduleExpression$/,
      ],
      [
        "rotation",
        { rotation: { kind: "none", reason: "Issued by the vendor, who has no API" } },
        /^rotation\.reason is "Issued by the vendor, who has no API"; allowed: 1 to 256 letters, digits, spaces or _\.:\/=\+-@ \(a tag value\)$/,
      ],
      [
        "rotation",
        { rotation: { kind: "none", reason: "r".repeat(257) } },
        /^rotation\.reason is "r{257}"; allowed: 1 to 256 letters/,
      ],
      [
        "rotation",
        { rotation: { kind: "none", reason: "Set by hand", functionArn: ROTATOR } as never },
        /^rotation\.functionArn is not a setting; allowed: kind, reason$/,
      ],
    ])("rejects an invalid %s", (_field, overrides, message) => {
      expect(() => synth(overrides)).toThrow(message);
    });

    test("accepts a name that merely ends with six characters after another separator", () => {
      expect(() => synth({ secretName: "tutorials/secret" })).not.toThrow();
      expect(() => synth({ secretName: "a-12345" })).not.toThrow();
    });
  });
});
