import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import { TerraformStack } from "cdktf";
import { Construct, type IConstruct } from "constructs";

const CONTEXT_ID = "AwsContext";

/**
 * The account, partition and region the stack deploys to, read once per stack with the
 * `aws_caller_identity`, `aws_partition` and `aws_region` data sources of the default
 * provider. Constructs build ARNs, service principals and endpoint names from these
 * instead of hard-coding `aws` or `amazonaws.com`.
 */
export class AwsContext extends Construct {
  /** The stack's context, created on first use. */
  public static of(scope: IConstruct): AwsContext {
    const stack = TerraformStack.of(scope);
    const existing = stack.node.tryFindChild(CONTEXT_ID);
    return existing instanceof AwsContext ? existing : new AwsContext(stack, CONTEXT_ID);
  }

  /** The 12-digit account ID. */
  public readonly accountId: string;
  /** The partition, e.g. `aws` or `aws-cn`. */
  public readonly partition: string;
  /** The region, e.g. `eu-west-1`. */
  public readonly region: string;
  /** The partition's DNS suffix, e.g. `amazonaws.com`. */
  public readonly dnsSuffix: string;
  /** The partition's reverse DNS prefix of service names, e.g. `com.amazonaws`. */
  public readonly reverseDnsPrefix: string;
  /** The account principal, `arn:<partition>:iam::<account>:root`. */
  public readonly accountRootArn: string;

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    const identity = new DataAwsCallerIdentity(this, "CallerIdentity");
    const partition = new DataAwsPartition(this, "Partition");
    const region = new DataAwsRegion(this, "Region");
    this.accountId = identity.accountId;
    this.partition = partition.partition;
    this.region = region.region;
    this.dnsSuffix = partition.dnsSuffix;
    this.reverseDnsPrefix = partition.reverseDnsPrefix;
    this.accountRootArn = `arn:${this.partition}:iam::${this.accountId}:root`;
  }

  /**
   * The regional endpoint host of a service in this region, e.g.
   * `secretsmanager.eu-west-1.amazonaws.com`: the value of `kms:ViaService` and of
   * regional service principals such as CloudWatch Logs'.
   */
  public regionalServiceHost(service: string): string {
    return `${service}.${this.region}.${this.dnsSuffix}`;
  }

  /** An ARN in this partition, region and account: `arn:<partition>:<service>:<region>:<account>:<resource>`. */
  public arn(service: string, resource: string): string {
    return `arn:${this.partition}:${service}:${this.region}:${this.accountId}:${resource}`;
  }
}
