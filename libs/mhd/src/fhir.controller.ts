import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Req,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import type { Principal } from '@passerelle/domain';
import { ClientCertificateGuard, CurrentPrincipal } from '@passerelle/platform';
import type { Request, Response } from 'express';
import { capabilityStatement } from './capability-statement';
import { FHIR_JSON, FhirExceptionFilter } from './fhir-exception.filter';
import { MhdService } from './mhd.service';
import { MHD_OPTIONS, MhdOptions } from './mhd-options';
import { Inject } from '@nestjs/common';
import type { QueryParameters } from './search-parameters';

/** The FHIR door: thin handlers over MhdService, answers in application/fhir+json. */
@Controller('fhir')
@UseGuards(ClientCertificateGuard)
@UseFilters(FhirExceptionFilter)
export class FhirController {
  constructor(
    private readonly mhd: MhdService,
    @Inject(MHD_OPTIONS) private readonly options: MhdOptions,
  ) {}

  @Get('metadata')
  metadata(@Req() request: Request, @Res() response: Response): void {
    send(response, 200, capabilityStatement(this.baseUrl(request), '0.1.0'));
  }

  @Post()
  async transaction(@Body() body: unknown, @Req() request: Request, @Res() response: Response) {
    send(response, 200, await this.mhd.provideBundle(body, this.baseUrl(request)));
  }

  @Get('DocumentReference')
  async findDocumentReferences(
    @Query() query: QueryParameters,
    @Req() request: Request,
    @Res() response: Response,
  ) {
    send(response, 200, await this.mhd.findDocumentReferences(query, this.baseUrl(request)));
  }

  @Get('DocumentReference/:id')
  async readDocumentReference(
    @Param('id') id: string,
    @Req() request: Request,
    @Res() response: Response,
  ) {
    send(response, 200, await this.mhd.readDocumentReference(id, this.baseUrl(request)));
  }

  @Patch('DocumentReference')
  async patchConditional(
    @Query('identifier') identifier: string | undefined,
    @Body() patch: unknown,
    @Req() request: Request,
    @Res() response: Response,
  ) {
    send(
      response,
      200,
      await this.mhd.patchDocumentReference({ identifier }, patch, this.baseUrl(request)),
    );
  }

  @Patch('DocumentReference/:id')
  async patchById(
    @Param('id') id: string,
    @Body() patch: unknown,
    @Req() request: Request,
    @Res() response: Response,
  ) {
    send(
      response,
      200,
      await this.mhd.patchDocumentReference({ id }, patch, this.baseUrl(request)),
    );
  }

  @Get('List')
  async findLists(
    @Query() query: QueryParameters,
    @Req() request: Request,
    @Res() response: Response,
  ) {
    send(response, 200, await this.mhd.findLists(query, this.baseUrl(request)));
  }

  @Get('Binary/:id')
  async retrieve(@Param('id') id: string, @Res() response: Response) {
    const content = await this.mhd.retrieveBinary(id);
    response.status(200).type(content.mimeType).setHeader('Content-Length', content.size);
    response.end(content.bytes);
  }

  @Post('Patient')
  @HttpCode(201)
  async openRecord(
    @Body() body: unknown,
    @Headers('if-none-exist') ifNoneExist: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res() response: Response,
  ) {
    const { patient, created } = await this.mhd.openRecord(body, ifNoneExist, principal);
    response.setHeader('Location', `Patient/${patient.id}`);
    send(response, created ? 201 : 200, patient);
  }

  @Get('Patient')
  async searchRecords(@Query() query: QueryParameters, @Res() response: Response) {
    send(response, 200, await this.mhd.searchRecords(query));
  }

  @Get('Patient/:id')
  async readRecord(@Param('id') id: string, @Res() response: Response) {
    send(response, 200, await this.mhd.readRecord(id));
  }

  private baseUrl(request: Request): string {
    return this.options.publicBaseUrl ?? `https://${request.headers.host ?? 'localhost'}/fhir`;
  }
}

function send(response: Response, status: number, body: unknown): void {
  response.status(status).type(FHIR_JSON).send(JSON.stringify(body));
}
