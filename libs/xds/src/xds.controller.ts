import { All, Controller, Logger, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { XdsAnswer, XdsService } from './xds.service';

/** `/xds/registry` and `/xds/repository`: SOAP 1.2, read as streams (no body parser). */
@ApiExcludeController() // described by hand: the transaction is the SOAP action, not the path
@Controller('xds')
export class XdsController {
  constructor(private readonly xds: XdsService) {}

  @All('registry')
  async registry(@Req() request: Request, @Res() response: Response): Promise<void> {
    await send(response, await this.xds.handle('registry', request));
  }

  @All('repository')
  async repository(@Req() request: Request, @Res() response: Response): Promise<void> {
    await send(response, await this.xds.handle('repository', request));
  }
}

const logger = new Logger('XDS');

/**
 * Writes the answer; one in chunks goes out chunked, each chunk serialised when the socket has
 * taken the one before. The status is sent with the first chunk: a failure past it cannot turn
 * into a fault, so the connection is reset and the caller gets a truncated, unusable answer.
 */
async function send(response: Response, answer: XdsAnswer): Promise<void> {
  response.status(answer.status).set('Content-Type', answer.contentType);
  if (answer.status === 405) response.set('Allow', 'POST');
  if (typeof answer.body === 'string') {
    response.end(answer.body);
    return;
  }
  try {
    for (const chunk of answer.body) {
      if (response.destroyed) return;
      if (!response.write(chunk)) await drainedOrClosed(response);
    }
    response.end();
  } catch (error) {
    logger.error(`An answer failed after it started: ${(error as Error)?.stack ?? String(error)}`);
    response.destroy();
  }
}

/** Waits until the socket takes more, or the caller has gone. */
function drainedOrClosed(response: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}
