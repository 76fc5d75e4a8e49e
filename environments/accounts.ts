import { text } from "../constructs/field-schemas";

/**
 * The AWS accounts an environment deploys to: the provider's `allowed_account_ids` and
 * the role it assumes (`assume_role`), and what they say about two environments sharing
 * an account.
 */

/** A 12-digit AWS account ID, as a string (an ID may start with 0). */
export function accountId() {
  return text(/^\d{12}$/, 'a 12-digit AWS account ID, as a string such as "111122223333"');
}

const ROLE_ARN = /^arn:aws(?:-[a-z]+)*:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

/** An IAM role ARN, with an optional path: `arn:aws:iam::111122223333:role/deployer`. */
export function roleArn() {
  return text(ROLE_ARN, "an IAM role ARN, arn:<partition>:iam::<12-digit account>:role/<name>");
}

/** The account that owns a role, from its ARN. */
export function accountOfRole(arn: string): string {
  return arn.split(":")[4];
}

/** What an environment states about the accounts it deploys to. */
export interface AccountSettings {
  readonly allowedAccountIds?: readonly string[];
  readonly assumeRoleArn?: string;
}

/**
 * The accounts an environment can be applied to, or `undefined` for any account the
 * credentials reach. Through a role, Terraform acts in the role's account (validation
 * has put it among the allowed ones, when both are given).
 */
export function deploymentAccounts({ allowedAccountIds, assumeRoleArn }: AccountSettings): readonly string[] | undefined {
  return assumeRoleArn !== undefined ? [accountOfRole(assumeRoleArn)] : allowedAccountIds;
}

/** Whether two environments may be applied to one account: only accounts pinned apart keep them apart. */
export function mayShareAccount(a: AccountSettings, b: AccountSettings): boolean {
  const accountsOfA = deploymentAccounts(a);
  const accountsOfB = deploymentAccounts(b);
  return accountsOfA === undefined || accountsOfB === undefined || accountsOfA.some((id) => accountsOfB.includes(id));
}
