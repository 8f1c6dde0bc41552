import { Hl7Connection, Hl7MessageEvent } from '@medplum/hl7';
import type { Hl7Message } from '@medplum/core';
import type { AddressInfo } from 'node:net';
import { type TlsOptions, type TLSSocket, createServer } from 'node:tls';

/** What answers each message of a connection (the door). */
export type MessageAnswerer = (message: Hl7Message, socket: TLSSocket) => Promise<Hl7Message>;

export interface MllpListener {
  readonly port: number;
  /** New handshakes use these options (e.g. reloaded CRLs); open connections are unaffected. */
  setSecureContext(options: TlsOptions): void;
  close(): Promise<void>;
}

const FRAME_END = [0x1c, 0x0d];

/**
 * MLLP (0x0B … 0x1C 0x0D, framed and parsed by @medplum/hl7's Hl7Connection) over TLS. Unlike
 * the HTTPS doors, which accept any certificate at the handshake to answer the refusal in their
 * protocol, MLLP has no answer before a message: a client without a certificate that verifies
 * against the trust anchors and CRLs is refused at the handshake. Messages of one connection are
 * answered in order; a frame larger than `maxMessageBytes` closes the connection.
 */
export function listenMllp(
  answer: MessageAnswerer,
  tls: TlsOptions,
  where: { port: number; host: string; maxMessageBytes: number },
): Promise<MllpListener> {
  const open = new Set<TLSSocket>();
  const server = createServer({ ...tls, requestCert: true, rejectUnauthorized: true }, (socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    serve(socket, answer, where.maxMessageBytes);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(where.port, where.host, () => {
      server.off('error', reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        setSecureContext: (options) => server.setSecureContext(options),
        // Senders keep their connection open between messages: closing ends them.
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            open.forEach((socket) => socket.destroy());
          }),
      });
    });
  });
}

function serve(socket: TLSSocket, answer: MessageAnswerer, maxMessageBytes: number): void {
  let pendingBytes = 0;
  socket.on('data', (chunk: Buffer) => {
    const framed = chunk.at(-2) === FRAME_END[0] && chunk.at(-1) === FRAME_END[1];
    pendingBytes = framed ? 0 : pendingBytes + chunk.length;
    if (pendingBytes > maxMessageBytes) socket.destroy();
  });
  const connection = new Hl7Connection(socket);
  let answered = Promise.resolve();
  connection.addEventListener('message', (event: Hl7MessageEvent) => {
    answered = answered
      .then(() => answer(event.message, socket))
      .then((ack) => connection.send(ack))
      .catch(() => void socket.destroy());
  });
  connection.addEventListener('error', () => socket.destroy());
}
