import { Injectable } from '@nestjs/common';
import type { AuditLabel } from '@passerelle/audit';
import { ProvideAndRegisterDocumentSet } from '../iti-41-provide-and-register/provide-and-register-document-set';

/**
 * ITI-105 Simplified Publish: one DocumentReference with its document inline, the SubmissionSet
 * built by the door. The same use case as ITI-65 (and ITI-41) — access decision, validation,
 * value sets, idempotent resubmission, audit and notification — under its own name in the audit.
 */
@Injectable()
export class SimplifiedPublish extends ProvideAndRegisterDocumentSet {
  protected override readonly label: AuditLabel = {
    transaction: 'ITI-105',
    action: 'document.provide',
  };
  protected override readonly signatureRequired = false;
}
