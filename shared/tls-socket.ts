/**
 * Host verification of TLS to a server named by its IP address, for mysql2: shared by
 * the rotation function and the application library, which both connect to databases
 * that tests (and some deployments) address by IP.
 */
import { connect as connectTcp, type Socket } from "node:net";

/** What mysql2 passes to a `stream` factory. */
export interface MysqlStreamFactoryOptions {
  readonly config: {
    readonly host?: string;
    readonly port?: number;
    readonly enableKeepAlive?: boolean;
    readonly keepAliveInitialDelay?: number;
  };
}

/**
 * mysql2's `stream` factory for an IP address host: the TCP connection mysql2 would open,
 * with the address recorded as the socket's host. mysql2 gives TLS no server name for an
 * IP (SNI carries only DNS names), and Node then checks the certificate against the
 * socket's recorded host, which `net` records only for names it looked up: for an IP it
 * would check "localhost" instead of the address.
 */
export function socketToIp({ config }: MysqlStreamFactoryOptions): Socket {
  const socket = connectTcp(config.port ?? 3306, config.host);
  socket.setNoDelay(true);
  if (config.enableKeepAlive) {
    socket.once("connect", () => socket.setKeepAlive(true, config.keepAliveInitialDelay));
  }
  return Object.assign(socket, { _host: config.host });
}
