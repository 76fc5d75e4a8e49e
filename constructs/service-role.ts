import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import type { Construct } from "constructs";
import { AwsContext } from "./aws-context";
import { policyDocument, type PolicyConditions } from "./policy-document";

/** Props of {@link serviceRole}. */
export interface ServiceRoleProps {
  /** Name of the role. */
  readonly name: string;
  /** Description of the role. */
  readonly description: string;
  /** The service principal that assumes the role, e.g. `lambda.amazonaws.com`. */
  readonly servicePrincipal: string;
  /** Sid of the trust statement: letters and digits. */
  readonly trustSid: string;
  /**
   * Pattern of the ARNs of the service's resources that may assume the role (`aws:SourceArn`).
   * @default any resource of the service in this account
   */
  readonly sourceArnLike?: string;
}

/**
 * An IAM role that only the given service, acting for this account (`aws:SourceAccount`),
 * can assume: the confused-deputy guard every service role here needs. The role is created
 * directly in `scope` under `id`, so callers keep their resource addresses.
 */
export function serviceRole(scope: Construct, id: string, props: ServiceRoleProps): IamRole {
  const context = AwsContext.of(scope);
  const condition: PolicyConditions = {
    StringEquals: { "aws:SourceAccount": context.accountId },
    ...(props.sourceArnLike !== undefined ? { ArnLike: { "aws:SourceArn": props.sourceArnLike } } : {}),
  };
  return new IamRole(scope, id, {
    name: props.name,
    description: props.description,
    assumeRolePolicy: policyDocument([
      {
        Sid: props.trustSid,
        Effect: "Allow",
        Principal: { Service: props.servicePrincipal },
        Action: "sts:AssumeRole",
        Condition: condition,
      },
    ]),
  });
}
