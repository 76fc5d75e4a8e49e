/**
 * A throw-away certificate authority for the test servers, made with the openssl CLI.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { runToCompletion } from "./managed-process";

export interface TestCertificates {
  /** CA certificate that signed the server certificate: the bundle clients trust. */
  readonly caPath: string;
  /**
   * Another CA certificate with the same subject name that did NOT sign the server
   * certificate: verifying against it must fail.
   */
  readonly untrustedCaPath: string;
  /** Server certificate, SAN `IP:127.0.0.1` and `DNS:localhost`. */
  readonly certPath: string;
  /** Server private key (mode 0600). */
  readonly keyPath: string;
}

const CA_SUBJECT = "/CN=Rotation integration test CA";
const EC_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

/** Writes a CA, a server certificate and an unrelated CA into `dir`. */
export async function createTestCertificates(dir: string): Promise<TestCertificates> {
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => runToCompletion({ command: "openssl", args, logPath: file("openssl.log") }, 20_000);
  const selfSignedCa = (name: string) =>
    openssl("req", "-x509", ...EC_KEY, "-keyout", file(`${name}.key`), "-out", file(`${name}.pem`), "-days", "2", "-subj", CA_SUBJECT);

  await writeFile(
    file("server-ext.cnf"),
    "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n",
  );
  await Promise.all([
    selfSignedCa("ca"),
    selfSignedCa("untrusted-ca"),
    openssl("req", ...EC_KEY, "-keyout", file("server.key"), "-out", file("server.csr"), "-subj", "/CN=localhost"),
  ]);
  await openssl(
    "x509", "-req", "-in", file("server.csr"), "-CA", file("ca.pem"), "-CAkey", file("ca.key"),
    "-set_serial", `0x${Date.now().toString(16)}`, "-days", "2", "-extfile", file("server-ext.cnf"), "-out", file("server.pem"),
  );
  return {
    caPath: file("ca.pem"),
    untrustedCaPath: file("untrusted-ca.pem"),
    certPath: file("server.pem"),
    keyPath: file("server.key"),
  };
}
