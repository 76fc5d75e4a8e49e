/**
 * The subnets of a new VPC: its CIDR split into equal blocks, enough for one private and
 * one public subnet per zone.
 */

/** An IPv4 CIDR with a prefix length from 16 to 24. */
export const CIDR_PATTERN =
  /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\/(?:1[6-9]|2[0-4])$/;
/** AWS's smallest subnet. */
const MAX_SUBNET_PREFIX = 28;

/** CIDRs of the subnets: private subnet `i` in slot `i` of the lower half, public subnet `i` in slot `i` of the upper half. */
export interface SubnetLayout {
  privateCidr(index: number): string;
  publicCidr(index: number): string;
}

/**
 * The layout of `zoneCount` zones in `cidrBlock` (which matches {@link CIDR_PATTERN}), or
 * what is wrong with the block. Private subnets keep their CIDRs whether or not public
 * subnets exist, so switching between endpoint and NAT gateways never replaces them.
 */
export function subnetLayout(cidrBlock: string, zoneCount: number): { layout: SubnetLayout } | { problem: string } {
  const [address, prefixText] = cidrBlock.split("/");
  const prefix = Number(prefixText);
  const base = address.split(".").reduce((value, octet) => value * 256 + Number(octet), 0);
  if (base % 2 ** (32 - prefix) !== 0) {
    return { problem: `is "${cidrBlock}"; allowed: a network address (no host bits set)` };
  }
  const halfBits = Math.ceil(Math.log2(zoneCount));
  const subnetPrefix = prefix + 1 + halfBits;
  if (subnetPrefix > MAX_SUBNET_PREFIX) {
    return {
      problem:
        `is "${cidrBlock}"; allowed: a block large enough for ${2 * zoneCount} subnets of at least /${MAX_SUBNET_PREFIX} ` +
        `(at most a /${MAX_SUBNET_PREFIX - 1 - halfBits} for ${zoneCount} zones)`,
    };
  }
  const subnetSize = 2 ** (32 - subnetPrefix);
  const cidr = (slot: number): string => {
    const start = base + slot * subnetSize;
    const octets = [24, 16, 8, 0].map((shift) => Math.floor(start / 2 ** shift) % 256);
    return `${octets.join(".")}/${subnetPrefix}`;
  };
  return {
    layout: {
      privateCidr: (index) => cidr(index),
      publicCidr: (index) => cidr(2 ** halfBits + index),
    },
  };
}
