import { Module } from '@nestjs/common';
import { ReadAccessHistory } from './access-history/read-access-history';
import { DeclareAuthorisation } from './authorisations/declare-authorisation';
import { RevokeAuthorisation } from './authorisations/revoke-authorisation';
import { SetBlock } from './blocks/set-block';
import { ReadConsents } from './consents/read-consents';
import { SearchDirectory, SearchStructures } from './directory-search/search-directory';
import { SetEmergencyConsents } from './emergency-consents/set-emergency-consents';
import { DeclareMedecinTraitant } from './medecin-traitant/declare-medecin-traitant';
import { RemoveMedecinTraitant } from './medecin-traitant/remove-medecin-traitant';
import { SetContactDetails } from './notification-preferences/set-contact-details';
import { SetNotificationPreferences } from './notification-preferences/set-notification-preferences';
import { OpenRecord } from './open-record/open-record';
import { OpposeRecord } from './oppose/oppose-record';
import { CLOCK, SYSTEM_CLOCK } from './ports';
import { CloseRecord, ReopenRecord } from './record-lifecycle/close-record';
import { RequestDeletion } from './request-deletion/request-deletion';
import { FindRecord, ReadRecord } from './record-status/record-status';

const USE_CASES = [
  OpenRecord,
  FindRecord,
  ReadRecord,
  DeclareAuthorisation,
  RevokeAuthorisation,
  DeclareMedecinTraitant,
  RemoveMedecinTraitant,
  SetBlock,
  SetEmergencyConsents,
  CloseRecord,
  ReopenRecord,
  RequestDeletion,
  OpposeRecord,
  ReadAccessHistory,
  SetNotificationPreferences,
  SetContactDetails,
  ReadConsents,
  SearchDirectory,
  SearchStructures,
];

/** Record management use cases; the storage ports are provided by the persistence module. */
@Module({
  providers: [...USE_CASES, { provide: CLOCK, useValue: SYSTEM_CLOCK }],
  exports: USE_CASES,
})
export class RecordManagementModule {}
