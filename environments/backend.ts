import * as v from "valibot";
import { anyString, flag, variantOf } from "../constructs/field-schemas";
import { settings } from "../constructs/settings-schema";

/** Where Terraform keeps an environment's state. */
export const BackendSchema = variantOf("kind", [
  settings({
    /** State in a file next to the project, `terraform.<env>.tfstate` (a relative path). */
    kind: v.literal("local"),
    /**
     * Local state in the `production` tier, which otherwise requires Terraform Cloud: a
     * file on one machine, with no lock shared between the people who apply, no history
     * and no access control of its own.
     * @default false
     */
    acceptLocalStateInProduction: v.optional(flag(), false),
  }),
  settings({
    /**
     * Terraform Cloud / HCP Terraform, one named workspace per environment.
     * `organization` and `workspace` fall back to the environment variables
     * `TFC_ORGANIZATION` and `TFC_WORKSPACE_<ENV>` (e.g. `TFC_WORKSPACE_PROD`).
     */
    kind: v.literal("cloud"),
    /** @default the environment variable `TFC_ORGANIZATION` */
    organization: v.optional(anyString("a Terraform Cloud organization name")),
    /** @default the environment variable `TFC_WORKSPACE_<ENV>`, e.g. `TFC_WORKSPACE_PROD` */
    workspace: v.optional(anyString("a Terraform Cloud workspace name")),
    /** @default "app.terraform.io" */
    hostname: v.optional(anyString("a host name such as app.terraform.io")),
  }),
]);

type CloudBackend = Extract<v.InferOutput<typeof BackendSchema>, { kind: "cloud" }>;

/**
 * The Terraform Cloud workspace of an environment: the backend's own settings, or the
 * environment variables; `undefined` where neither gives one.
 */
export function cloudWorkspace(
  environmentName: string,
  backend: CloudBackend,
  vars: NodeJS.ProcessEnv = process.env,
): { organization?: string; workspace?: string; hostname?: string; workspaceVariable: string } {
  const workspaceVariable = `TFC_WORKSPACE_${environmentName.toUpperCase().replace(/-/g, "_")}`;
  return {
    organization: backend.organization ?? vars.TFC_ORGANIZATION,
    workspace: backend.workspace ?? vars[workspaceVariable],
    hostname: backend.hostname,
    workspaceVariable,
  };
}
