import type { TerraformProvider } from "cdktf";

/**
 * The version constraint for a provider, from the release its bindings were generated
 * from: 6.25.0 gives `~> 6.25`, that release or any later 6.x. The bindings only write
 * arguments that release knows, and the provider's later releases of the same major
 * version accept them (it follows semantic versioning), so fixes arrive without a code
 * change; a new major version, which may remove arguments, does not. `terraform init`
 * records the release it picks in `.terraform.lock.hcl`, which pins it until `-upgrade`.
 */
export function providerVersionConstraint(provider: TerraformProvider): string {
  const version = provider.terraformGeneratorMetadata?.providerVersion;
  const match = /^(\d+)\.(\d+)\.\d+$/.exec(version ?? "");
  if (!match) {
    throw new Error(`provider ${provider.terraformResourceType}: its bindings name no release version (${version})`);
  }
  return `~> ${match[1]}.${match[2]}`;
}
