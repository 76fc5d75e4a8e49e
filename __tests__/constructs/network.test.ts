import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { DefaultNetworkAcl } from "@cdktf/provider-aws/lib/default-network-acl";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Network, type NetworkProps, type NewNetworkProps } from "../../constructs/network";
import {
  onlyResource,
  referenceTo,
  resources,
  statementsOf,
  synthesize,
  type SynthesizedStack,
  testStack,
} from "./test-stack";

const ZONES = ["euw1-az1", "euw1-az2", "euw1-az3"];
const CLIENT_SG = "sg-0123456789abcdef0";
const KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

function newNetwork(overrides: Partial<NewNetworkProps> = {}): NewNetworkProps {
  return {
    kind: "new",
    namePrefix: "dev",
    cidrBlock: "10.0.0.0/16",
    availabilityZoneIds: ZONES,
    secretsManagerAccess: "vpc-endpoint",
    ...overrides,
  };
}

function build(props: NetworkProps, configure: (network: Network) => void = () => undefined) {
  const stack = testStack();
  const network = new Network(stack, "Network", props);
  configure(network);
  return { network, ...synthesize(stack) };
}

/**
 * The network and the addresses (`<type>.<name>`) that a resource depending on
 * `secretsManagerDependencies` waits for (a stand-in for a rotation schedule).
 */
function buildWithDependent(props: NetworkProps, configure: (network: Network) => void = () => undefined) {
  const stack = testStack();
  const network = new Network(stack, "Network", props);
  configure(network);
  new IamRole(stack, "Dependent", { assumeRolePolicy: "{}", dependsOn: network.secretsManagerDependencies });
  const { json } = synthesize(stack);
  return { network, json, waitsFor: (onlyResource(json, "aws_iam_role").depends_on ?? []) as string[] };
}

/** The address `<type>.<name>` of the `index`-th resource of `type`. */
function address(json: SynthesizedStack, type: string, index: number): string {
  return `${type}.${Object.keys(json.resource?.[type] ?? {})[index]}`;
}

describe("Network", () => {
  describe("new VPC", () => {
    it("creates a VPC with DNS and locks down its default security group", () => {
      const { synthesized, json } = build(newNetwork());
      expect(synthesized).toHaveResourceWithProperties(Vpc, {
        cidr_block: "10.0.0.0/16",
        enable_dns_support: true,
        enable_dns_hostnames: true,
      });
      expect(resources(json, "aws_vpc")).toHaveLength(1);
      const defaultGroup = onlyResource(json, "aws_default_security_group");
      expect(defaultGroup.vpc_id).toBe(referenceTo(json, "aws_vpc", 0, "id"));
      expect(defaultGroup).not.toHaveProperty("ingress");
      expect(defaultGroup).not.toHaveProperty("egress");
    });

    describe("default network ACL", () => {
      const allowAll = (cidr_block: string) => ({
        rule_no: 100,
        action: "allow",
        protocol: "-1",
        cidr_block,
        from_port: 0,
        to_port: 0,
      });

      it("admits only the VPC's own traffic with a Secrets Manager endpoint, and lets everything out", () => {
        const { synthesized, json } = build(newNetwork());
        // Nested lists and objects are matched exactly: these are the only rules.
        expect(synthesized).toHaveResourceWithProperties(DefaultNetworkAcl, {
          default_network_acl_id: referenceTo(json, "aws_vpc", 0, "default_network_acl_id"),
          ingress: [allowAll("10.0.0.0/16")],
          egress: [allowAll("0.0.0.0/0")],
          lifecycle: { ignore_changes: ["subnet_ids"] },
        });
        expect(synthesized).not.toHaveResourceWithProperties(DefaultNetworkAcl, { subnet_ids: expect.anything() });
      });

      it("also admits the internet's responses behind NAT gateways: every port a NAT gateway translates to but 3389 (Security Hub EC2.21)", () => {
        const { json } = build(newNetwork({ secretsManagerAccess: "nat-gateway", cidrBlock: "172.16.0.0/20" }));
        const acl = onlyResource(json, "aws_default_network_acl");
        const fromInternet = (rule: { cidr_block: string }) => rule.cidr_block === "0.0.0.0/0";
        expect(acl.ingress).toEqual([
          allowAll("172.16.0.0/20"),
          { rule_no: 200, action: "allow", protocol: "tcp", cidr_block: "0.0.0.0/0", from_port: 1024, to_port: 3388 },
          { rule_no: 210, action: "allow", protocol: "tcp", cidr_block: "0.0.0.0/0", from_port: 3390, to_port: 65535 },
          {
            rule_no: 300,
            action: "allow",
            protocol: "icmp",
            cidr_block: "0.0.0.0/0",
            from_port: 0,
            to_port: 0,
            icmp_type: 3,
            icmp_code: 4,
          },
        ]);
        // NAT gateways translate to source ports 1024-65535; nothing below is admitted, nor 3389 (EC2.21).
        const admitted = (port: number) =>
          acl.ingress.some(
            (rule: { protocol: string; from_port: number; to_port: number; cidr_block: string }) =>
              fromInternet(rule) && rule.protocol === "tcp" && rule.from_port <= port && port <= rule.to_port
          );
        expect([22, 443, 1023, 1024, 3389, 32768, 65535].map((port) => [port, admitted(port)])).toEqual([
          [22, false],
          [443, false],
          [1023, false],
          [1024, true],
          [3389, false],
          [32768, true],
          [65535, true],
        ]);
        expect(acl.egress).toEqual([allowAll("0.0.0.0/0")]);
      });
    });

    it("creates one private subnet per zone in the lower half of the VPC, each with its own route table", () => {
      const { network, synthesized, json } = build(newNetwork());
      expect(synthesized).not.toHaveResourceWithProperties(Subnet, { map_public_ip_on_launch: true });
      const subnets = resources(json, "aws_subnet");
      // By zone ID, the same physical zone in every account; never by zone name.
      expect(subnets.map((s) => [s.availability_zone_id, s.cidr_block, s.map_public_ip_on_launch])).toEqual([
        ["euw1-az1", "10.0.0.0/19", false],
        ["euw1-az2", "10.0.32.0/19", false],
        ["euw1-az3", "10.0.64.0/19", false],
      ]);
      for (const subnet of subnets) expect(subnet).not.toHaveProperty("availability_zone");
      expect(subnets.map((s) => s.tags.Name)).toEqual(ZONES.map((zone) => `dev-private-${zone}`));
      expect(network.privateSubnetIds).toHaveLength(3);
      const associations = resources(json, "aws_route_table_association");
      expect(associations.map((a) => [a.subnet_id, a.route_table_id])).toEqual(
        [0, 1, 2].map((i) => [referenceTo(json, "aws_subnet", i, "id"), referenceTo(json, "aws_route_table", i, "id")])
      );
    });

    it("sizes the subnets to the zone count", () => {
      const { json } = build(newNetwork({ cidrBlock: "192.168.4.0/24", availabilityZoneIds: ZONES.slice(0, 2) }));
      expect(resources(json, "aws_subnet").map((s) => s.cidr_block)).toEqual(["192.168.4.0/26", "192.168.4.64/26"]);
    });

    it("keeps the private subnet CIDRs when switching to NAT gateways", () => {
      const cidrs = (props: NewNetworkProps) =>
        resources(build(props).json, "aws_subnet")
          .filter((s) => s.tags.Name.includes("-private-"))
          .map((s) => s.cidr_block);
      expect(cidrs(newNetwork({ secretsManagerAccess: "nat-gateway" }))).toEqual(cidrs(newNetwork()));
    });

    describe("with a Secrets Manager endpoint", () => {
      it("puts an interface endpoint with private DNS in the first endpointZoneCount subnets", () => {
        const { synthesized, json } = build(newNetwork({ endpointZoneCount: 2 }));
        expect(synthesized).toHaveResourceWithProperties(VpcEndpoint, {
          vpc_endpoint_type: "Interface",
          private_dns_enabled: true,
          service_name: expect.stringMatching(
            /^\$\{data\.aws_partition\.\w+\.reverse_dns_prefix\}\.\$\{data\.aws_region\.\w+\.region\}\.secretsmanager$/
          ),
          subnet_ids: [0, 1].map((i) => referenceTo(json, "aws_subnet", i, "id")),
          security_group_ids: [referenceTo(json, "aws_security_group", 0, "id")],
        });
        expect(synthesized).toHaveDataSource(DataAwsPartition);
        expect(resources(json, "aws_vpc_endpoint")).toHaveLength(1);
      });

      it("puts the endpoint in every zone by default", () => {
        const { json } = build(newNetwork());
        expect(onlyResource(json, "aws_vpc_endpoint").subnet_ids).toHaveLength(3);
      });

      it("lets only the account's principals use the endpoint", () => {
        const { json } = build(newNetwork());
        expect(statementsOf(onlyResource(json, "aws_vpc_endpoint").policy)).toEqual([
          expect.objectContaining({
            Effect: "Allow",
            Action: "secretsmanager:*",
            Condition: {
              StringEquals: {
                "aws:PrincipalAccount": expect.stringMatching(/^\$\{data\.aws_caller_identity\.\w+\.account_id\}$/),
              },
            },
          }),
        ]);
      });

      it("gives the private route tables no default route and creates no internet access", () => {
        const { synthesized, json } = build(newNetwork());
        expect(resources(json, "aws_route_table")).toHaveLength(3);
        for (const table of resources(json, "aws_route_table")) expect(table).not.toHaveProperty("route");
        expect(synthesized).not.toHaveResource(InternetGateway);
        expect(synthesized).not.toHaveResource(NatGateway);
        for (const type of ["aws_route", "aws_eip"]) {
          expect(resources(json, type)).toHaveLength(0);
        }
      });

      it("admits only HTTPS from the registered security groups", () => {
        const { network, synthesized, json } = build(newNetwork(), (n) => {
          n.allowSecretsManagerAccessFrom("RotationFunction", CLIENT_SG);
          n.allowSecretsManagerAccessFrom("App", "sg-0fedcba9876543210");
        });
        expect(synthesized).not.toHaveResourceWithProperties(VpcSecurityGroupIngressRule, { cidr_ipv4: expect.anything() });
        const group = onlyResource(json, "aws_security_group");
        expect(group).not.toHaveProperty("ingress");
        expect(group).not.toHaveProperty("egress");
        const rules = resources(json, "aws_vpc_security_group_ingress_rule");
        expect(rules.map((r) => r.referenced_security_group_id).sort()).toEqual([CLIENT_SG, "sg-0fedcba9876543210"]);
        for (const rule of rules) {
          expect(rule).toMatchObject({
            security_group_id: referenceTo(json, "aws_security_group", 0, "id"),
            ip_protocol: "tcp",
            from_port: 443,
            to_port: 443,
          });
          expect(rule.description).toEqual(expect.any(String));
        }
        expect(network.secretsManagerEndpointSecurityGroupId).toBeDefined();
      });

      it("makes whatever waits for the path to Secrets Manager, and each client's rule, wait for the endpoint", () => {
        const { json, waitsFor } = buildWithDependent(newNetwork(), (n) =>
          n.allowSecretsManagerAccessFrom("RotationFunction", CLIENT_SG)
        );
        const endpoint = address(json, "aws_vpc_endpoint", 0);
        expect(waitsFor).toEqual([endpoint]);
        expect(onlyResource(json, "aws_vpc_security_group_ingress_rule").depends_on).toEqual([endpoint]);
      });

      it("admits nothing until a security group is registered", () => {
        expect(resources(build(newNetwork()).json, "aws_vpc_security_group_ingress_rule")).toHaveLength(0);
      });
    });

    describe("with NAT gateways", () => {
      it("routes every private subnet through a single NAT gateway by default", () => {
        const { network, synthesized, json } = build(newNetwork({ secretsManagerAccess: "nat-gateway" }));
        const natGateway = onlyResource(json, "aws_nat_gateway");
        expect(onlyResource(json, "aws_eip").domain).toBe("vpc");
        expect(natGateway.allocation_id).toBe(referenceTo(json, "aws_eip", 0, "allocation_id"));
        const publicSubnet = resources(json, "aws_subnet")[3];
        expect(publicSubnet).toMatchObject({ cidr_block: "10.0.128.0/19", availability_zone_id: "euw1-az1" });
        expect(natGateway.subnet_id).toBe(referenceTo(json, "aws_subnet", 3, "id"));

        const routes = resources(json, "aws_route");
        const publicRoute = routes.find((r) => r.gateway_id !== undefined);
        expect(publicRoute).toMatchObject({
          destination_cidr_block: "0.0.0.0/0",
          gateway_id: referenceTo(json, "aws_internet_gateway", 0, "id"),
        });
        const privateRoutes = routes.filter((r) => r.nat_gateway_id !== undefined);
        expect(privateRoutes).toHaveLength(3);
        for (const route of privateRoutes) {
          expect(route).toMatchObject({
            destination_cidr_block: "0.0.0.0/0",
            nat_gateway_id: referenceTo(json, "aws_nat_gateway", 0, "id"),
          });
        }
        expect(synthesized).not.toHaveResource(VpcEndpoint);
        expect(network.secretsManagerEndpointSecurityGroupId).toBeUndefined();
        expect(network.secretsManagerAccess).toBe("nat-gateway");
      });

      it("routes each private subnet through the NAT gateway of its zone with per-zone gateways", () => {
        const { json } = build(newNetwork({ secretsManagerAccess: "nat-gateway", natGateways: "per-zone" }));
        expect(resources(json, "aws_nat_gateway")).toHaveLength(3);
        expect(resources(json, "aws_eip")).toHaveLength(3);
        const privateRoutes = resources(json, "aws_route").filter((r) => r.nat_gateway_id !== undefined);
        expect(privateRoutes.map((r) => r.nat_gateway_id)).toEqual(
          [0, 1, 2].map((i) => referenceTo(json, "aws_nat_gateway", i, "id"))
        );
        expect(resources(json, "aws_subnet").map((s) => s.cidr_block)).toEqual([
          "10.0.0.0/19",
          "10.0.32.0/19",
          "10.0.64.0/19",
          "10.0.128.0/19",
          "10.0.160.0/19",
          "10.0.192.0/19",
        ]);
        for (const subnet of resources(json, "aws_subnet")) expect(subnet.map_public_ip_on_launch).toBe(false);
      });

      it("makes whatever waits for the path to Secrets Manager wait for the private default routes", () => {
        const { json, waitsFor } = buildWithDependent(newNetwork({ secretsManagerAccess: "nat-gateway" }));
        const privateRoutes = Object.entries(json.resource?.aws_route ?? {})
          .filter(([, route]) => route.nat_gateway_id !== undefined)
          .map(([name]) => `aws_route.${name}`);
        expect(privateRoutes).toHaveLength(3);
        expect([...waitsFor].sort()).toEqual(privateRoutes.sort());
      });

      it("refuses to register endpoint clients", () => {
        expect(() =>
          build(newNetwork({ secretsManagerAccess: "nat-gateway" }), (n) =>
            n.allowSecretsManagerAccessFrom("RotationFunction", CLIENT_SG)
          )
        ).toThrow('secretsManagerAccess is "nat-gateway"; allowSecretsManagerAccessFrom needs "vpc-endpoint"');
      });
    });

    describe("flow logs", () => {
      it("are off by default", () => {
        const { json } = build(newNetwork());
        for (const type of ["aws_flow_log", "aws_cloudwatch_log_group", "aws_iam_role"]) {
          expect(resources(json, type)).toHaveLength(0);
        }
      });

      it("go to an encrypted log group through a role only VPC Flow Logs of the account can assume", () => {
        const { synthesized, json } = build(newNetwork({ flowLogRetentionDays: 90, flowLogKmsKeyArn: KEY_ARN }));
        expect(synthesized).toHaveResourceWithProperties(CloudwatchLogGroup, {
          name: "/dev/vpc-flow-logs",
          retention_in_days: 90,
          kms_key_id: KEY_ARN,
        });
        expect(synthesized).toHaveResourceWithProperties(FlowLog, {
          vpc_id: referenceTo(json, "aws_vpc", 0, "id"),
          traffic_type: "ALL",
          log_destination_type: "cloud-watch-logs",
          log_destination: referenceTo(json, "aws_cloudwatch_log_group", 0, "arn"),
          iam_role_arn: referenceTo(json, "aws_iam_role", 0, "arn"),
        });

        const [trust] = statementsOf(onlyResource(json, "aws_iam_role").assume_role_policy);
        expect(trust.Principal).toEqual({ Service: "vpc-flow-logs.amazonaws.com" });
        expect(trust.Condition?.StringEquals?.["aws:SourceAccount"]).toMatch(/account_id\}$/);
        expect(trust.Condition?.ArnLike?.["aws:SourceArn"]).toMatch(/:vpc-flow-log\/\*$/);

        const permissions = statementsOf(onlyResource(json, "aws_iam_role_policy").policy);
        const logGroupArn = referenceTo(json, "aws_cloudwatch_log_group", 0, "arn");
        expect(permissions[0].Resource).toEqual([logGroupArn, `${logGroupArn}:*`]);
        for (const s of permissions) {
          expect(s.Resource).not.toBe("*");
          for (const action of [s.Action].flat())
            expect(action).toMatch(/^logs:(CreateLogStream|PutLogEvents|Describe\w+)$/);
        }
      });

      it("use CloudWatch Logs' own encryption without a key", () => {
        const { synthesized } = build(newNetwork({ flowLogRetentionDays: 14 }));
        expect(synthesized).toHaveResourceWithProperties(CloudwatchLogGroup, { retention_in_days: 14 });
        expect(synthesized).not.toHaveResourceWithProperties(CloudwatchLogGroup, { kms_key_id: expect.anything() });
      });
    });
  });

  describe("existing VPC", () => {
    const existing = {
      kind: "existing",
      namePrefix: "prod",
      vpcId: "vpc-0123456789abcdef0",
      subnetIds: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"],
    } as const;

    it("creates only the endpoint and its security group, in the given subnets (not touching the VPC's network ACLs)", () => {
      const { network, synthesized, json } = build({ ...existing, secretsManagerAccess: "vpc-endpoint" }, (n) =>
        n.allowSecretsManagerAccessFrom("RotationFunction", CLIENT_SG)
      );
      expect(Object.keys(json.resource ?? {}).sort()).toEqual([
        "aws_security_group",
        "aws_vpc_endpoint",
        "aws_vpc_security_group_ingress_rule",
      ]);
      expect(synthesized).toHaveResourceWithProperties(VpcEndpoint, {
        vpc_id: existing.vpcId,
        subnet_ids: existing.subnetIds,
        private_dns_enabled: true,
      });
      expect(resources(json, "aws_vpc_endpoint")).toHaveLength(1);
      expect(onlyResource(json, "aws_security_group").vpc_id).toBe(existing.vpcId);
      expect(network.vpcId).toBe(existing.vpcId);
      expect(network.privateSubnetIds).toEqual(existing.subnetIds);
    });

    it("creates nothing when the subnets already reach a NAT gateway", () => {
      const { network, json } = build({ ...existing, secretsManagerAccess: "nat-gateway" });
      expect(json.resource).toBeUndefined();
      expect(buildWithDependent({ ...existing, secretsManagerAccess: "nat-gateway" }).waitsFor).toEqual([]);
      expect(network.secretsManagerEndpointSecurityGroupId).toBeUndefined();
    });
  });

  describe("validation", () => {
    it.each<[string, NetworkProps, string]>([
      [
        "an unknown kind",
        { ...newNetwork(), kind: "default" } as unknown as NetworkProps,
        'kind is "default"; allowed: "new", "existing"',
      ],
      ["a bad name prefix", newNetwork({ namePrefix: "Dev_1" }), 'namePrefix is "Dev_1"; allowed: a lower-case letter'],
      [
        "an unknown Secrets Manager access",
        newNetwork({ secretsManagerAccess: "proxy" as never }),
        'secretsManagerAccess is "proxy"; allowed: "vpc-endpoint", "nat-gateway"',
      ],
      [
        "fewer than two zones",
        newNetwork({ availabilityZoneIds: ["euw1-az1"] }),
        "availabilityZoneIds has 1 item(s); allowed: at least 2",
      ],
      [
        "a repeated zone",
        newNetwork({ availabilityZoneIds: ["euw1-az1", "euw1-az1"] }),
        'availabilityZoneIds lists "euw1-az1" twice',
      ],
      [
        "a malformed zone",
        newNetwork({ availabilityZoneIds: ["euw1-az1", "west"] }),
        `availabilityZoneIds[1] is "west"; allowed: an availability zone ID such as use1-az1 (aws ec2 describe-availability-zones lists each zone's ID)`,
      ],
      [
        "a zone name, which is a different zone in each account",
        newNetwork({ availabilityZoneIds: ["euw1-az1", "eu-west-1b"] }),
        'availabilityZoneIds[1] is "eu-west-1b", a zone name, which each account maps to a zone of its own; ' +
          "allowed: an availability zone ID such as use1-az1 (aws ec2 describe-availability-zones lists each zone's ID)",
      ],
      [
        "us-east-1's zone without Graviton instances or Lambda",
        newNetwork({ availabilityZoneIds: ["use1-az1", "use1-az3"] }),
        'availabilityZoneIds[1] is "use1-az3", which takes no Graviton DB instance and no Lambda function in a VPC; ' +
          "allowed: another zone of its region",
      ],
      [
        "zones of two regions",
        newNetwork({ availabilityZoneIds: ["euw1-az1", "euc1-az2"] }),
        'availabilityZoneIds[1] is "euc1-az2"; allowed: a zone of the region of availabilityZoneIds[0], euw1-az<N>',
      ],
      [
        "a malformed CIDR",
        newNetwork({ cidrBlock: "10.0.0/16" }),
        'cidrBlock is "10.0.0/16"; allowed: an IPv4 CIDR with a prefix length from 16 to 24',
      ],
      ["an octet above 255", newNetwork({ cidrBlock: "10.256.0.0/16" }), 'cidrBlock is "10.256.0.0/16"'],
      ["a prefix shorter than /16", newNetwork({ cidrBlock: "10.0.0.0/8" }), 'cidrBlock is "10.0.0.0/8"'],
      ["a prefix longer than /24", newNetwork({ cidrBlock: "10.0.0.0/25" }), 'cidrBlock is "10.0.0.0/25"'],
      [
        "host bits in the CIDR",
        newNetwork({ cidrBlock: "10.0.1.0/16" }),
        'cidrBlock is "10.0.1.0/16"; allowed: a network address',
      ],
      [
        "a CIDR too small for the zones",
        newNetwork({
          cidrBlock: "10.0.0.0/24",
          availabilityZoneIds: [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => `euw1-az${n}`),
        }),
        "allowed: a block large enough for 18 subnets of at least /28 (at most a /23 for 9 zones)",
      ],
      [
        "no endpoint zone",
        newNetwork({ endpointZoneCount: 0 }),
        "endpointZoneCount is 0; allowed: an integer from 1 to 3",
      ],
      [
        "more endpoint zones than zones",
        newNetwork({ endpointZoneCount: 4 }),
        "endpointZoneCount is 4; allowed: an integer from 1 to 3",
      ],
      [
        "an endpoint zone count with NAT gateways",
        newNetwork({ secretsManagerAccess: "nat-gateway", endpointZoneCount: 1 }),
        'endpointZoneCount is set; allowed only with secretsManagerAccess "vpc-endpoint"',
      ],
      [
        "NAT gateways with an endpoint",
        newNetwork({ natGateways: "single" }),
        'natGateways is set; allowed only with secretsManagerAccess "nat-gateway"',
      ],
      [
        "an unknown NAT gateway mode",
        newNetwork({ secretsManagerAccess: "nat-gateway", natGateways: "two" as never }),
        'natGateways is "two"; allowed: "single", "per-zone"',
      ],
      [
        "a flow log retention CloudWatch does not accept",
        newNetwork({ flowLogRetentionDays: 8 as never }),
        "flowLogRetentionDays is 8; allowed: 1, 3, 5, 7, 14, 30",
      ],
      [
        "a flow log key without flow logs",
        newNetwork({ flowLogKmsKeyArn: KEY_ARN }),
        "flowLogKmsKeyArn is set; allowed only with flowLogRetentionDays",
      ],
      [
        "a malformed flow log key",
        newNetwork({ flowLogRetentionDays: 7, flowLogKmsKeyArn: "alias/dev" }),
        'flowLogKmsKeyArn is "alias/dev"; allowed: a KMS key ARN',
      ],
      [
        "a malformed VPC ID",
        {
          kind: "existing",
          namePrefix: "dev",
          vpcId: "vpc-xyz",
          subnetIds: ["subnet-01234567", "subnet-89abcdef"],
          secretsManagerAccess: "vpc-endpoint",
        },
        'vpcId is "vpc-xyz"; allowed: a VPC ID',
      ],
      [
        "a single existing subnet",
        {
          kind: "existing",
          namePrefix: "dev",
          vpcId: "vpc-01234567",
          subnetIds: ["subnet-01234567"],
          secretsManagerAccess: "vpc-endpoint",
        },
        "subnetIds has 1 item(s); allowed: at least 2",
      ],
      [
        "a malformed subnet ID",
        {
          kind: "existing",
          namePrefix: "dev",
          vpcId: "vpc-01234567",
          subnetIds: ["subnet-01234567", "sn-2"],
          secretsManagerAccess: "nat-gateway",
        },
        'subnetIds[1] is "sn-2"; allowed: a subnet ID',
      ],
      [
        "a misspelt setting, which would otherwise drop the flow logs without a word",
        { ...newNetwork(), flowLogRetentionDay: 7 } as NetworkProps,
        "flowLogRetentionDay is not a setting; did you mean flowLogRetentionDays?",
      ],
    ])("rejects %s", (_, props, message) => {
      expect(() => new Network(testStack(), "Network", props)).toThrow(message);
    });

    it("rejects a malformed security group when registering an endpoint client", () => {
      const network = new Network(testStack(), "Network", newNetwork());
      expect(() => network.allowSecretsManagerAccessFrom("App", "app-sg")).toThrow(
        'securityGroupId is "app-sg"; allowed: a security group ID'
      );
    });
  });
});
