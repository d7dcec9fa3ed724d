import net from 'node:net';
import { OutboundRefusedError, guardedLookup, hostRefusal, type Resolver } from './outboundUrl.ts';

interface SocketOptions {
  host?: string;
  port?: number | string;
  secure?: boolean;
  connectionTimeout?: number;
}
type SocketCallback = (err: Error | null, socketOptions?: { connection: net.Socket }) => void;

/**
 * nodemailer's `getSocket` hook: the TCP connection to the SMTP host is opened here, through the
 * outbound guard (outboundUrl.ts), and handed to nodemailer already connected; nodemailer then
 * speaks SMTP over it and does the TLS handshake itself (smtps:// or STARTTLS), with the host name
 * for SNI and certificate checks. nodemailer's own resolver would otherwise connect to whatever
 * address the name resolves to at send time.
 */
export function guardedSmtpSocket(resolve?: Resolver) {
  const lookup = guardedLookup(resolve);
  return (options: SocketOptions, callback: SocketCallback): void => {
    const host = options.host || 'localhost';
    const port = Number(options.port) || (options.secure ? 465 : 587);
    const refused = hostRefusal(host);
    if (refused) return void process.nextTick(callback, new OutboundRefusedError(host, refused));
    const socket = net.connect({ host, port, lookup, timeout: options.connectionTimeout ?? 120_000 });
    const fail = (err: Error) => {
      socket.destroy();
      callback(err);
    };
    socket.once('error', fail);
    socket.once('timeout', () => fail(Object.assign(new Error('SMTP connection timed out'), { code: 'ETIMEDOUT' })));
    socket.once('connect', () => {
      socket.removeListener('error', fail);
      socket.setTimeout(0);
      callback(null, { connection: socket });
    });
  };
}
