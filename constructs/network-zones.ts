import * as v from "valibot";
import { anyString, satisfies } from "./field-schemas";
import { show } from "./validation";

/**
 * Availability zones, named by zone ID (`use1-az1`). A zone name (`us-east-1a`) maps to a
 * different physical zone in each account, so a name chosen in one account can land in a
 * zone that lacks a service in another; a zone ID is the same zone in every account. The
 * zones are written into the configuration (the subnets' `availability_zone_id`) rather
 * than looked up at plan time, so that the review page and the diagram name them and a
 * new zone in the region never moves a subnet.
 */

const ZONE_ID = /^([a-z]+\d+)-az\d+$/;
const ZONE_NAME = /^[a-z]{2}(?:-[a-z]+)+-\d+[a-z]$/;
/** Compass words that zone IDs abbreviate by their two initials: `northeast` → `ne`. */
const COMPOUND_DIRECTION = /^(north|south)(east|west)$/;

/**
 * Zones that lack what the stacks put in every zone, and why: they are refused. use1-az3,
 * one of us-east-1's oldest zones, offers none of the newer instance types (no Graviton:
 * db.t4g, db.m7g), and Lambda refuses a function's subnets there ("The provided subnets
 * contain availability zone Lambda doesn't support"); the Terraform provider's RDS Proxy
 * documentation has it excluded too. Other regions' known gaps go here as they are met.
 */
const UNSUITABLE_ZONE_IDS: Readonly<Record<string, string>> = {
  "use1-az3": "which takes no Graviton DB instance and no Lambda function in a VPC",
};

/**
 * The prefix of a region's zone IDs, from the region's name: its country code, the
 * initials of its other words (a compound compass word gives two) and its number, e.g.
 * `us-east-1` → `use1`, `ap-northeast-2` → `apne2`, `us-gov-west-1` → `usgw1`.
 */
export function zoneIdPrefix(region: string): string {
  const [country, ...rest] = region.split("-");
  const number = rest.pop();
  const initials = rest.map((word) => {
    const compound = COMPOUND_DIRECTION.exec(word);
    return compound ? `${compound[1][0]}${compound[2][0]}` : word[0];
  });
  return `${country}${initials.join("")}${number}`;
}

/** The region prefix of a zone ID (`use1` of `use1-az1`). */
export function zoneIdRegionPrefix(zoneId: string): string {
  return ZONE_ID.exec(zoneId)?.[1] ?? "";
}

/** A zone of the region, as it is named in messages: `use1-az1`. */
export function exampleZoneId(region: string): string {
  return `${zoneIdPrefix(region)}-az1`;
}

const ZONE_ID_ALLOWED = "an availability zone ID such as use1-az1 (aws ec2 describe-availability-zones lists each zone's ID)";

/** An availability zone ID, e.g. `use1-az1`: not a zone name, nor a zone the stacks cannot use. */
export function availabilityZoneId() {
  return v.pipe(
    anyString(ZONE_ID_ALLOWED),
    satisfies((zone: string) => {
      if (ZONE_NAME.test(zone)) {
        return `is ${show(zone)}, a zone name, which each account maps to a zone of its own; allowed: ${ZONE_ID_ALLOWED}`;
      }
      if (!ZONE_ID.test(zone)) return `is ${show(zone)}; allowed: ${ZONE_ID_ALLOWED}`;
      const unsuitable = UNSUITABLE_ZONE_IDS[zone];
      return unsuitable === undefined ? undefined : `is ${show(zone)}, ${unsuitable}; allowed: another zone of its region`;
    }),
  );
}
