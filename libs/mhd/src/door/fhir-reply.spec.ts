import express from 'express';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { request } from 'node:http';
import type { FhirReply } from './fhir-transaction';
import { sendReply } from './fhir-reply';

/** Serves one reply over real HTTP, as the FHIR controller sends it; answers what a client got. */
async function served(reply: FhirReply) {
  const app = express();
  app.get('/', (_request, response) => sendReply(response, reply));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    return await new Promise<{ status?: number; type?: string; body: Buffer; complete: boolean }>(
      (resolve, reject) => {
        const { port } = server.address() as AddressInfo;
        request({ port, host: '127.0.0.1', path: '/' }, (response) => {
          const chunks: Buffer[] = [];
          const done = () =>
            resolve({
              status: response.statusCode,
              type: response.headers['content-type'],
              body: Buffer.concat(chunks),
              complete: response.complete,
            });
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', done);
          response.on('error', done);
          response.on('aborted', done);
        })
          .on('error', reject)
          .end();
      },
    );
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('sendReply', () => {
  it('streams a Readable body chunk by chunk, with its status and media type', async () => {
    const chunks = [Buffer.from('PK\u0003\u0004'), Buffer.alloc(100_000, 7), Buffer.from('end')];
    const answer = await served({
      status: 200,
      contentType: 'application/zip',
      body: Readable.from(chunks, { objectMode: false }),
    });
    expect(answer).toMatchObject({ status: 200, type: 'application/zip', complete: true });
    expect(answer.body.equals(Buffer.concat(chunks))).toBe(true);
  });

  it('cuts the answer short when its stream fails midway: the client never gets a complete body', async () => {
    async function* failing() {
      yield Buffer.from('first part');
      await Promise.resolve();
      throw new Error('content store unreachable');
    }
    const answer = await served({
      status: 200,
      contentType: 'application/zip',
      body: Readable.from(failing(), { objectMode: false }),
    });
    expect(answer.complete).toBe(false);
  });
});
