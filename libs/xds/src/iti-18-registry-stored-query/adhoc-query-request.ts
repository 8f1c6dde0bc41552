import {
  ASSOCIATION_TYPE_URN,
  AssociationType,
  AvailabilityStatus,
  CodeFilter,
  DomainError,
  PatientId,
  excerpt,
  TimeRange,
  XDS_STATUS_URN,
} from '@passerelle/domain';
import type { ObjectIds } from '@passerelle/domain';
import type { DocumentFilters, StoredQuery } from '@passerelle/registry';
import { parseDtm } from '../ebrim/hl7v2';
import { OBJECT_TYPE } from '../ebrim/vocabulary';
import { NS, XmlElement, attributeOf, childOf, childrenOf } from '../xml/xml-element';
import { SlotValue, parseSlotValue } from './slot-values';

/** Stored query ids of ITI TF-2a 3.18.4.1.2.3.7. */
export const STORED_QUERY_IDS = {
  'urn:uuid:14d4debf-8f97-4251-9a74-a90016b0af0d': 'FindDocuments',
  'urn:uuid:f26abbcb-ac74-4422-8a30-edb644bbc1a9': 'FindSubmissionSets',
  'urn:uuid:958f3006-baad-4929-a4de-b5cd65fd1d36': 'FindFolders',
  'urn:uuid:10b545ea-725c-446d-9b95-8aeb444eddf3': 'GetAll',
  'urn:uuid:5c4f972b-d56b-40ac-a5fc-c8ca9b40b9d4': 'GetDocuments',
  'urn:uuid:5737b14c-8a1a-4539-b659-e03a34a5e1e4': 'GetFolders',
  'urn:uuid:a7ae438b-4bc2-4642-93e9-be891f7bb155': 'GetAssociations',
  'urn:uuid:bab9529a-4a10-40b3-a01f-f68a615d247a': 'GetDocumentsAndAssociations',
  'urn:uuid:51224314-5390-4169-9b91-b1980040715a': 'GetSubmissionSets',
  'urn:uuid:e8e3cb2c-e39c-46b9-99e4-c12f57260b83': 'GetSubmissionSetAndContents',
  'urn:uuid:b909a503-523d-4517-8acf-8e5834dfc4c7': 'GetFolderAndContents',
  'urn:uuid:10cae35a-c7f9-4cf5-b61e-fc3278ffb578': 'GetFoldersForDocument',
  'urn:uuid:d90e5407-b356-4d91-a89f-873917b4b0e6': 'GetRelatedDocuments',
} as const satisfies Record<string, StoredQuery['name']>;

const STATUS_BY_URN = new Map(
  Object.entries(XDS_STATUS_URN).map(([status, urn]) => [urn, status as AvailabilityStatus]),
);
const ASSOCIATION_BY_URN = new Map(
  Object.entries(ASSOCIATION_TYPE_URN).map(([type, urn]) => [urn, type as AssociationType]),
);

/** query:AdhocQueryRequest → a typed stored query; parameter errors as IHE codes them. */
export function readAdhocQueryRequest(request: XmlElement): StoredQuery {
  const adhocQuery = childOf(request, NS.rim, 'AdhocQuery');
  if (!adhocQuery)
    throw new DomainError('MALFORMED_REQUEST', 'AdhocQueryRequest has no AdhocQuery');
  const id = attributeOf(adhocQuery, 'id') ?? '';
  const name = STORED_QUERY_IDS[id as keyof typeof STORED_QUERY_IDS];
  if (!name)
    throw new DomainError('UNKNOWN_STORED_QUERY', `Unknown stored query id ${excerpt(id)}`);
  const option = childOf(request, NS.query, 'ResponseOption');
  const returnType = attributeOf(option ?? adhocQuery, 'returnType') ?? 'ObjectRef';
  if (returnType !== 'LeafClass' && returnType !== 'ObjectRef') {
    throw new DomainError(
      'MALFORMED_REQUEST',
      `returnType ${excerpt(returnType)}: use LeafClass or ObjectRef`,
    );
  }
  const params = new QueryParameters(adhocQuery);
  return { returnType, ...readQuery(name, params) };
}

function readQuery(name: StoredQuery['name'], p: QueryParameters) {
  switch (name) {
    case 'FindDocuments': {
      // Missing parameters are reported before malformed values.
      const statuses = p.statuses('$XDSDocumentEntryStatus', true);
      return {
        name,
        patientKey: p.patient('$XDSDocumentEntryPatientId'),
        filter: {
          statuses,
          classCodes: p.codes('$XDSDocumentEntryClassCode'),
          typeCodes: p.codes('$XDSDocumentEntryTypeCode'),
          practiceSettingCodes: p.codes('$XDSDocumentEntryPracticeSettingCode'),
          healthcareFacilityTypeCodes: p.codes('$XDSDocumentEntryHealthcareFacilityTypeCode'),
          formatCodes: p.codes('$XDSDocumentEntryFormatCode'),
          eventCodes: p.codeGroups('$XDSDocumentEntryEventCodeList'),
          confidentialityCodes: p.codeGroups('$XDSDocumentEntryConfidentialityCode'),
          creationTime: p.range('$XDSDocumentEntryCreationTime'),
          serviceStartTime: p.range('$XDSDocumentEntryServiceStartTime'),
          serviceStopTime: p.range('$XDSDocumentEntryServiceStopTime'),
          authorPerson: p.strings('$XDSDocumentEntryAuthorPerson'),
          ...p.onlyStableEntries(),
        },
      };
    }
    case 'FindSubmissionSets':
      return {
        name,
        patientKey: p.patient('$XDSSubmissionSetPatientId'),
        sourceIds: p.strings('$XDSSubmissionSetSourceId'),
        submissionTime: p.range('$XDSSubmissionSetSubmissionTime'),
        authorPerson: p.strings('$XDSSubmissionSetAuthorPerson'),
        contentTypeCodes: p.codes('$XDSSubmissionSetContentType'),
        statuses: p.statuses('$XDSSubmissionSetStatus', true)!,
      };
    case 'FindFolders':
      return {
        name,
        patientKey: p.patient('$XDSFolderPatientId'),
        lastUpdateTime: p.range('$XDSFolderLastUpdateTime'),
        codes: p.codeGroups('$XDSFolderCodeList'),
        statuses: p.statuses('$XDSFolderStatus', true)!,
      };
    case 'GetAll':
      return {
        name,
        patientKey: p.patient('$patientId'),
        documents: {
          ...p.documentFilters(),
          statuses: p.statuses('$XDSDocumentEntryStatus', true),
        },
        submissionSetStatuses: p.statuses('$XDSSubmissionSetStatus', true)!,
        folderStatuses: p.statuses('$XDSFolderStatus', true)!,
      };
    case 'GetDocuments':
    case 'GetDocumentsAndAssociations':
    case 'GetFoldersForDocument':
      return {
        name,
        ids: p.ids(
          '$XDSDocumentEntryEntryUUID',
          '$XDSDocumentEntryUniqueId',
          '$XDSDocumentEntryLogicalID',
        ),
      };
    case 'GetFolders':
      return {
        name,
        ids: p.ids('$XDSFolderEntryUUID', '$XDSFolderUniqueId', '$XDSFolderLogicalID'),
      };
    case 'GetAssociations':
    case 'GetSubmissionSets':
      return { name, ids: { uuids: p.required('$uuid', p.strings('$uuid')) } };
    case 'GetSubmissionSetAndContents':
      return {
        name,
        ids: p.ids('$XDSSubmissionSetEntryUUID', '$XDSSubmissionSetUniqueId'),
        documents: p.documentFilters(),
      };
    case 'GetFolderAndContents':
      return {
        name,
        ids: p.ids('$XDSFolderEntryUUID', '$XDSFolderUniqueId'),
        documents: p.documentFilters(),
      };
    case 'GetRelatedDocuments':
      return {
        name,
        ids: p.ids('$XDSDocumentEntryEntryUUID', '$XDSDocumentEntryUniqueId'),
        associationTypes: p.associationTypes('$AssociationTypes'),
      };
  }
}

/** The slots of an AdhocQuery, read with ITI-18's value syntax and cardinalities. */
class QueryParameters {
  private readonly slots = new Map<string, SlotValue[][]>();

  constructor(adhocQuery: XmlElement) {
    for (const slot of childrenOf(adhocQuery, NS.rim, 'Slot')) {
      const name = attributeOf(slot, 'name') ?? '';
      const values = childrenOf(
        childOf(slot, NS.rim, 'ValueList') ?? slot,
        NS.rim,
        'Value',
      ).flatMap((value) => parseSlotValue(name, value.text));
      this.slots.set(name, [...(this.slots.get(name) ?? []), values]);
    }
  }

  /** Several values, ORed; repeated slots are merged (they are ORed too for these). */
  strings(name: string): string[] | undefined {
    const groups = this.slots.get(name);
    if (!groups) return undefined;
    return groups.flat().map((value) => quoted(name, value));
  }

  single(name: string): string | undefined {
    const values = this.strings(name);
    if (values && (values.length !== 1 || this.slots.get(name)!.length !== 1)) {
      throw new DomainError('STORED_QUERY_PARAM_NUMBER', `${name} takes a single value`);
    }
    return values?.[0];
  }

  required<T>(name: string, value: T | undefined): T {
    if (value === undefined) {
      throw new DomainError('STORED_QUERY_MISSING_PARAM', `The query requires ${name}`);
    }
    return value;
  }

  patient(name: string): string {
    const cx = this.required(name, this.single(name));
    try {
      return PatientId.fromCx(cx).key;
    } catch {
      throw new DomainError(
        'MALFORMED_REQUEST',
        `${name} ${excerpt(cx)} is not an INS patient id (NIR^^^&OID&ISO)`,
      );
    }
  }

  statuses(name: string, required: boolean): AvailabilityStatus[] | undefined {
    const values = required ? this.required(name, this.strings(name)) : this.strings(name);
    return values?.map((urn) => {
      const status = STATUS_BY_URN.get(urn);
      if (!status)
        throw new DomainError('MALFORMED_REQUEST', `${name}: unknown status ${excerpt(urn)}`);
      return status;
    });
  }

  codes(name: string): CodeFilter[] | undefined {
    return this.strings(name)?.map((value) => codeFilter(name, value));
  }

  /** AND of ORs: each slot of this name is one OR group (eventCodeList, confidentialityCode). */
  codeGroups(name: string): CodeFilter[][] | undefined {
    return this.slots
      .get(name)
      ?.map((group) => group.map((value) => codeFilter(name, quoted(name, value))));
  }

  /** `…From` inclusive, `…To` exclusive. */
  range(prefix: string): TimeRange | undefined {
    const from = this.time(`${prefix}From`);
    const to = this.time(`${prefix}To`);
    return from || to ? { from, to } : undefined;
  }

  private time(name: string): Date | undefined {
    const groups = this.slots.get(name);
    if (!groups) return undefined;
    const values = groups.flat();
    if (values.length !== 1)
      throw new DomainError('STORED_QUERY_PARAM_NUMBER', `${name} takes a single value`);
    const date = parseDtm(values[0].text);
    if (!date) {
      throw new DomainError(
        'MALFORMED_REQUEST',
        `${name} ${excerpt(values[0].text)} is not an HL7 DTM`,
      );
    }
    return date;
  }

  /** Exactly one of the ways to name the objects (entryUUID, uniqueId, logicalId). */
  ids(uuidName: string, uniqueIdName: string, logicalIdName?: string): ObjectIds {
    const given = {
      uuids: this.strings(uuidName),
      uniqueIds: this.strings(uniqueIdName),
      logicalIds: logicalIdName ? this.strings(logicalIdName) : undefined,
    };
    const count = Object.values(given).filter((value) => value !== undefined).length;
    if (count === 0) {
      throw new DomainError(
        'STORED_QUERY_MISSING_PARAM',
        `The query requires ${uuidName} or ${uniqueIdName}`,
      );
    }
    if (count > 1) {
      throw new DomainError(
        'STORED_QUERY_PARAM_NUMBER',
        `Give ${uuidName} or ${uniqueIdName}, not both`,
      );
    }
    return given;
  }

  documentFilters(): DocumentFilters & { allVersions?: boolean } {
    return {
      formatCodes: this.codes('$XDSDocumentEntryFormatCode'),
      confidentialityCodes: this.codeGroups('$XDSDocumentEntryConfidentialityCode'),
    };
  }

  /** $XDSDocumentEntryType: only stable entries exist here; asking for on-demand only finds none. */
  onlyStableEntries(): { ids?: ObjectIds } {
    const types = this.strings('$XDSDocumentEntryType');
    if (!types || types.includes(OBJECT_TYPE.stableDocumentEntry)) return {};
    return { ids: { uuids: [] } };
  }

  associationTypes(name: string): AssociationType[] {
    return this.required(name, this.strings(name)).map((urn) => {
      const type = ASSOCIATION_BY_URN.get(urn);
      if (!type)
        throw new DomainError(
          'MALFORMED_REQUEST',
          `${name}: unknown association type ${excerpt(urn)}`,
        );
      return type;
    });
  }
}

function quoted(name: string, value: SlotValue): string {
  if (!value.quoted) {
    throw new DomainError(
      'MALFORMED_REQUEST',
      `${name}: ${excerpt(value.text)} is not coded as a string (single quotes missing?)`,
    );
  }
  return value.text;
}

/** `code^^codingScheme` — the scheme is required. */
function codeFilter(name: string, value: string): CodeFilter {
  const [code, , codeSystem] = value.split('^');
  if (!code || !codeSystem) {
    throw new DomainError(
      'MALFORMED_REQUEST',
      `${name}: '${excerpt(value)}' must be code^^codingScheme`,
    );
  }
  return { code, codeSystem };
}
