import { Lazy, Token } from "cdktf";
import * as v from "valibot";
import { awsIdentifier } from "../../constructs/aws-formats";
import { flag, integer, list, mapOf, oneOf, text, variantOf } from "../../constructs/field-schemas";
import { adapt, allBut, settings } from "../../constructs/settings-schema";
import { parseProps, ValidationError } from "../../constructs/validation";

/** The problems `parseProps` reports, as `path problem` lines; none if the value is valid. */
function problems(schema: v.GenericSchema, value: unknown): string[] {
  try {
    parseProps(schema, value);
    return [];
  } catch (error) {
    if (error instanceof ValidationError) return error.message.split("\n");
    throw error;
  }
}

const Storage = settings(
  {
    /** Storage. */
    allocatedStorageGb: v.optional(integer(20, 100), 20),
    maxAllocatedStorageGb: v.optional(integer(21, 200)),
    multiAz: flag(),
    engine: oneOf(["mysql", "postgres"]),
  },
  [
    {
      fields: ["allocatedStorageGb", "maxAllocatedStorageGb"],
      check: ({ allocatedStorageGb, maxAllocatedStorageGb }, report) => {
        if (maxAllocatedStorageGb !== undefined && maxAllocatedStorageGb <= allocatedStorageGb) {
          report(["maxAllocatedStorageGb"], `is ${maxAllocatedStorageGb}; allowed: above ${allocatedStorageGb}`);
        }
      },
    },
  ],
);

describe("settings", () => {
  test("apply the defaults", () => {
    expect(parseProps(Storage, { multiAz: true, engine: "mysql" })).toEqual({
      allocatedStorageGb: 20,
      multiAz: true,
      engine: "mysql",
    });
  });

  test("report every key that is not a setting, not only the first, with a did-you-mean for near misses", () => {
    expect(
      problems(Storage, { multiAZ: true, engine: "mysql", allocatedStorage: 30, replicas: 2, multiAz: false }),
    ).toEqual([
      "multiAZ is not a setting; did you mean multiAz?",
      "allocatedStorage is not a setting; did you mean allocatedStorageGb?",
      "replicas is not a setting; allowed: allocatedStorageGb, maxAllocatedStorageGb, multiAz, engine",
    ]);
  });

  test("name a missing setting with what it allows", () => {
    expect(problems(Storage, { engine: "mysql" })).toEqual(["multiAz is missing; allowed: true or false"]);
  });

  test("refuse values that only look right: strings for booleans and numbers, an array for an object", () => {
    expect(problems(Storage, { multiAz: "true", engine: "mysql", allocatedStorageGb: "30" })).toEqual([
      'allocatedStorageGb is "30"; allowed: an integer from 20 to 100',
      'multiAz is "true"; allowed: true or false',
    ]);
    expect(problems(Storage, [true, "mysql"])).toEqual(['is [true,"mysql"]; allowed: an object of settings']);
  });

  test("run a rule when the fields it reads are valid, whatever else is wrong", () => {
    const props = { multiAz: 1, engine: "mysql", allocatedStorageGb: 50, maxAllocatedStorageGb: 40 };
    expect(problems(Storage, props)).toEqual([
      "multiAz is 1; allowed: true or false",
      "maxAllocatedStorageGb is 40; allowed: above 50",
    ]);
  });

  test("skip a rule when a field it reads has a problem of its own", () => {
    const props = { multiAz: true, engine: "mysql", allocatedStorageGb: 500, maxAllocatedStorageGb: 40 };
    expect(problems(Storage, props)).toEqual([
      "allocatedStorageGb is 500; allowed: an integer from 20 to 100",
    ]);
  });

  test("report nested problems with their path, lists by index and maps by key", () => {
    const Secrets = settings({
      secrets: list(settings({ name: text(/^[a-z]+$/, "lower-case letters") }), "secrets"),
      keys: mapOf(awsIdentifier("kms-key-arn"), "region names and key ARNs"),
    });
    const props = { secrets: [{ name: "ok" }, { name: "Not OK", extra: 1 }], keys: { "eu-west-1": "alias/x" } };
    expect(problems(Secrets, props)).toEqual([
      'secrets[1].name is "Not OK"; allowed: lower-case letters',
      "secrets[1].extra is not a setting; allowed: name",
      'keys["eu-west-1"] is "alias/x"; allowed: a KMS key ARN, arn:<partition>:kms:<region>:<account>:key/<key id> (not an alias ARN)',
    ]);
  });
});

describe("variantOf", () => {
  const Key = variantOf("kind", [
    settings({ kind: v.literal("managed") }),
    settings({ kind: v.literal("existing"), keyArn: awsIdentifier("kms-key-arn") }),
  ]);

  test("checks the settings of the option its key names", () => {
    expect(problems(Key, { kind: "existing" })).toEqual([
      "keyArn is missing; allowed: a KMS key ARN, arn:<partition>:kms:<region>:<account>:key/<key id> (not an alias ARN)",
    ]);
    expect(problems(Key, { kind: "managed", keyArn: "x" })).toEqual(["keyArn is not a setting; allowed: kind"]);
  });

  test("names the options when the key names none", () => {
    expect(problems(Key, { kind: "kms" })).toEqual(['kind is "kms"; allowed: "managed", "existing"']);
    expect(problems(Key, "managed")).toEqual([
      'is "managed"; allowed: an object of settings with kind "managed", "existing"',
    ]);
  });
});

describe("tokens: values other resources produce, known only at apply time", () => {
  test("pass identifier formats and the numbers that accept them", () => {
    const Wired = settings({ vpcId: awsIdentifier("vpc-id"), port: integer(1, 65535, { tokens: true }) });
    const vpcId = Lazy.stringValue({ produce: () => "${aws_vpc.x.id}" });
    const port = Token.asNumber(Lazy.anyValue({ produce: () => "${aws_db_instance.x.port}" }));
    expect(problems(Wired, { vpcId, port })).toEqual([]);
  });

  test("do not pass a field that must be literal", () => {
    const Literal = settings({ name: text(/^[a-z]+$/, "lower-case letters"), count: integer(1, 3) });
    const name = Lazy.stringValue({ produce: () => "${var.name}" });
    const count = Token.asNumber(Lazy.anyValue({ produce: () => "${var.count}" }));
    expect(problems(Literal, { name, count })).toEqual([
      `name is ${JSON.stringify(name)}; allowed: lower-case letters`,
      `count is ${JSON.stringify(count)}; allowed: an integer from 1 to 3`,
    ]);
  });

  test("a list token is refused where each item is named", () => {
    const Subnets = settings({ subnetIds: list(awsIdentifier("subnet-id"), "subnet IDs") });
    expect(problems(Subnets, { subnetIds: Token.asList("${var.subnets}") })).toEqual([
      "subnetIds is a list token; allowed: a list of subnet IDs, one item each (a value or a token)",
    ]);
  });
});

describe("adapt", () => {
  const Adapted = adapt(Storage, {
    pick: allBut(Storage, ["engine"]),
    add: { applicationPorts: v.optional(list(integer(1, 65535), "ports"), []) },
  });

  test("keeps the picked entries and their rules, and adds entries", () => {
    expect(problems(Adapted, { multiAz: true, allocatedStorageGb: 50, maxAllocatedStorageGb: 40 })).toEqual([
      "maxAllocatedStorageGb is 40; allowed: above 50",
    ]);
    expect(parseProps(Adapted, { multiAz: true })).toEqual({
      allocatedStorageGb: 20,
      multiAz: true,
      applicationPorts: [],
    });
  });

  test("refuses the dropped entries as settings it does not have", () => {
    expect(problems(Adapted, { multiAz: true, engine: "mysql" })).toEqual([
      "engine is not a setting; allowed: allocatedStorageGb, maxAllocatedStorageGb, multiAz, applicationPorts",
    ]);
  });

  test("drops the rules that read a dropped field", () => {
    const WithoutMaximum = adapt(Storage, { pick: ["allocatedStorageGb", "multiAz", "engine"] });
    expect(WithoutMaximum.rules).toEqual([]);
    expect(adapt(Storage, { pick: ["allocatedStorageGb", "maxAllocatedStorageGb"] }).rules).toEqual(Storage.rules);
  });
});
