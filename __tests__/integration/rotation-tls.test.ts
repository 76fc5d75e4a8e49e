/**
 * TLS: the function connects with TLS only and verifies the server certificate (chain
 * and host name) against DB_CA_BUNDLE. A relay in front of the server (TlsProbe)
 * records whether each connection asked for TLS before anything else, so a fallback
 * to plaintext after a failed handshake would show.
 */
import type { DatabaseBinding } from "../../shared/rotation-binding";
import type { RotationStrategy } from "../../shared/secret-contract";
import { RotationStepError } from "../support/fake-secrets-manager";
import { RotationFixture, type SeededSecret } from "../support/rotation-fixture";
import { NAME_MISMATCH_CODE, UNTRUSTED_CERTIFICATE_CODE, withHostAlias } from "../support/tls-checks";
import { TlsProbe } from "../support/tls-probe";

let fx: RotationFixture;
beforeAll(async () => {
  fx = await RotationFixture.create();
});
afterAll(() => fx.close());

const probes: TlsProbe[] = [];
afterEach(async () => {
  await Promise.all(probes.splice(0).map((p) => p.close()));
});

describe.each(["mariadb", "postgres"] as const)("%s", (engine) => {
  /** A secret bound to a database whose host:port is a probe in front of the test server. */
  async function secretBehindProbe(
    probeHost = "127.0.0.1",
    database: Partial<DatabaseBinding> = {},
    override: Record<string, unknown> = {},
  ): Promise<{ secret: SeededSecret; probe: TlsProbe }> {
    const server = fx.server(engine);
    const probe = await TlsProbe.start(server.kind, server, probeHost);
    probes.push(probe);
    const secret = fx.seedDatabaseSecret({ engine, database: { host: probeHost, port: probe.port, ...database }, override });
    return { secret, probe };
  }

  /** Starts a rotation and runs it; returns the failure, checking that nothing changed. */
  async function failingRotation(secret: SeededSecret, strategy: RotationStrategy, caBundlePath?: string): Promise<RotationStepError> {
    const stages = fx.fake.stages(secret.arn);
    const users = await fx.databaseState(fx.server(engine), [secret.username, `${secret.username}_clone`]);
    const error = await fx.driver
      .rotate(secret.arn, fx.rotationFunction(strategy, caBundlePath ? { caBundlePath } : {}))
      .then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(RotationStepError);
    const { [Object.keys(fx.fake.stages(secret.arn)).find((id) => !(id in stages)) ?? "none"]: _pending, ...rest } = fx.fake.stages(secret.arn);
    expect(rest).toEqual(stages);
    expect(await fx.databaseState(fx.server(engine), [secret.username, `${secret.username}_clone`])).toEqual(users);
    return error as RotationStepError;
  }

  it("rotates over TLS only, verified against DB_CA_BUNDLE", async () => {
    const { secret, probe } = await secretBehindProbe();
    await fx.driver.rotate(secret.arn, fx.rotationFunction("alternating-users"));
    await fx.driver.rotate(secret.arn, fx.rotationFunction("alternating-users"));
    // Master logins in setSecret, pending-user logins in testSecret, for both rotations.
    expect(probe.connections.length).toBeGreaterThanOrEqual(4);
    expect(probe.connections.map((c) => c.tlsRequested)).toEqual(probe.connections.map(() => true));
  });

  it("fails clearly with a CA that did not sign the certificate, and never retries in plaintext", async () => {
    const { secret, probe } = await secretBehindProbe();
    const error = await failingRotation(secret, "single-user", fx.env.untrustedCaPath);
    expect(error.step).toBe("setSecret");
    expect(error.message).toContain(
      `connect to ${engine} at 127.0.0.1:${probe.port} as adminuser failed: ${UNTRUSTED_CERTIFICATE_CODE[fx.server(engine).kind]}`,
    );
    expect(probe.connections.length).toBeGreaterThanOrEqual(1);
    expect(probe.connections.every((c) => c.tlsRequested === true)).toBe(true);
  });

  it("fails when the certificate does not name the host name it connected to", async () => {
    // The secret names the probe by a host name, as RDS endpoints are; the certificate
    // names only 127.0.0.1 and localhost.
    const { secret, probe } = await secretBehindProbe("127.0.0.1", { host: "db.rotation.test" });
    const error = await withHostAlias("db.rotation.test", "127.0.0.1", () => failingRotation(secret, "single-user"));
    expect(error.step).toBe("setSecret");
    expect(error.message).toContain(
      `connect to ${engine} at db.rotation.test:${probe.port} as adminuser failed: ${NAME_MISMATCH_CODE[fx.server(engine).kind]}`,
    );
    expect(probe.connections.length).toBeGreaterThanOrEqual(1);
    expect(probe.connections.every((c) => c.tlsRequested === true)).toBe(true);
  });

  // Left to itself, mysql2 checks an IP-address host against "localhost" (it passes no
  // server name for an IP, and Node falls back to "localhost"): this test guards the fix.
  it("fails when the certificate does not name the IP address it connected to", async () => {
    // 127.0.0.2 reaches this machine too, but the certificate names only 127.0.0.1 and localhost.
    const { secret, probe } = await secretBehindProbe("127.0.0.2");
    const error = await failingRotation(secret, "single-user");
    expect(error.step).toBe("setSecret");
    expect(error.message).toContain(
      `connect to ${engine} at 127.0.0.2:${probe.port} as adminuser failed: ${NAME_MISMATCH_CODE[fx.server(engine).kind]}`,
    );
    expect(probe.connections.length).toBeGreaterThanOrEqual(1);
    expect(probe.connections.every((c) => c.tlsRequested === true)).toBe(true);
  });

  it("fails with a message naming DB_CA_BUNDLE when the bundle cannot be read", async () => {
    const { secret, probe } = await secretBehindProbe();
    const error = await failingRotation(secret, "single-user", "/nonexistent/ca-bundle.pem");
    expect(error.message).toMatch(/cannot read the CA bundle \/nonexistent\/ca-bundle\.pem \(DB_CA_BUNDLE\): ENOENT/);
    expect(probe.connections).toEqual([]);
  });

  it("connects in plaintext only when the binding says tls: false (which these servers refuse)", async () => {
    const { secret, probe } = await secretBehindProbe("127.0.0.1", { tls: false });
    const error = await failingRotation(secret, "single-user");
    expect(error.step).toBe("setSecret");
    expect(probe.connections.length).toBeGreaterThanOrEqual(1);
    expect(probe.connections.every((c) => c.tlsRequested === false)).toBe(true);
  });

  it.each([false, "false", "FALSE", "False"])('a secret saying "ssl": %j cannot turn TLS off: refused before any connection', async (ssl) => {
    const { secret, probe } = await secretBehindProbe("127.0.0.1", {}, { ssl });
    const error = await failingRotation(secret, "single-user");
    expect(error.step).toBe("createSecret");
    expect(error.message).toMatch(ssl === false ? /"ssl" disagrees with the function's binding .*\(TLS required\)/ : /"ssl" must be true or false/);
    expect(probe.connections).toEqual([]);
  });
});
