import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { Aspects, AssetType, Lazy, TerraformAsset } from "cdktf";
import type { Construct } from "constructs";
import { SECRET_BINDINGS_FILE, type SecretBinding, serializeSecretBindings } from "../shared/rotation-binding";
import type { RotationStrategy } from "../shared/secret-contract";
import { deterministicZip, ZIP_CONVENTIONS } from "./deterministic-zip";
import { DEFAULT_PACKAGES_DIR, type RotationBundle } from "./rotation-bundle";
import { invalid, show } from "./validation";

/** Name of the package in the stack's assets. */
const PACKAGE_FILE = "rotation-function.zip";

/**
 * A rotation function's deployment package: the bundle's `index.js` and, next to it,
 * {@link SECRET_BINDINGS_FILE} with the binding of every secret the function rotates
 * (`serializeSecretBindings`, so the same bindings give the same bytes).
 *
 * The secrets are known only once every grant is made, so the package is built at
 * synthesis (by an aspect of the function, before cdktf copies assets into the stack's
 * directory), as a deterministic zip ({@link deterministicZip}) written to the bundle's
 * `packages/` directory under a name derived from its content, and reused from there
 * while the content is unchanged. It reaches the stack as a file asset referenced by a
 * path relative to the stack, so the Terraform plans from any checkout.
 */
export class RotationDeploymentPackage {
  /** Lambda's `filename`: the package's path relative to the stack directory. */
  public readonly filename: string;
  /** Lambda's `source_code_hash`: the base64 SHA-256 of the package. */
  public readonly sha256Base64: string;

  private readonly code: Buffer;
  private readonly packagesDir: string;
  private readonly secrets = new Map<string, SecretBinding>();
  private built: { asset: TerraformAsset; sha256Base64: string } | undefined;

  /**
   * @param scope the function: the asset is created in it, under `id`
   * @param bundle as the function's props schema checked it
   */
  constructor(
    private readonly scope: Construct,
    private readonly id: string,
    bundle: RotationBundle,
    private readonly strategy: RotationStrategy,
  ) {
    const codePath = path.resolve(bundle.codePath);
    try {
      this.code = readFileSync(codePath);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw invalid(
        "bundle.codePath",
        `is ${show(bundle.codePath)}, which cannot be read (${code}); allowed: the bundled index.js (npm run build:lambda)`,
      );
    }
    this.packagesDir = path.resolve(bundle.packagesDir ?? DEFAULT_PACKAGES_DIR);
    this.filename = Lazy.stringValue({ produce: () => this.build().asset.path });
    this.sha256Base64 = Lazy.stringValue({ produce: () => this.build().sha256Base64 });
    Aspects.of(scope).add({
      visit: (node) => {
        if (node === scope) this.build();
      },
    });
  }

  /** Binds one more secret, by name. */
  public addSecret(secretName: string, binding: SecretBinding): void {
    if (this.built !== undefined) {
      throw new Error(`the deployment package of ${this.scope.node.path} is already built: grant rotations before synthesis`);
    }
    if (this.secrets.has(secretName)) {
      throw invalid("secretName", `is ${show(secretName)}, already bound to this function; allowed: a secret not yet granted`);
    }
    this.secrets.set(secretName, binding);
  }

  private build(): { asset: TerraformAsset; sha256Base64: string } {
    if (this.built === undefined) {
      const bindings = serializeSecretBindings({
        version: 1,
        strategy: this.strategy,
        secrets: Object.fromEntries(this.secrets),
      });
      const zipPath = this.packageFile(bindings);
      this.built = {
        asset: new TerraformAsset(this.scope, this.id, { path: zipPath, type: AssetType.FILE }),
        sha256Base64: createHash("sha256").update(readFileSync(zipPath)).digest("base64"),
      };
    }
    return this.built;
  }

  /** The package's file, zipped only when no package of the same content exists yet. */
  private packageFile(bindings: string): string {
    const key = createHash("sha256")
      .update(ZIP_CONVENTIONS)
      .update("\0")
      .update(this.code)
      .update("\0")
      .update(bindings)
      .digest("hex");
    const file = path.join(this.packagesDir, key, PACKAGE_FILE);
    if (!existsSync(file)) {
      mkdirSync(path.dirname(file), { recursive: true });
      // Written aside and renamed: concurrent synths never read a partial package.
      const partial = `${file}.${randomBytes(6).toString("hex")}.partial`;
      writeFileSync(partial, deterministicZip({ "index.js": this.code, [SECRET_BINDINGS_FILE]: bindings }));
      renameSync(partial, file);
    }
    return file;
  }
}
