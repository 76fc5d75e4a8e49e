import { DefaultNetworkAcl, type DefaultNetworkAclIngress } from "@cdktf/provider-aws/lib/default-network-acl";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import * as v from "valibot";
import { AwsContext } from "./aws-context";
import { awsIdentifier, logRetentionDays } from "./aws-formats";
import { createFlowLogs } from "./network-flow-logs";
import { CIDR_PATTERN, type SubnetLayout, subnetLayout } from "./network-subnet-layout";
import { availabilityZoneId, zoneIdRegionPrefix } from "./network-zones";
import { policyDocument } from "./policy-document";
import { list, oneOf, text, variantOf } from "./field-schemas";
import { settings } from "./settings-schema";
import { allowed, checkValue, invalid, parseProps, show } from "./validation";

/** How functions in the private subnets reach the Secrets Manager API. */
export const SECRETS_MANAGER_ACCESS = ["vpc-endpoint", "nat-gateway"] as const;
export type SecretsManagerAccess = (typeof SECRETS_MANAGER_ACCESS)[number];

/** One NAT gateway for every zone, or one per zone. */
export const NAT_GATEWAY_MODES = ["single", "per-zone"] as const;

/** Props shared by both kinds of {@link Network}. */
const NETWORK_BASE_ENTRIES = {
  /**
   * Prefix of resource names and `Name` tags: a lower-case letter, then lower-case
   * letters, digits or `-`, at most 32 characters. Typically the environment name.
   */
  namePrefix: text(
    /^[a-z][a-z0-9-]{0,31}$/,
    "a lower-case letter, then lower-case letters, digits or -, at most 32 characters",
  ),
  /**
   * How the private subnets reach Secrets Manager: `vpc-endpoint` creates an interface
   * endpoint with private DNS (its security group admits only the groups registered with
   * {@link Network.allowSecretsManagerAccessFrom}); `nat-gateway` routes to the internet
   * through NAT gateways (for an existing VPC: the subnets already do).
   */
  secretsManagerAccess: oneOf(SECRETS_MANAGER_ACCESS),
};

/** A new VPC with one private subnet per availability zone. */
export const NewNetworkPropsSchema = settings(
  {
    /** Create the VPC. */
    kind: v.literal("new"),
    ...NETWORK_BASE_ENTRIES,
    /**
     * IPv4 CIDR of the VPC, a network address with a prefix length from 16 to 24. The
     * lower half holds the private subnets, one per zone; the upper half the public subnets
     * of the NAT gateways. Each subnet must be at least a /28.
     */
    cidrBlock: text(CIDR_PATTERN, "an IPv4 CIDR with a prefix length from 16 to 24, e.g. 10.0.0.0/16"),
    /**
     * Distinct availability zones of one region, at least two, by zone ID, e.g.
     * `["use1-az1", "use1-az2"]`: one private subnet each (`availability_zone_id`). A zone
     * ID is the same physical zone in every account, where a zone name (`us-east-1a`) is
     * not; choose zones where Lambda, the Secrets Manager interface endpoint and the
     * instance class are offered (`aws ec2 describe-availability-zones` lists the IDs).
     * use1-az3, which lacks them, is refused.
     */
    availabilityZoneIds: list(availabilityZoneId(), "availability zone IDs", { min: 2 }),
    /**
     * With `vpc-endpoint`: how many zones (the first ones listed) get an endpoint
     * interface, from 1 (cheapest) to the number of zones (resilient to a zone outage).
     * @default the number of availabilityZoneIds
     */
    endpointZoneCount: v.optional(v.number(allowed("an integer from 1 to the number of availabilityZoneIds"))),
    /**
     * With `nat-gateway`: one NAT gateway shared by every zone, or one per zone (resilient
     * to a zone outage).
     * @default "single"
     */
    natGateways: v.optional(oneOf(NAT_GATEWAY_MODES)),
    /**
     * Retention in days of the VPC flow logs (all traffic) in CloudWatch Logs, one of the
     * values CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ...).
     * @default no flow logs
     */
    flowLogRetentionDays: v.optional(logRetentionDays()),
    /**
     * ARN of the KMS key that encrypts the flow log group; only with `flowLogRetentionDays`.
     * @default CloudWatch Logs' own encryption
     */
    flowLogKmsKeyArn: v.optional(awsIdentifier("kms-key-arn")),
  },
  [
    {
      fields: ["availabilityZoneIds"],
      check: ({ availabilityZoneIds }, report) => {
        const prefix = zoneIdRegionPrefix(availabilityZoneIds[0]);
        availabilityZoneIds.forEach((zone, i) => {
          if (zoneIdRegionPrefix(zone) !== prefix) {
            report(
              ["availabilityZoneIds", i],
              `is ${show(zone)}; allowed: a zone of the region of availabilityZoneIds[0], ${prefix}-az<N>`,
            );
          }
        });
      },
    },
    {
      fields: ["cidrBlock", "availabilityZoneIds"],
      check: ({ cidrBlock, availabilityZoneIds }, report) => {
        const planned = subnetLayout(cidrBlock, availabilityZoneIds.length);
        if ("problem" in planned) report(["cidrBlock"], planned.problem);
      },
    },
    {
      fields: ["secretsManagerAccess", "availabilityZoneIds", "endpointZoneCount", "natGateways"],
      check: ({ secretsManagerAccess, availabilityZoneIds, endpointZoneCount, natGateways }, report) => {
        const zones = availabilityZoneIds.length;
        if (secretsManagerAccess === "vpc-endpoint") {
          if (natGateways !== undefined) {
            report(["natGateways"], 'is set; allowed only with secretsManagerAccess "nat-gateway"');
          }
          const inRange = (n: number) => Number.isInteger(n) && n >= 1 && n <= zones;
          if (endpointZoneCount !== undefined && !inRange(endpointZoneCount)) {
            report(["endpointZoneCount"], `is ${show(endpointZoneCount)}; allowed: an integer from 1 to ${zones}`);
          }
        } else if (endpointZoneCount !== undefined) {
          report(["endpointZoneCount"], 'is set; allowed only with secretsManagerAccess "vpc-endpoint"');
        }
      },
    },
    {
      fields: ["flowLogRetentionDays", "flowLogKmsKeyArn"],
      check: ({ flowLogRetentionDays, flowLogKmsKeyArn }, report) => {
        if (flowLogRetentionDays === undefined && flowLogKmsKeyArn !== undefined) {
          report(["flowLogKmsKeyArn"], "is set; allowed only with flowLogRetentionDays");
        }
      },
    },
  ],
);

/** An existing VPC: nothing is created but the Secrets Manager endpoint, if chosen. */
export const ExistingNetworkPropsSchema = settings({
  /** Use an existing VPC. */
  kind: v.literal("existing"),
  ...NETWORK_BASE_ENTRIES,
  /** ID of the VPC, `vpc-...`; with `vpc-endpoint` it needs DNS support and DNS hostnames enabled. */
  vpcId: awsIdentifier("vpc-id"),
  /**
   * Private subnets of the VPC, at least two, each in a different zone: the database and
   * the rotation function use them, and with `vpc-endpoint` each gets an endpoint interface.
   */
  subnetIds: list(awsIdentifier("subnet-id"), "subnet IDs", { min: 2 }),
});

/** Props of {@link Network}: a new VPC (`kind: "new"`) or an existing one (`kind: "existing"`). */
export const NetworkPropsSchema = variantOf("kind", [NewNetworkPropsSchema, ExistingNetworkPropsSchema]);

export type NewNetworkProps = v.InferInput<typeof NewNetworkPropsSchema>;
export type ExistingNetworkProps = v.InferInput<typeof ExistingNetworkPropsSchema>;
/** Props of {@link Network}. */
export type NetworkProps = v.InferInput<typeof NetworkPropsSchema>;
type NewNetworkSettings = v.InferOutput<typeof NewNetworkPropsSchema>;

const HTTPS_PORT = 443;
const ANYWHERE = "0.0.0.0/0";
/**
 * TCP ports the internet's responses come back to through a NAT gateway: it translates
 * connections to source ports 1024–65535, and the functions' own ephemeral ports fall in
 * the same range. Network ACLs are stateless and cannot tell a response from a new
 * connection; the security groups can, and admit nothing from the internet.
 *
 * Port 3389 is left out: Security Hub's EC2.21 flags any ACL that admits 0.0.0.0/0 to 22
 * or 3389, whatever the rule is for. The cost is that a connection the gateway happens to
 * translate to port 3389 (one in 64,512) gets no answer; the SDK's 3 s connection timeout
 * then retries it on another port.
 */
const RETURN_TRAFFIC_PORT_RANGES = [
  { fromPort: 1024, toPort: 3388 },
  { fromPort: 3390, toPort: 65535 },
] as const;

/**
 * The network of the database and the rotation function: private subnets in at least two
 * zones, and a way to reach Secrets Manager from them.
 *
 * A new VPC gets DNS support, a locked-down default security group (no rules), a
 * default network ACL that admits only the VPC's own traffic (and, behind NAT gateways,
 * the internet's responses), one private subnet per zone with its own route table, and
 * either a Secrets Manager
 * interface endpoint (the private route tables then have no default route) or an
 * internet gateway with public subnets and NAT gateways. Optional flow logs go to a
 * CloudWatch log group (encrypted with the given key) through a role that only VPC Flow
 * Logs of this account can assume.
 */
export class Network extends Construct {
  /** ID of the VPC. */
  public readonly vpcId: string;
  /** IDs of the private subnets, one per zone, for the database and the rotation function. */
  public readonly privateSubnetIds: string[];
  /** How the private subnets reach Secrets Manager. */
  public readonly secretsManagerAccess: SecretsManagerAccess;
  /**
   * ID of the Secrets Manager endpoint's security group, with `vpc-endpoint`: clients need
   * egress on 443 to it. `undefined` with `nat-gateway`.
   */
  public readonly secretsManagerEndpointSecurityGroupId: string | undefined;
  /**
   * What must exist before a function in the private subnets can reach Secrets Manager:
   * the interface endpoint (`vpc-endpoint`), or the private subnets' default routes to
   * the NAT gateways (`nat-gateway` in a new VPC); empty for an existing VPC behind NAT.
   * A rotation schedule that rotates immediately must depend on these.
   */
  public readonly secretsManagerDependencies: ITerraformDependable[];

  private readonly natRoutes: Route[] = [];

  constructor(scope: Construct, id: string, networkProps: NetworkProps) {
    super(scope, id);
    const props = parseProps(NetworkPropsSchema, networkProps);
    this.secretsManagerAccess = props.secretsManagerAccess;

    let endpointSubnetIds: string[];
    if (props.kind === "new") {
      // The props schema has refused a block too small for the zones.
      const { layout } = subnetLayout(props.cidrBlock, props.availabilityZoneIds.length) as { layout: SubnetLayout };
      const vpc = new Vpc(this, "Vpc", {
        cidrBlock: props.cidrBlock,
        enableDnsSupport: true,
        enableDnsHostnames: true,
        tags: { Name: props.namePrefix },
      });
      this.vpcId = vpc.id;
      this.createDefaultNetworkAcl(props, vpc.defaultNetworkAclId);
      this.privateSubnetIds = this.createSubnets(props, layout);
      endpointSubnetIds = this.privateSubnetIds.slice(0, props.endpointZoneCount ?? this.privateSubnetIds.length);
      if (props.flowLogRetentionDays !== undefined) {
        createFlowLogs(this, {
          vpcId: this.vpcId,
          name: props.namePrefix,
          retentionDays: props.flowLogRetentionDays,
          kmsKeyArn: props.flowLogKmsKeyArn,
        });
      }
    } else {
      this.vpcId = props.vpcId;
      this.privateSubnetIds = props.subnetIds;
      endpointSubnetIds = this.privateSubnetIds;
    }

    const endpoint =
      props.secretsManagerAccess === "vpc-endpoint"
        ? this.createSecretsManagerEndpoint(props.namePrefix, endpointSubnetIds)
        : undefined;
    this.secretsManagerEndpointSecurityGroupId = endpoint?.securityGroupId;
    this.secretsManagerDependencies = endpoint ? [endpoint.endpoint] : [...this.natRoutes];
  }

  /**
   * Lets a security group reach the Secrets Manager endpoint on port 443 (a standalone
   * ingress rule on the endpoint's group, created once the endpoint is available, so
   * whatever depends on the rule can use the endpoint). Only with `vpc-endpoint`; the
   * client's group also needs the matching egress rule.
   * @param id construct ID of the rule, unique within this network
   * @param securityGroupId the client's security group, e.g. the rotation function's
   */
  public allowSecretsManagerAccessFrom(id: string, securityGroupId: string): VpcSecurityGroupIngressRule {
    if (this.secretsManagerEndpointSecurityGroupId === undefined) {
      throw invalid(
        "secretsManagerAccess",
        `is "${this.secretsManagerAccess}"; allowSecretsManagerAccessFrom needs "vpc-endpoint"`
      );
    }
    checkValue("securityGroupId", awsIdentifier("security-group-id"), securityGroupId);
    return new VpcSecurityGroupIngressRule(this, id, {
      securityGroupId: this.secretsManagerEndpointSecurityGroupId,
      referencedSecurityGroupId: securityGroupId,
      ipProtocol: "tcp",
      fromPort: HTTPS_PORT,
      toPort: HTTPS_PORT,
      description: `HTTPS to Secrets Manager from ${id}`,
      dependsOn: this.secretsManagerDependencies,
    });
  }

  /** The interface endpoint and its security group (no rules until clients are registered). */
  private createSecretsManagerEndpoint(
    namePrefix: string,
    subnetIds: string[]
  ): { endpoint: VpcEndpoint; securityGroupId: string } {
    const context = AwsContext.of(this);
    const securityGroup = new SecurityGroup(this, "SecretsManagerEndpointSecurityGroup", {
      name: `${namePrefix}-secretsmanager-endpoint`,
      description: "Secrets Manager interface endpoint: HTTPS from registered security groups only",
      vpcId: this.vpcId,
      tags: { Name: `${namePrefix}-secretsmanager-endpoint` },
    });
    const endpoint = new VpcEndpoint(this, "SecretsManagerEndpoint", {
      vpcId: this.vpcId,
      serviceName: `${context.reverseDnsPrefix}.${context.region}.secretsmanager`,
      vpcEndpointType: "Interface",
      privateDnsEnabled: true,
      subnetIds,
      securityGroupIds: [securityGroup.id],
      // Only the account's own principals may call Secrets Manager through the endpoint.
      policy: policyDocument([
        {
          Sid: "AccountPrincipalsOnly",
          Effect: "Allow",
          Principal: "*",
          Action: "secretsmanager:*",
          Resource: "*",
          Condition: { StringEquals: { "aws:PrincipalAccount": context.accountId } },
        },
      ]),
      tags: { Name: `${namePrefix}-secretsmanager` },
    });
    return { endpoint, securityGroupId: securityGroup.id };
  }

  /**
   * Adopts the VPC's default network ACL, which every subnet here uses, replacing its
   * allow-all rules: ingress from the VPC's CIDR only, egress anywhere. With
   * `nat-gateway`, also the internet's responses: TCP to the ports NAT gateways translate
   * to (1024–65535 but 3389), which reach the public subnets and, translated back, the private
   * ones, and ICMP "fragmentation needed" so that path MTU discovery works. Security
   * groups remain the stateful filter in front of every interface.
   */
  private createDefaultNetworkAcl(props: NewNetworkSettings, defaultNetworkAclId: string): void {
    const rule = (ruleNo: number, fields: Omit<DefaultNetworkAclIngress, "ruleNo" | "action">) => ({
      ruleNo,
      action: "allow",
      ...fields,
    });
    const internetResponses =
      props.secretsManagerAccess === "nat-gateway"
        ? [
            ...RETURN_TRAFFIC_PORT_RANGES.map((ports, i) => rule(200 + 10 * i, { protocol: "tcp", cidrBlock: ANYWHERE, ...ports })),
            rule(300, { protocol: "icmp", cidrBlock: ANYWHERE, fromPort: 0, toPort: 0, icmpType: 3, icmpCode: 4 }),
          ]
        : [];
    new DefaultNetworkAcl(this, "DefaultNetworkAcl", {
      defaultNetworkAclId,
      ingress: [rule(100, { protocol: "-1", cidrBlock: props.cidrBlock, fromPort: 0, toPort: 0 }), ...internetResponses],
      egress: [rule(100, { protocol: "-1", cidrBlock: ANYWHERE, fromPort: 0, toPort: 0 })],
      tags: { Name: `${props.namePrefix}-default` },
      // Subnets without an ACL of their own use this one; Terraform does not manage the list.
      lifecycle: { ignoreChanges: ["subnet_ids"] },
    });
  }

  /**
   * The default security group locked down, one private subnet per zone with its own
   * route table, and with `nat-gateway` the NAT gateways the route tables point to.
   * Returns the private subnet IDs.
   */
  private createSubnets(props: NewNetworkSettings, layout: SubnetLayout): string[] {
    const name = props.namePrefix;
    const zones = props.availabilityZoneIds;
    // Adopting the default security group removes all its rules: nothing can use it by accident.
    new DefaultSecurityGroup(this, "DefaultSecurityGroup", {
      vpcId: this.vpcId,
      tags: { Name: `${name}-default-no-rules` },
    });
    const natGatewayIds =
      props.secretsManagerAccess === "nat-gateway"
        ? this.createNatGateways(name, zones.slice(0, props.natGateways === "per-zone" ? zones.length : 1), layout)
        : [];
    return zones.map((zone, i) => {
      const subnet = new Subnet(this, `PrivateSubnet${i}`, {
        vpcId: this.vpcId,
        availabilityZoneId: zone,
        cidrBlock: layout.privateCidr(i),
        mapPublicIpOnLaunch: false,
        tags: { Name: `${name}-private-${zone}` },
      });
      const routeTable = new RouteTable(this, `PrivateRouteTable${i}`, {
        vpcId: this.vpcId,
        tags: { Name: `${name}-private-${zone}` },
      });
      new RouteTableAssociation(this, `PrivateRouteTableAssociation${i}`, {
        subnetId: subnet.id,
        routeTableId: routeTable.id,
      });
      if (natGatewayIds.length > 0) {
        this.natRoutes.push(
          new Route(this, `PrivateDefaultRoute${i}`, {
            routeTableId: routeTable.id,
            destinationCidrBlock: ANYWHERE,
            natGatewayId: natGatewayIds[i % natGatewayIds.length],
          }),
        );
      }
      return subnet.id;
    });
  }

  /**
   * An internet gateway, and in each of `zones` a public subnet with an Elastic IP and a
   * NAT gateway. Returns the NAT gateway IDs.
   */
  private createNatGateways(name: string, zones: readonly string[], layout: SubnetLayout): string[] {
    const internetGateway = new InternetGateway(this, "InternetGateway", { vpcId: this.vpcId, tags: { Name: name } });
    const publicRouteTable = new RouteTable(this, "PublicRouteTable", {
      vpcId: this.vpcId,
      tags: { Name: `${name}-public` },
    });
    new Route(this, "PublicDefaultRoute", {
      routeTableId: publicRouteTable.id,
      destinationCidrBlock: ANYWHERE,
      gatewayId: internetGateway.id,
    });
    return zones.map((zone, i) => {
      const subnet = new Subnet(this, `PublicSubnet${i}`, {
        vpcId: this.vpcId,
        availabilityZoneId: zone,
        cidrBlock: layout.publicCidr(i),
        mapPublicIpOnLaunch: false,
        tags: { Name: `${name}-public-${zone}` },
      });
      new RouteTableAssociation(this, `PublicRouteTableAssociation${i}`, {
        subnetId: subnet.id,
        routeTableId: publicRouteTable.id,
      });
      const eip = new Eip(this, `NatEip${i}`, {
        domain: "vpc",
        tags: { Name: `${name}-nat-${zone}` },
        dependsOn: [internetGateway],
      });
      return new NatGateway(this, `NatGateway${i}`, {
        allocationId: eip.allocationId,
        subnetId: subnet.id,
        tags: { Name: `${name}-${zone}` },
        dependsOn: [internetGateway],
      }).id;
    });
  }
}
