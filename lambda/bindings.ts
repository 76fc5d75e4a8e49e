import { readFileSync } from "node:fs";
import * as path from "node:path";
import {
  BindingError,
  DATABASE_BINDINGS_VARIABLE,
  SECRET_BINDINGS_FILE,
  checkBindings,
  parseDatabaseBindings,
  parseSecretBindings,
  type DatabaseBinding,
  type DatabaseBindings,
  type SecretBindingsFile,
} from "../shared/rotation-binding";
import type { Privilege, RotationStrategy } from "../shared/secret-contract";
import { RotationError } from "./errors";

/** Everything the function may do for one secret, from its binding: the deployer's configuration, never the secret. */
export interface SecretRotationBinding {
  /** The secret's name, as DescribeSecret returns it. */
  readonly secretName: string;
  readonly database: DatabaseBinding;
  /** The base user; alternating users also rotate `<username>_clone`. */
  readonly username: string;
  /** Exactly the privileges its user(s) hold on `database.dbname`. */
  readonly privileges: readonly Privilege[];
}

/** Both channels of the binding, checked together. */
export interface Bindings {
  readonly databases: DatabaseBindings;
  readonly secrets: SecretBindingsFile;
}

/**
 * Reads and checks both channels once (a cold start): the database bindings from the
 * environment variable ROTATION_DATABASES, the secret bindings from the file
 * secret-bindings.json next to the bundle (`directory`). Either may be injected instead.
 *
 * @throws RotationError naming the channel and the field
 */
export function loadBindings(
  injected: Partial<Bindings>,
  env: NodeJS.ProcessEnv,
  strategy: RotationStrategy,
  directory: string,
): Bindings {
  try {
    const databases = injected.databases ?? parseDatabaseBindings(env[DATABASE_BINDINGS_VARIABLE]);
    const secrets = injected.secrets ?? parseSecretBindings(readBindingsFile(path.join(directory, SECRET_BINDINGS_FILE)));
    if (secrets.strategy !== strategy) {
      throw new BindingError(`${SECRET_BINDINGS_FILE} is for the ${secrets.strategy} strategy, but ROTATION_STRATEGY is ${strategy}`);
    }
    checkBindings(secrets, databases);
    return { databases, secrets };
  } catch (error) {
    if (error instanceof BindingError) throw new RotationError(error.message);
    throw error;
  }
}

function readBindingsFile(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    throw new BindingError(`cannot read ${SECRET_BINDINGS_FILE} of the deployment package: ${code}`);
  }
}

/** The binding of the secret named `secretName`; a secret without one is refused. */
export function bindingOf(bindings: Bindings, secretName: string, secretId: string): SecretRotationBinding {
  const secret = Object.hasOwn(bindings.secrets.secrets, secretName) ? bindings.secrets.secrets[secretName] : undefined;
  if (secret === undefined) {
    throw new RotationError(
      `secret ${secretId}: this function has no binding for a secret named ${JSON.stringify(secretName)}; ` +
        `it rotates only the secrets of its ${SECRET_BINDINGS_FILE}`,
    );
  }
  return {
    secretName,
    database: bindings.databases[secret.database],
    username: secret.username,
    privileges: secret.privileges,
  };
}
