import { All, Controller, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { FhirAuthenticationGuard } from '@passerelle/platform';
import type { Response } from 'express';
import { FhirDoor, FhirRequest } from './fhir-door';
import { FhirExceptionFilter } from './fhir-exception.filter';
import { answerFormatOf } from './fhir-format';
import { sendReply } from './fhir-reply';

/** `/fhir`: every request authenticated (certificate, or patient token), then run by the door from its table of transactions. */
@ApiExcludeController() // described by its CapabilityStatement (/fhir/metadata)
@Controller('fhir')
@UseGuards(FhirAuthenticationGuard)
@UseFilters(FhirExceptionFilter)
export class FhirController {
  constructor(private readonly door: FhirDoor) {}

  @All(['', '*path'])
  async handle(@Req() request: FhirRequest, @Res() response: Response): Promise<void> {
    const format = answerFormatOf(request);
    sendReply(response, await this.door.handle(request), format);
  }
}
