import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { type TerraformElement, TerraformOutput, TerraformStack, Testing } from "cdktf";
import { Construct, type Node } from "constructs";
import { ReadableLogicalIds } from "../../stacks/readable-logical-ids";
import { synthEnvironments } from "../support/synth";
import type { StackJson } from "../../review/terraform-json";

class ReadableStack extends TerraformStack {
  private readonly logicalIds = new ReadableLogicalIds();
  protected override allocateLogicalId(element: TerraformElement | Node): string {
    return this.logicalIds.allocate(this, element) ?? super.allocateLogicalId(element);
  }
}

function stackWith(build: (stack: TerraformStack) => void): string {
  const stack = new ReadableStack(Testing.app(), "test");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  build(stack);
  return Testing.synth(stack);
}

/** `type.name` and `data.type.name` of every block in a stack. */
function addresses(stack: StackJson): string[] {
  const of = (blocks: StackJson["resource"] | undefined, prefix: string): string[] =>
    Object.entries(blocks ?? {}).flatMap(([type, byName]) => Object.keys(byName).map((name) => `${prefix}${type}.${name}`));
  return [...of(stack.data, "data."), ...of(stack.resource, "")];
}

describe("readable logical ids", () => {
  test("name a resource after its construct path, without a last step that repeats the type", () => {
    const json = JSON.parse(
      stackWith((stack) => {
        const network = new Construct(stack, "Network");
        new Vpc(network, "Vpc", { cidrBlock: "10.0.0.0/16" });
        new Vpc(network, "PeeredVpc1", { cidrBlock: "10.1.0.0/16" });
        new DataAwsRegion(new Construct(stack, "AwsContext"), "Region");
        new Vpc(stack, "Vpc", { cidrBlock: "10.2.0.0/16" });
        new TerraformOutput(stack, "vpc_id", { value: "x" });
      }),
    ) as StackJson;
    expect(addresses(json).sort()).toEqual(
      ["aws_vpc.network", "aws_vpc.network_peered_vpc_1", "aws_vpc.vpc", "data.aws_region.aws_context"].sort(),
    );
    expect(Object.keys(json.output ?? {})).toEqual(["vpc_id"]);
  });

  test("refuse two elements that would get the same address, naming both", () => {
    expect(() =>
      stackWith((stack) => {
        new Vpc(new Construct(stack, "Network"), "Vpc", { cidrBlock: "10.0.0.0/16" });
        new Vpc(new Construct(stack, "network"), "Vpc", { cidrBlock: "10.1.0.0/16" });
      }),
    ).toThrow("test/network/Vpc and test/Network/Vpc would both be aws_vpc.network");
  });

  test("let a resource and a data source, or two types, share a name", () => {
    const json = JSON.parse(
      stackWith((stack) => {
        const context = new Construct(stack, "Context");
        new DataAwsRegion(context, "Region");
        new Vpc(context, "Vpc", { cidrBlock: "10.0.0.0/16" });
      }),
    ) as StackJson;
    expect(addresses(json).sort()).toEqual(["aws_vpc.context", "data.aws_region.context"]);
  });

  test("refuse a path that gives no Terraform name", () => {
    expect(() => stackWith((stack) => new Vpc(new Construct(stack, "1st"), "Vpc", { cidrBlock: "10.0.0.0/16" }))).toThrow(
      'test/1st/Vpc: the construct path gives "1st", which is not a Terraform name',
    );
  });
});

describe("the environments' addresses", () => {
  let stacks: Record<string, StackJson>;
  beforeAll(async () => {
    stacks = (await synthEnvironments()).stacks;
  });

  test("are snake_case words without cdktf's hash suffix", () => {
    for (const stack of Object.values(stacks)) {
      const unreadable = addresses(stack).filter((a) => !/^(data\.)?aws_[a-z0-9_]+\.[a-z][a-z0-9_]*$/.test(a) || /_[0-9A-F]{8}$/i.test(a));
      expect(unreadable).toEqual([]);
    }
  });

  test("say what the resource is", () => {
    expect(addresses(stacks.dev)).toEqual(
      expect.arrayContaining([
        "aws_vpc.network",
        "aws_db_instance.database",
        "aws_lambda_function.rotation_function_alternating_users",
        "aws_secretsmanager_secret.key_value_secret_0",
        "aws_secretsmanager_secret_rotation.database_user_secret_0",
        "data.aws_caller_identity.aws_context",
      ]),
    );
  });
});
