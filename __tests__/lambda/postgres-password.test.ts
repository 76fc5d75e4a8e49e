/**
 * PostgreSQL password verifiers, checked against published values: the SCRAM-SHA-256
 * exchange of RFC 7677 section 3 and the well-known MD5 verifier of postgres/postgres.
 */
import { createHash, createHmac } from "node:crypto";
import { md5Verifier, passwordVerifier, scramSha256Verifier } from "../../lambda/engines/postgres-password";

const hmac = (key: Buffer, text: string) => createHmac("sha256", key).update(text).digest();

describe("SCRAM-SHA-256", () => {
  // RFC 7677 section 3: user "user", password "pencil".
  const salt = "W22ZaJ0SNY7soEsUEjb6gQ==";
  const nonce = "rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
  const authMessage = `n=user,r=rOprNGfwEbeRWgbNEkqO,r=${nonce},s=${salt},i=4096,c=biws,r=${nonce}`;
  const clientProof = "dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
  const serverSignature = "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

  test("the verifier of RFC 7677's example checks the client proof and gives the server signature", async () => {
    const verifier = await scramSha256Verifier("pencil", Buffer.from(salt, "base64"));
    const match = /^SCRAM-SHA-256\$4096:([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$/.exec(verifier);
    expect(match?.[1]).toBe(salt);
    const [storedKey, serverKey] = [match![2], match![3]].map((key) => Buffer.from(key, "base64"));

    expect(hmac(serverKey, authMessage).toString("base64")).toBe(serverSignature);
    // ClientKey = ClientProof XOR ClientSignature, and StoredKey = H(ClientKey).
    const clientSignature = hmac(storedKey, authMessage);
    const clientKey = Buffer.from(Buffer.from(clientProof, "base64").map((byte, i) => byte ^ clientSignature[i]));
    expect(createHash("sha256").update(clientKey).digest().equals(storedKey)).toBe(true);
  });

  test("a new random salt every time", async () => {
    const [a, b] = await Promise.all([scramSha256Verifier("pencil"), scramSha256Verifier("pencil")]);
    expect(a.split("$")[1]).toMatch(/^4096:[A-Za-z0-9+/]{22}==$/);
    expect(a.split("$")[1]).not.toBe(b.split("$")[1]);
  });

  test.each(["pässword-0123456789", "tab\there-0123456789", ""])("refuses %j (SASLprep would not be the identity)", async (password) => {
    await expect(scramSha256Verifier(password)).rejects.toThrow(
      new Error("a password for a SCRAM-SHA-256 verifier must consist of printable ASCII characters"),
    );
  });
});

test("MD5: md5 + hex MD5 of the password followed by the role name", () => {
  expect(md5Verifier("postgres", "postgres")).toBe("md53175bce1d3201d16594cebf9d7eb3f9d");
});

describe("passwordVerifier follows password_encryption", () => {
  test.each([
    ["scram-sha-256", /^SCRAM-SHA-256\$4096:/],
    ["md5", /^md53175bce1d3201d16594cebf9d7eb3f9d$/],
    ["on", /^md53175bce1d3201d16594cebf9d7eb3f9d$/],
  ])("%s", async (setting, expected) => {
    expect(await passwordVerifier("postgres", "postgres", setting)).toMatch(expected);
  });

  test("refuses any other setting", async () => {
    await expect(passwordVerifier("postgres", "postgres", "plain")).rejects.toThrow(
      'unsupported password_encryption "plain": expected scram-sha-256 or md5',
    );
  });
});
