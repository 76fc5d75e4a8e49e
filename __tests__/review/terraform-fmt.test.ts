import { terraformFmt } from "../../review/terraform-fmt";
import { terraformBinary, terraformFmtCheck } from "../support/terraform-binary";

/** HCL as cdktf renders it before any formatting: no indentation, blocks in construct order. */
const RENDERED = `terraform {
required_providers {
  aws = {
version = "~> 6.25"
source = "aws"
}
}


}

provider "aws" {
region = "us-east-1"
}
resource "aws_subnet" "a" {
vpc_id = "\${aws_vpc.main.id}"
cidr_block = "10.0.0.0/24"
tags = {
Name = "\${aws_vpc.main.id}"
}
}
data "aws_region" "current" {
}
resource "aws_iam_role_policy" "p" {
name = "name-\${aws_vpc.main.id}"
role = "\${aws_iam_role.r.name}"
policy = <<EOF
{
  "Resource": "\${aws_vpc.main.arn}"
}
vpc_id = "\${aws_vpc.main.id}"
EOF
}
resource "aws_secretsmanager_secret_version" "v" {
secret_id = "\${aws_secretsmanager_secret.s.id}"
secret_string = "\${jsonencode({"host" = aws_db_instance.d.address, "port" = 3306})}"
version_stages = ["\${aws_vpc.main.id}"]
lifecycle {
ignore_changes = ["secret_string"]
}
}
resource "aws_vpc" "main" {
cidr_block = "\${var.a}\${var.b}"
description = "$\${literal}"
}

output "vpc" {
value = "\${aws_vpc.main.id}"
}
`;

let formatted: string;
beforeAll(async () => {
  formatted = await terraformFmt(RENDERED);
});

describe("terraformFmt", () => {
  test("writes an attribute whose whole value is one interpolation as the bare expression", () => {
    expect(formatted).toContain("  vpc_id     = aws_vpc.main.id\n");
    expect(formatted).toContain("  role   = aws_iam_role.r.name\n");
    expect(formatted).toContain('  secret_string  = jsonencode({ "host" = aws_db_instance.d.address, "port" = 3306 })\n');
    expect(formatted).toContain("  value = aws_vpc.main.id\n");
  });

  test("leaves strings with text or several interpolations, object items, list items and escaped `$${` as they are", () => {
    expect(formatted).toContain('  name   = "name-${aws_vpc.main.id}"\n');
    expect(formatted).toContain('  cidr_block  = "${var.a}${var.b}"\n');
    expect(formatted).toContain('  description = "$${literal}"\n');
    expect(formatted).toContain('    Name = "${aws_vpc.main.id}"\n');
    expect(formatted).toContain('  version_stages = ["${aws_vpc.main.id}"]\n');
  });

  test("leaves heredocs byte for byte", () => {
    expect(formatted).toContain('  policy = <<EOF\n{\n  "Resource": "${aws_vpc.main.arn}"\n}\nvpc_id = "${aws_vpc.main.id}"\nEOF\n');
  });

  test("groups the top-level blocks by kind, in cdktf's order within a kind, one blank line apart", () => {
    const headers = formatted.split("\n").filter((line) => /^[a-z]+( "[^"]*")* \{$/.test(line));
    expect(headers).toEqual([
      "terraform {",
      'provider "aws" {',
      'data "aws_region" "current" {',
      'resource "aws_subnet" "a" {',
      'resource "aws_iam_role_policy" "p" {',
      'resource "aws_secretsmanager_secret_version" "v" {',
      'resource "aws_vpc" "main" {',
      'output "vpc" {',
    ]);
    expect(formatted).toMatch(/^}\n\nresource "aws_iam_role_policy"/m);
    expect(formatted).not.toMatch(/\n\n\n/);
    expect(formatted).toMatch(/[^\n]\n$/);
  });

  test("drops the blank lines cdktf leaves inside a block", () => {
    expect(formatted.startsWith('terraform {\n  required_providers {\n    aws = {\n      version = "~> 6.25"\n      source  = "aws"\n    }\n  }\n}\n')).toBe(true);
  });

  (terraformBinary ? test : test.skip)("gives what `terraform fmt` leaves (where a terraform binary is installed)", () => {
    expect(() => terraformFmtCheck({ sample: formatted })).not.toThrow();
  });
});
