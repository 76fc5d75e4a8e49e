/**
 * A TCP relay in front of a test server that records, for every connection, whether the
 * client asked for TLS before sending anything else. Point a secret's host/port at it
 * to prove that a client never talks plaintext (no fallback after a failed handshake).
 *
 * It reads only the client's first packet: PostgreSQL clients open with an SSLRequest
 * (code 80877103) or a plaintext StartupMessage; MySQL clients answer the server
 * greeting with an SSLRequest or a HandshakeResponse, both starting with the capability
 * flags, of which CLIENT_SSL (0x800) says which one it is.
 */
import { connect, createServer, type Server, type Socket } from "node:net";
import type { ServerKind } from "./db-servers";

const PG_SSL_REQUEST = 80877103;
const MYSQL_CLIENT_SSL = 0x800;

/** One client connection through the probe. */
export interface ProbedConnection {
  /** Whether the client's first packet asked for TLS; undefined if it sent fewer than 8 bytes. */
  tlsRequested: boolean | undefined;
}

export class TlsProbe {
  /** In order of arrival. */
  readonly connections: ProbedConnection[] = [];
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    /** Where clients connect: `host` (as given to `start`) and this port. */
    readonly port: number,
  ) {}

  /**
   * Relays `host`:port (default 127.0.0.1; any 127.x address works on Linux, which lets a
   * test use an address the server certificate does not name) to the target server.
   */
  static async start(kind: ServerKind, target: { host: string; port: number }, host = "127.0.0.1"): Promise<TlsProbe> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, host, resolve));
    const probe = new TlsProbe(server, (server.address() as { port: number }).port);
    server.on("connection", (client: Socket) => probe.relay(kind, client, target));
    return probe;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private relay(kind: ServerKind, client: Socket, target: { host: string; port: number }): void {
    const record: ProbedConnection = { tlsRequested: undefined };
    this.connections.push(record);
    const upstream = connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
      // Either side closing or failing ends the relay.
      socket.on("error", () => client.destroy());
      socket.on("error", () => upstream.destroy());
    }
    let head = Buffer.alloc(0);
    const inspect = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      if (head.length < 8) return;
      client.off("data", inspect);
      record.tlsRequested =
        kind === "postgres" ? head.readInt32BE(4) === PG_SSL_REQUEST : (head.readUInt32LE(4) & MYSQL_CLIENT_SSL) !== 0;
    };
    client.on("data", inspect);
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
