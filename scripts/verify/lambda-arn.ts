/** The function's name in a Lambda ARN, `arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>]`. */
export function functionNameOf(arn: string | undefined): string | undefined {
  return arn?.split(":")[6];
}
