import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
  type SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { RotationError, describeError } from "./errors";
import type { Redactor } from "./log";
import { parseDatabaseSecret, parseMasterSecret, type Credentials, type StoredDatabaseSecret } from "./secret-value";

export const AWSCURRENT = "AWSCURRENT";
export const AWSPENDING = "AWSPENDING";
export const AWSPREVIOUS = "AWSPREVIOUS";

/** What DescribeSecret says about the secret. */
export interface SecretMetadata {
  /** The secret's name: the key of its binding. */
  readonly name: string;
  readonly rotationEnabled: boolean;
  /** Staging labels of each version id. */
  readonly versionStages: Readonly<Record<string, readonly string[]>>;
}

/**
 * The Secrets Manager calls of one invocation, on one secret. Every password it reads
 * or generates is registered with the redactor; SDK failures become RotationErrors
 * naming the call.
 */
export class SecretStore {
  constructor(
    private readonly client: SecretsManagerClient,
    readonly secretId: string,
    private readonly redactor: Redactor,
  ) {}

  async describe(): Promise<SecretMetadata> {
    const output = await this.call("DescribeSecret", () =>
      this.client.send(new DescribeSecretCommand({ SecretId: this.secretId })),
    );
    if (output.Name === undefined || output.Name === "") throw new RotationError(`DescribeSecret of ${this.secretId} returned no Name`);
    return {
      name: output.Name,
      rotationEnabled: output.RotationEnabled === true,
      versionStages: output.VersionIdsToStages ?? {},
    };
  }

  /** Reads and validates the version with `stage` (and `versionId`, when given). */
  async getDatabaseSecret(stage: string, versionId?: string): Promise<StoredDatabaseSecret> {
    const source = `secret ${this.secretId} version ${stage}`;
    const output = await this.call(`GetSecretValue of ${source}`, () =>
      this.client.send(new GetSecretValueCommand({ SecretId: this.secretId, VersionStage: stage, VersionId: versionId })),
    );
    const secret = parseDatabaseSecret(output.SecretString, source);
    if (secret.value.password !== undefined) this.redactor.add(secret.value.password);
    return secret;
  }

  /**
   * The AWSPENDING version `token` if a value was stored in it, else undefined (the
   * service answers ResourceNotFoundException for a version that has no value yet).
   */
  async getStoredPendingSecret(token: string): Promise<StoredDatabaseSecret | undefined> {
    try {
      return await this.getDatabaseSecret(AWSPENDING, token);
    } catch (error) {
      if (error instanceof RotationError && error.cause instanceof Error && error.cause.name === "ResourceNotFoundException") {
        return undefined;
      }
      throw error;
    }
  }

  /** Reads the master user's credentials from the secret `masterArn`. */
  async getMasterCredentials(masterArn: string): Promise<Credentials> {
    const source = `master secret ${masterArn}`;
    const output = await this.call(`GetSecretValue of ${source}`, () =>
      this.client.send(new GetSecretValueCommand({ SecretId: masterArn })),
    );
    const credentials = parseMasterSecret(output.SecretString, source);
    this.redactor.add(credentials.password);
    return credentials;
  }

  /**
   * Stores `value` as the version `token` with label AWSPENDING. Call it only after
   * getStoredPendingSecret found no value: Secrets Manager documents that a version's
   * value cannot change (ResourceExistsException), but a service that let a put
   * overwrite it must not be able to replace a password that setSecret may already
   * have given the database.
   *
   * @returns whether this call stored the value (false: another invocation stored one since the read)
   */
  async putPendingVersion(token: string, value: Readonly<Record<string, unknown>>, rotationToken?: string): Promise<boolean> {
    if (typeof value.password === "string") this.redactor.add(value.password);
    try {
      await this.client.send(
        new PutSecretValueCommand({
          SecretId: this.secretId,
          ClientRequestToken: token,
          SecretString: JSON.stringify(value),
          VersionStages: [AWSPENDING],
          RotationToken: rotationToken,
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof Error && error.name === "ResourceExistsException") return false;
      throw this.failure("PutSecretValue", error);
    }
  }

  /** Moves AWSCURRENT to version `token` (Secrets Manager then labels the old one AWSPREVIOUS). */
  async makeCurrent(token: string, currentVersionId: string | undefined): Promise<void> {
    await this.call("UpdateSecretVersionStage", () =>
      this.client.send(
        new UpdateSecretVersionStageCommand({
          SecretId: this.secretId,
          VersionStage: AWSCURRENT,
          MoveToVersionId: token,
          RemoveFromVersionId: currentVersionId,
        }),
      ),
    );
  }

  private async call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw this.failure(operation, error);
    }
  }

  private failure(operation: string, error: unknown): RotationError {
    return new RotationError(`${operation} failed: ${describeError(error)}`, { cause: error });
  }
}
