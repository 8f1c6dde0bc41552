import {
  Body,
  Controller,
  Get,
  Headers,
  Inject,
  Param,
  Patch,
  Post,
  Query,
  Req,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { AuditTrail } from '@passerelle/audit';
import { ClientCertificateGuard } from '@passerelle/platform';
import type { Response } from 'express';
import { capabilityStatement } from './capability-statement';
import { FhirExceptionFilter, auditThenSend } from './fhir-exception.filter';
import { ManagementService } from './management.service';
import { MHD_OPTIONS, MhdOptions } from './mhd-options';
import { MhdService } from './mhd.service';
import { FhirRequest, RequestScope, Scope } from './request-scope';
import type { QueryParameters } from './search-parameters';

/** The FHIR door: thin handlers; every answer is audited before it is sent. */
@Controller('fhir')
@UseGuards(ClientCertificateGuard)
@UseFilters(FhirExceptionFilter)
export class FhirController {
  constructor(
    private readonly mhd: MhdService,
    private readonly management: ManagementService,
    private readonly auditTrail: AuditTrail,
    @Inject(MHD_OPTIONS) private readonly options: MhdOptions,
  ) {}

  @Get('metadata')
  async metadata(
    @Scope() scope: RequestScope,
    @Req() request: FhirRequest,
    @Res() response: Response,
  ) {
    scope.audit.begin('capabilities', 'metadata.read');
    await this.reply(request, response, 200, capabilityStatement(this.baseUrl(request), '0.1.0'));
  }

  @Post()
  async transaction(
    @Body() body: unknown,
    @Scope() scope: RequestScope,
    @Req() request: FhirRequest,
    @Res() response: Response,
  ) {
    await this.reply(
      request,
      response,
      200,
      await this.mhd.provideBundle(body, this.baseUrl(request), scope),
    );
  }

  @Get('DocumentReference')
  async findDocumentReferences(
    @Query() query: QueryParameters,
    @Scope() scope: RequestScope,
    @Req() request: FhirRequest,
    @Res() response: Response,
  ) {
    await this.reply(
      request,
      response,
      200,
      await this.mhd.findDocumentReferences(query, this.baseUrl(request), scope),
    );
  }

  @Get('DocumentReference/:id')
  async readDocumentReference(
    @Param('id') id: string,
    @Scope() scope: RequestScope,
    @Req() request: FhirRequest,
    @Res() response: Response,
  ) {
    await this.reply(
      request,
      response,
      200,
      await this.mhd.readDocumentReference(id, this.baseUrl(request), scope),
    );
  }

  @Patch('DocumentReference')
  async patchConditional(
    @Query('identifier') identifier: string | undefined,
    @Body() patch: unknown,
    @Scope() scope: RequestScope,
    @Req() request: FhirRequest,
    @Res() response: Response,
  ) {
    const updated = await this.mhd.patchDocumentReference(
      { identifier },
      patch,
      this.baseUrl(request),
      scope,
    );
    await this.reply(request, response, 200, updated);
  }

  @Patch('DocumentReference/:id')
  async patchById(
    @Param('id') id: string,
    @Body() patch: unknown,
    @Scope() scope: RequestScope,
    @Req() request: FhirRequest,
    @Res() response: Response,
  ) {
    await this.reply(
      request,
      response,
      200,
      await this.mhd.patchDocumentReference({ id }, patch, this.baseUrl(request), scope),
    );
  }

  @Get('List')
  async findLists(
    @Query() query: QueryParameters,
    @Scope() scope: RequestScope,
    @Req() request: FhirRequest,
    @Res() response: Response,
  ) {
    await this.reply(
      request,
      response,
      200,
      await this.mhd.findLists(query, this.baseUrl(request), scope),
    );
  }

  @Get('Binary/:id')
  async retrieve(
    @Param('id') id: string,
    @Scope() scope: RequestScope,
    @Req() request: FhirRequest,
    @Res() response: Response,
  ) {
    const content = await this.mhd.retrieveBinary(id, scope);
    response.type(content.mimeType);
    await auditThenSend(request, response, this.auditTrail, 200, content.bytes);
  }

  @Post('Patient')
  async openRecord(
    @Body() body: unknown,
    @Headers('if-none-exist') ifNoneExist: string | undefined,
    @Scope() scope: RequestScope,
    @Req() request: FhirRequest,
    @Res() response: Response,
  ) {
    const { patient, created } = await this.mhd.openRecord(body, ifNoneExist, scope);
    response.setHeader('Location', `Patient/${patient.id}`);
    await this.reply(request, response, created ? 201 : 200, patient);
  }

  @Get('Patient')
  async searchRecords(
    @Query() query: QueryParameters,
    @Scope() scope: RequestScope,
    @Req() request: FhirRequest,
    @Res() response: Response,
  ) {
    await this.reply(request, response, 200, await this.mhd.searchRecords(query, scope));
  }

  @Get('Patient/:id')
  async readRecord(
    @Param('id') id: string,
    @Scope() scope: RequestScope,
    @Req() request: FhirRequest,
    @Res() response: Response,
  ) {
    await this.reply(request, response, 200, await this.mhd.readRecord(id, scope));
  }

  @Post('Patient/:id/:operation')
  async manage(
    @Param('id') id: string,
    @Param('operation') operation: string,
    @Body() body: unknown,
    @Scope() scope: RequestScope,
    @Req() request: FhirRequest,
    @Res() response: Response,
  ) {
    await this.reply(request, response, 200, await this.management.run(id, operation, body, scope));
  }

  @Get('AuditEvent')
  async findAuditEvents(
    @Query() query: QueryParameters,
    @Scope() scope: RequestScope,
    @Req() request: FhirRequest,
    @Res() response: Response,
  ) {
    await this.reply(
      request,
      response,
      200,
      await this.management.auditEvents(query, this.baseUrl(request), scope),
    );
  }

  private reply(request: FhirRequest, response: Response, status: number, body: unknown) {
    return auditThenSend(request, response, this.auditTrail, status, body);
  }

  private baseUrl(request: FhirRequest): string {
    return this.options.publicBaseUrl ?? `https://${request.headers.host ?? 'localhost'}/fhir`;
  }
}
