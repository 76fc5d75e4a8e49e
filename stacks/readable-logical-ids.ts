import { TerraformDataSource, TerraformResource, type TerraformElement, type TerraformStack } from "cdktf";
import type { Node } from "constructs";

/**
 * Readable Terraform addresses for a stack's resources and data sources, in place of
 * cdktf's `<Path_Parts>_<HASH>`: the construct path below the stack in snake_case, without
 * its last step when that step only repeats the resource type.
 *
 * | construct path | address |
 * | --- | --- |
 * | `Network/Vpc` | `aws_vpc.network` |
 * | `Network/PrivateSubnet0` | `aws_subnet.network_private_subnet_0` |
 * | `Database/Instance` | `aws_db_instance.database` |
 * | `DatabaseUserSecret0/Rotation` | `aws_secretsmanager_secret_rotation.database_user_secret_0` |
 * | `AwsContext/Region` | `data.aws_region.aws_context` |
 *
 * A name depends on the path only, so it is the same in every synth. Two elements whose
 * addresses would be equal fail synth (cdktf would silently merge them).
 */
export class ReadableLogicalIds {
  /** Address → construct path of the element it was given to. */
  private readonly allocated = new Map<string, string>();

  /** The element's name, or `undefined` for what is not a resource or data source (outputs, providers). */
  public allocate(stack: TerraformStack, element: TerraformElement | Node): string | undefined {
    const isData = TerraformDataSource.isTerraformDataSource(element);
    if (!isData && !TerraformResource.isTerraformResource(element)) return undefined;
    const type = element.terraformResourceType;
    const steps = element.node.scopes.slice(element.node.scopes.indexOf(stack) + 1).map((scope) => words(scope.node.id));
    const last = steps[steps.length - 1];
    if (steps.length > 1 && isTail(last, words(type).slice(1))) steps.pop();
    const name = steps.flat().join("_");
    const path = element.node.path;
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) {
      throw new Error(`${path}: the construct path gives "${name}", which is not a Terraform name`);
    }
    const address = `${isData ? "data." : ""}${type}.${name}`;
    const holder = this.allocated.get(address);
    if (holder !== undefined && holder !== path) {
      throw new Error(`${path} and ${holder} would both be ${address}: give one of them another construct id`);
    }
    this.allocated.set(address, path);
    return name;
  }
}

/** Lower-case words of an id: `PrivateSubnet0` → private, subnet, 0; `LogGroup-error` → log, group, error. */
function words(id: string): string[] {
  return id
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z])([A-Z][a-z])/g, "$1 $2")
    .replace(/([A-Za-z])([0-9])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== "");
}

/** Whether `step` equals the last words of `typeWords` (`instance` or `db instance` of `db instance`). */
function isTail(step: readonly string[], typeWords: readonly string[]): boolean {
  const tail = typeWords.slice(typeWords.length - step.length);
  return step.length > 0 && step.length <= typeWords.length && step.every((w, i) => w === tail[i]);
}
