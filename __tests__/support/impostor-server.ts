/**
 * A server on 127.0.0.1 that pretends to be a database in order to learn the password
 * of whoever logs in: what a secret writer would point `host`/`port` at.
 *
 * - PostgreSQL protocol: it declines TLS ("N" to an SSLRequest) and asks for the
 *   password in clear text (AuthenticationCleartextPassword).
 * - MySQL protocol: it offers no TLS and caching_sha2_password, asks for full
 *   authentication and, when the client asks for the server's RSA public key (which
 *   clients do on a plaintext connection), sends its own, then decrypts the password.
 *
 * Every password it learns is in `captured`; `connections` counts every client.
 */
import { constants, generateKeyPairSync, privateDecrypt, randomBytes } from "node:crypto";
import { createServer, type Server, type Socket } from "node:net";
import type { ServerKind } from "./db-servers";

const PG_SSL_REQUEST = 80877103;
const MYSQL_CAPABILITIES = 0x1 | 0x8 | 0x200 | 0x8000 | 0x80000 | 0x200000; // no CLIENT_SSL (0x800)
const MYSQL_PLUGIN = "caching_sha2_password";

export class ImpostorServer {
  readonly captured: string[] = [];
  connections = 0;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(kind: ServerKind): Promise<ImpostorServer> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
    const impostor = new ImpostorServer(server, (server.address() as { port: number }).port);
    server.on("connection", (socket: Socket) => {
      impostor.connections++;
      impostor.sockets.add(socket);
      socket.on("close", () => impostor.sockets.delete(socket));
      socket.on("error", () => socket.destroy());
      if (kind === "postgres") impostor.actAsPostgres(socket);
      else impostor.actAsMysql(socket);
    });
    return impostor;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private actAsPostgres(socket: Socket): void {
    let buffer = Buffer.alloc(0);
    let startedUp = false;
    socket.on("data", (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (!startedUp) {
        if (buffer.length < 8 || buffer.length < buffer.readInt32BE(0)) return;
        const length = buffer.readInt32BE(0);
        const code = buffer.readInt32BE(4);
        buffer = buffer.subarray(length);
        if (code === PG_SSL_REQUEST) {
          socket.write("N");
          return;
        }
        startedUp = true;
        const ask = Buffer.alloc(9);
        ask.write("R", 0);
        ask.writeInt32BE(8, 1);
        ask.writeInt32BE(3, 5); // AuthenticationCleartextPassword
        socket.write(ask);
        return;
      }
      if (buffer.length < 5 || buffer.length < 1 + buffer.readInt32BE(1)) return;
      if (buffer[0] === "p".charCodeAt(0)) {
        this.captured.push(buffer.subarray(5, 1 + buffer.readInt32BE(1) - 1).toString("utf8"));
      }
      socket.destroy();
    });
  }

  private actAsMysql(socket: Socket): void {
    const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const scramble = randomBytes(20).map((byte) => (byte % 94) + 33); // printable, no NUL
    const send = (sequence: number, payload: Buffer) => {
      const header = Buffer.alloc(4);
      header.writeUIntLE(payload.length, 0, 3);
      header[3] = sequence;
      socket.write(Buffer.concat([header, payload]));
    };
    const capabilities = Buffer.alloc(4);
    capabilities.writeUInt32LE(MYSQL_CAPABILITIES);
    const handshake = Buffer.concat([
      Buffer.from([10]),
      Buffer.from("8.0.36\0"),
      Buffer.from([1, 0, 0, 0]),
      scramble.subarray(0, 8),
      Buffer.from([0]),
      capabilities.subarray(0, 2),
      Buffer.from([0xff, 2, 0]),
      capabilities.subarray(2, 4),
      Buffer.from([21]),
      Buffer.alloc(10),
      scramble.subarray(8),
      Buffer.from([0]),
      Buffer.from(`${MYSQL_PLUGIN}\0`),
    ]);
    send(0, handshake);
    let buffer = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 4 && buffer.length >= 4 + buffer.readUIntLE(0, 3)) {
        const length = buffer.readUIntLE(0, 3);
        const sequence = buffer[3];
        const payload = buffer.subarray(4, 4 + length);
        buffer = buffer.subarray(4 + length);
        if (sequence === 1) {
          send(2, Buffer.from([1, 4])); // AuthMoreData: perform full authentication
        } else if (payload.length === 1 && payload[0] === 2) {
          send(sequence + 1, Buffer.concat([Buffer.from([1]), Buffer.from(publicKey.export({ type: "spki", format: "pem" }))]));
        } else {
          const xored = privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING }, payload);
          const password = Buffer.from(xored.map((byte, i) => byte ^ scramble[i % scramble.length]));
          this.captured.push(password.subarray(0, password.indexOf(0)).toString("utf8"));
          socket.destroy();
        }
      }
    });
  }
}

