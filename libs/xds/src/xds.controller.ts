import { All, Controller, Req, Res } from '@nestjs/common';
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
    send(response, await this.xds.handle('registry', request));
  }

  @All('repository')
  async repository(@Req() request: Request, @Res() response: Response): Promise<void> {
    send(response, await this.xds.handle('repository', request));
  }
}

function send(response: Response, answer: XdsAnswer): void {
  response.status(answer.status).set('Content-Type', answer.contentType);
  if (answer.status === 405) response.set('Allow', 'POST');
  if (typeof answer.body === 'string') {
    response.end(answer.body);
    return;
  }
  for (const chunk of answer.body) response.write(chunk);
  response.end();
}
