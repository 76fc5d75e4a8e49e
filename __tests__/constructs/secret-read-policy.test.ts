import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { SecretReadPolicy, type SecretReadPolicyProps } from "../../constructs/secret-read-policy";
import { KEY_ARN } from "./rotation-fixtures";
import { onlyResource, referenceTo, resources, statementsOf, type Synthesized, synthesize, testStack } from "./test-stack";

const SECRET_A = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:app/a-AbCdEf";
const SECRET_B = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:app/b-GhIjKl";

function synth(props: SecretReadPolicyProps): Synthesized {
  const stack = testStack();
  new SecretReadPolicy(stack, "Read", props);
  return synthesize(stack);
}

describe("SecretReadPolicy", () => {
  test("allows reading exactly the named secrets, and nothing of KMS with the AWS-managed key", () => {
    const { synthesized, json } = synth({ secretArns: [SECRET_A, SECRET_B] });
    expect(synthesized).toHaveResourceWithProperties(IamPolicy, { name_prefix: "secret-read-" });
    expect(synthesized).not.toHaveResourceWithProperties(IamPolicy, { policy: expect.stringContaining("kms:") });
    // Attached to no role unless asked.
    expect(synthesized).not.toHaveResource(IamRolePolicyAttachment);
    const policy = onlyResource(json, "aws_iam_policy");
    expect(statementsOf(policy.policy)).toEqual([
      {
        Sid: "ReadSecrets",
        Effect: "Allow",
        Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
        Resource: [SECRET_A, SECRET_B],
      },
    ]);
  });

  test("allows decrypting with the customer-managed key only through Secrets Manager, for these secrets", () => {
    const { json } = synth({ secretArns: [SECRET_A], kmsKeyArn: KEY_ARN });
    const [region] = Object.keys(json.data?.aws_region ?? {});
    const [partition] = Object.keys(json.data?.aws_partition ?? {});
    expect(statementsOf(onlyResource(json, "aws_iam_policy").policy)[1]).toEqual({
      Sid: "DecryptSecretsThroughSecretsManager",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: KEY_ARN,
      Condition: {
        StringEquals: {
          "kms:ViaService": `secretsmanager.\${data.aws_region.${region}.region}.\${data.aws_partition.${partition}.dns_suffix}`,
          "kms:EncryptionContext:SecretARN": [SECRET_A],
        },
      },
    });
  });

  test("never grants on every resource", () => {
    const statements = statementsOf(onlyResource(synth({ secretArns: [SECRET_A], kmsKeyArn: KEY_ARN }).json, "aws_iam_policy").policy);
    expect(statements.flatMap((s) => s.Resource)).not.toContain("*");
  });

  test("is attached to each role, and to roles added later", () => {
    const stack = testStack();
    const policy = new SecretReadPolicy(stack, "Read", { secretArns: [SECRET_A], roleNames: ["app", "batch"] });
    const role = new IamRole(stack, "Role", { assumeRolePolicy: "{}" });
    policy.attachToRole("reports");
    policy.attachToRole(role.name);
    const { synthesized, json } = synthesize(stack);
    const policyArn = referenceTo(json, "aws_iam_policy", 0, "arn");
    expect(resources(json, "aws_iam_role_policy_attachment")).toHaveLength(4);
    for (const role of ["app", "batch", "reports", referenceTo(json, "aws_iam_role", 0, "name")]) {
      expect(synthesized).toHaveResourceWithProperties(IamRolePolicyAttachment, { role, policy_arn: policyArn });
    }
  });

  test("uses the given name prefix", () => {
    const { synthesized } = synth({ secretArns: [SECRET_A], policyNamePrefix: "app-db-read-" });
    expect(synthesized).toHaveResourceWithProperties(IamPolicy, { name_prefix: "app-db-read-" });
    expect(synthesized).not.toHaveResourceWithProperties(IamPolicy, { name_prefix: "secret-read-" });
  });

  describe("validation", () => {
    test.each<[string, SecretReadPolicyProps, RegExp]>([
      ["secretArns", { secretArns: [] }, /^secretArns has 0 item\(s\); allowed: at least 1$/],
      ["secretArns", { secretArns: [SECRET_A, SECRET_A] }, /^secretArns lists .* twice; allowed: distinct values$/],
      ["kmsKeyArn", { secretArns: [SECRET_A], kmsKeyArn: "alias/app" }, /^kmsKeyArn is "alias\/app"; allowed: a KMS key ARN/],
      ["roleNames", { secretArns: [SECRET_A], roleNames: ["app", "app"] }, /^roleNames lists "app" twice; allowed: distinct values$/],
      [
        "roleNames",
        { secretArns: [SECRET_A], roleNames: ["arn:aws:iam::111122223333:role/app"] },
        /^roleNames\[0\] is "arn:aws:iam::111122223333:role\/app"; allowed: an IAM role name: 1 to 64 letters, digits or \+=,\.@_-$/,
      ],
      [
        "policyNamePrefix",
        { secretArns: [SECRET_A], policyNamePrefix: "app/db" },
        /^policyNamePrefix is "app\/db"; allowed: 1 to 102 letters, digits or \+=,\.@_-$/,
      ],
    ])("rejects an invalid %s", (_field, props, message) => {
      expect(() => synth(props)).toThrow(message);
    });

    test("rejects attaching a role twice", () => {
      const policy = new SecretReadPolicy(testStack(), "Read", { secretArns: [SECRET_A], roleNames: ["app"] });
      expect(() => policy.attachToRole("app")).toThrow(
        /^roleName is "app", already attached; allowed: a role not yet attached$/,
      );
    });
  });
});
