import { Injectable } from '@nestjs/common';
import type { AuditLabel } from '@passerelle/audit';
import { ProvideAndRegisterDocumentSet } from '../iti-41-provide-and-register/provide-and-register-document-set';

/**
 * ITI-65 Provide Document Bundle: ITI-41 for FHIR clients (the MHD Document Recipient is
 * grouped with an XDS Document Source), the same use case under its own name in the audit. A
 * signature document is verified when the bundle carries one; none is ever required of MHD.
 */
@Injectable()
export class ProvideDocumentBundle extends ProvideAndRegisterDocumentSet {
  protected override readonly label: AuditLabel = {
    transaction: 'ITI-65',
    action: 'document.provide',
  };
  protected override readonly signatureRequired = false;
}
