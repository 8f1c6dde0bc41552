import {
  ASSOCIATION_TYPE_URN,
  AssociationType,
  Author,
  AvailabilityStatus,
  Coded,
  DomainError,
  ErrorCode,
  PatientId,
  SourcePatientInfo,
  TranslationProblem,
  XDS_STATUS_URN,
  excerpt,
} from '@passerelle/domain';
import type {
  AssociationDraft,
  AssociationEnd,
  DocumentEntryDraft,
  FolderDraft,
  MetadataUpdate,
  SubmissionDraft,
  SubmissionSetDraft,
  UnsavedMetadata,
} from '@passerelle/registry';
import { NS, XmlElement, attributeOf, childOf, childrenOf } from '../xml/xml-element';
import { parseDtm, parseXcn, parseXon, parseXtn } from './hl7v2';
import {
  CLASSIFICATION_NODE,
  CLASSIFICATION_SCHEME,
  IDENTIFICATION_SCHEME,
  UPDATE_AVAILABILITY_STATUS,
} from './vocabulary';

export interface EbrimSubmission {
  /**
   * New objects; each DocumentEntry's ref is its ExtrinsicObject id (xdsb:Document/@id). Its
   * problems are every one found in the request, the updates' included.
   */
  readonly draft: SubmissionDraft;
  readonly updates: readonly MetadataUpdate[];
}

/**
 * The Slots ITI TF-3 4.2.3 defines on each object: any other is extra metadata (4.1.14), which
 * this registry does not keep; standard ones it does not keep either (URI, documentAvailability)
 * are not extra metadata.
 */
const STANDARD_SLOTS = {
  document: new Set([
    'creationTime',
    'hash',
    'languageCode',
    'legalAuthenticator',
    'repositoryUniqueId',
    'serviceStartTime',
    'serviceStopTime',
    'size',
    'sourcePatientId',
    'sourcePatientInfo',
    'URI',
    'documentAvailability',
    'urn:ihe:iti:xds:2013:referenceIdList',
  ]),
  submissionSet: new Set(['submissionTime', 'intendedRecipient']),
  folder: new Set(['lastUpdateTime']),
} as const;

const URN_UUID = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TYPE_BY_URN = new Map(
  Object.entries(ASSOCIATION_TYPE_URN).map(([type, urn]) => [urn, type as AssociationType]),
);
const STATUS_BY_URN = new Map(
  Object.entries(XDS_STATUS_URN).map(([status, urn]) => [urn, status as AvailabilityStatus]),
);

/**
 * lcm:SubmitObjectsRequest (ebRIM 3.0) → one submission draft, plus ITI-57 updates. Every
 * problem is collected and reported at once, located by the sender's object id.
 */
export function readSubmitObjectsRequest(request: XmlElement): EbrimSubmission {
  if (request.ns !== NS.lcm || request.local !== 'SubmitObjectsRequest') {
    throw new DomainError(
      'MALFORMED_REQUEST',
      `Expected lcm:SubmitObjectsRequest (ebRIM 3.0), found {${excerpt(request.ns)}}${excerpt(request.local)}`,
    );
  }
  const list = childOf(request, NS.rim, 'RegistryObjectList');
  if (!list) {
    throw new DomainError('METADATA_MISSING', 'SubmitObjectsRequest has no RegistryObjectList');
  }
  return new SubmissionReader(list).read();
}

class SubmissionReader {
  private readonly problems: TranslationProblem[] = [];
  private readonly topClassifications: XmlElement[];
  private readonly extrinsicObjects: XmlElement[];
  private readonly packages: XmlElement[];
  private readonly associations: XmlElement[];
  private readonly ids = new Set<string>();
  private readonly unsaved: UnsavedMetadata[] = [];

  constructor(list: XmlElement) {
    this.topClassifications = childrenOf(list, NS.rim, 'Classification');
    this.extrinsicObjects = childrenOf(list, NS.rim, 'ExtrinsicObject');
    this.packages = childrenOf(list, NS.rim, 'RegistryPackage');
    this.associations = childrenOf(list, NS.rim, 'Association');
    for (const object of [...this.extrinsicObjects, ...this.packages, ...this.associations]) {
      const id = idOf(object);
      if (this.ids.has(id)) {
        this.problem(
          'DUPLICATE_ENTRY_UUID_IN_MESSAGE',
          `${URN_UUID.test(id) ? 'entryUUID' : 'id'} ${excerpt(id)} is given to two objects of the submission`,
          id,
        );
      }
      this.ids.add(id);
    }
  }

  read(): EbrimSubmission {
    const submissionSets = this.packages.filter((p) => this.isClassifiedAs(p, 'submissionSet'));
    const folders = this.packages.filter((p) => this.isClassifiedAs(p, 'folder'));
    if (submissionSets.length !== 1) {
      this.problem(
        'METADATA_MISSING',
        `A submission holds exactly one SubmissionSet (RegistryPackage classified ${CLASSIFICATION_NODE.submissionSet}), found ${submissionSets.length}`,
      );
      // Without it, nothing else can be read as a submission.
      throw DomainError.of(this.problems);
    }
    const submissionSet = this.submissionSetFrom(submissionSets[0]);
    const versioned = new Set(
      [...this.extrinsicObjects, ...folders].filter((o) => this.previousVersionOf(o) !== undefined),
    );
    const documents = this.extrinsicObjects.filter((o) => !versioned.has(o));
    const newFolders = folders.filter((f) => !versioned.has(f));
    const draft = {
      submissionSet,
      documents: documents.map((o) => this.documentFrom(o)),
      folders: newFolders.map((f) => this.folderFrom(f)),
      associations: this.associationDrafts(submissionSets[0], folders),
      // Of the new versions too: the draft is what every transaction reads.
      unsavedMetadata: this.unsaved,
    };
    const updates = [
      ...[...versioned].map((object) => this.versionUpdateFrom(object)),
      ...this.statusUpdates(),
    ];
    this.checkClassificationTargets();
    this.checkMembership(idOf(submissionSets[0]), documents);
    return { draft: { ...draft, problems: this.problems }, updates };
  }

  /**
   * Every DocumentEntry of a submission is a member of its SubmissionSet (ITI TF-3 4.1.4): one
   * outside it is refused, not silently made a member.
   */
  private checkMembership(submissionSetId: string, documents: readonly XmlElement[]): void {
    const members = new Set(
      this.associations
        .filter(
          (a) =>
            attributeOf(a, 'associationType') === ASSOCIATION_TYPE_URN.HasMember &&
            attributeOf(a, 'sourceObject') === submissionSetId,
        )
        .map((a) => attributeOf(a, 'targetObject')),
    );
    for (const document of documents) {
      const id = idOf(document);
      if (!members.has(id)) {
        this.problem(
          'METADATA_INVALID',
          `DocumentEntry ${excerpt(id)} is not a member of the SubmissionSet (no HasMember association from ${excerpt(submissionSetId)})`,
          id,
        );
      }
    }
  }

  private submissionSetFrom(element: XmlElement): SubmissionSetDraft {
    const ref = idOf(element);
    this.noteExtraSlots(element, STANDARD_SLOTS.submissionSet);
    return {
      ref,
      entryUuid: uuidOf(ref),
      uniqueId: this.identifier(element, IDENTIFICATION_SCHEME.submissionSetUniqueId),
      patientId: this.patientId(element, IDENTIFICATION_SCHEME.submissionSetPatientId),
      sourceId: this.identifier(element, IDENTIFICATION_SCHEME.submissionSetSourceId),
      submissionTime: this.time(element, 'submissionTime'),
      contentTypeCode: this.code(element, CLASSIFICATION_SCHEME.contentTypeCode),
      title: nameOf(element),
      comments: descriptionOf(element),
      authors: this.authors(element, CLASSIFICATION_SCHEME.submissionSetAuthor),
      intendedRecipients: slotValues(element, 'intendedRecipient'),
    };
  }

  private documentFrom(element: XmlElement): DocumentEntryDraft {
    const ref = idOf(element);
    this.noteExtraSlots(element, STANDARD_SLOTS.document);
    return {
      ref,
      entryUuid: uuidOf(ref),
      uniqueId: this.identifier(element, IDENTIFICATION_SCHEME.documentUniqueId),
      patientId: this.patientId(element, IDENTIFICATION_SCHEME.documentPatientId),
      title: nameOf(element),
      comments: descriptionOf(element),
      classCode: this.code(element, CLASSIFICATION_SCHEME.classCode),
      typeCode: this.code(element, CLASSIFICATION_SCHEME.typeCode),
      formatCode: this.code(element, CLASSIFICATION_SCHEME.formatCode),
      confidentialityCodes: this.codes(element, CLASSIFICATION_SCHEME.confidentialityCode),
      eventCodes: this.codes(element, CLASSIFICATION_SCHEME.eventCodeList),
      healthcareFacilityTypeCode: this.code(
        element,
        CLASSIFICATION_SCHEME.healthcareFacilityTypeCode,
      ),
      practiceSettingCode: this.code(element, CLASSIFICATION_SCHEME.practiceSettingCode),
      creationTime: this.time(element, 'creationTime'),
      serviceStartTime: this.time(element, 'serviceStartTime'),
      serviceStopTime: this.time(element, 'serviceStopTime'),
      languageCode: slotValues(element, 'languageCode')[0],
      mimeType: attributeOf(element, 'mimeType'),
      authors: this.authors(element, CLASSIFICATION_SCHEME.documentAuthor),
      legalAuthenticator: optional(slotValues(element, 'legalAuthenticator')[0], parseXcn),
      sourcePatientId: slotValues(element, 'sourcePatientId')[0],
      sourcePatientInfo: sourcePatientInfoOf(slotValues(element, 'sourcePatientInfo')),
      referenceIds: slotValues(element, 'urn:ihe:iti:xds:2013:referenceIdList'),
      suppliedHashSha1: slotValues(element, 'hash')[0],
      suppliedSize: this.size(element),
      repositoryUniqueId: slotValues(element, 'repositoryUniqueId')[0],
    };
  }

  private folderFrom(element: XmlElement): FolderDraft {
    const ref = idOf(element);
    this.noteExtraSlots(element, STANDARD_SLOTS.folder);
    return {
      ref,
      entryUuid: uuidOf(ref),
      uniqueId: this.identifier(element, IDENTIFICATION_SCHEME.folderUniqueId),
      patientId: this.patientId(element, IDENTIFICATION_SCHEME.folderPatientId),
      title: nameOf(element),
      comments: descriptionOf(element),
      codeList: this.codes(element, CLASSIFICATION_SCHEME.folderCodeList),
    };
  }

  /**
   * Associations other than the SubmissionSet's own memberships (the registry records those):
   * folder memberships and document relationships (RPLC, APND, XFRM, XFRM_RPLC, signs).
   */
  private associationDrafts(
    submissionSet: XmlElement | undefined,
    folders: readonly XmlElement[],
  ): AssociationDraft[] {
    const submissionSetId = submissionSet && idOf(submissionSet);
    const folderIds = new Set(folders.map(idOf));
    const drafts: AssociationDraft[] = [];
    for (const association of this.associations) {
      const source = attributeOf(association, 'sourceObject') ?? '';
      const target = attributeOf(association, 'targetObject') ?? '';
      const typeUrn = attributeOf(association, 'associationType') ?? '';
      const where = idOf(association);
      if (source === target) {
        this.problem(
          'METADATA_INVALID',
          `Association ${excerpt(where)} links ${excerpt(source)} to itself`,
          where,
        );
        continue;
      }
      if (typeUrn === UPDATE_AVAILABILITY_STATUS) continue;
      const type = TYPE_BY_URN.get(typeUrn);
      if (!type) {
        this.problem('METADATA_INVALID', `Unknown associationType ${excerpt(typeUrn)}`, where);
        continue;
      }
      if (type === 'HasMember' && source === submissionSetId) continue;
      if (type === 'HasMember' && !folderIds.has(source)) {
        const added = this.additionToFolder(source, target, where, submissionSetId);
        if (added) drafts.push(added);
        continue;
      }
      const sourceEnd = this.end(source, where);
      const targetEnd = this.end(target, where);
      if (sourceEnd && targetEnd) drafts.push({ type, source: sourceEnd, target: targetEnd });
    }
    return drafts;
  }

  /**
   * A HasMember from a Folder already registered (by its entryUUID) adds a DocumentEntry to it;
   * the SubmissionSet says so with its own HasMember to that association (ITI TF-3 4.1.4,
   * HasMember between a Folder and a DocumentEntry).
   */
  private additionToFolder(
    source: string,
    target: string,
    where: string,
    submissionSetId: string | undefined,
  ): AssociationDraft | undefined {
    if (this.ids.has(source) || !URN_UUID.test(source)) {
      this.problem(
        'UNRESOLVED_REFERENCE',
        `HasMember source ${excerpt(source)} is neither the SubmissionSet nor a Folder, of the request or registered (by its entryUUID)`,
        where,
      );
      return undefined;
    }
    const announced = this.associations.some(
      (a) =>
        attributeOf(a, 'associationType') === ASSOCIATION_TYPE_URN.HasMember &&
        attributeOf(a, 'sourceObject') === submissionSetId &&
        attributeOf(a, 'targetObject') === where,
    );
    if (!announced) {
      this.problem(
        'METADATA_INVALID',
        `HasMember ${excerpt(where)} adds to the registered Folder ${excerpt(source)} without the SubmissionSet's HasMember to that association`,
        where,
      );
      return undefined;
    }
    const targetEnd = this.end(target, where);
    return (
      targetEnd && {
        type: 'HasMember',
        source: { existingFolderUuid: source.toLowerCase() },
        target: targetEnd,
      }
    );
  }

  /** An object of the request by its id, or an entry already registered by its entryUUID. */
  private end(id: string, where: string): AssociationEnd | undefined {
    if (this.ids.has(id)) return { ref: id };
    if (URN_UUID.test(id)) return { existingEntryUuid: id.toLowerCase() };
    this.problem(
      'UNRESOLVED_REFERENCE',
      `Association ${excerpt(where)} refers to ${excerpt(id) || '(nothing)'}, which is neither an object of the request nor a urn:uuid`,
      where,
    );
    return undefined;
  }

  private versionUpdateFrom(object: XmlElement): MetadataUpdate {
    const logicalId = attributeOf(object, 'lid') ?? idOf(object);
    const previousVersion = this.previousVersionOf(object) ?? 0;
    if (object.local === 'ExtrinsicObject') {
      return { kind: 'document', logicalId, previousVersion, entry: this.documentFrom(object) };
    }
    return { kind: 'folder', logicalId, previousVersion, folder: this.folderFrom(object) };
  }

  /** The PreviousVersion slot of the SubmissionSet's HasMember association to this object. */
  private previousVersionOf(object: XmlElement): number | undefined {
    const id = idOf(object);
    const membership = this.associations.find(
      (a) =>
        attributeOf(a, 'targetObject') === id &&
        attributeOf(a, 'associationType') === ASSOCIATION_TYPE_URN.HasMember &&
        slotValues(a, 'PreviousVersion').length > 0,
    );
    if (!membership) return undefined;
    const value = slotValues(membership, 'PreviousVersion')[0];
    if (!/^\d+$/.test(value)) {
      this.problem(
        'METADATA_INVALID',
        `PreviousVersion ${excerpt(value)} is not a version number`,
        id,
      );
      return 0;
    }
    return Number(value);
  }

  private statusUpdates(): MetadataUpdate[] {
    return this.associations
      .filter((a) => attributeOf(a, 'associationType') === UPDATE_AVAILABILITY_STATUS)
      .flatMap((association) => {
        const where = idOf(association);
        const originalStatus = this.status(association, 'OriginalStatus', where);
        const newStatus = this.status(association, 'NewStatus', where);
        const targetUuid = attributeOf(association, 'targetObject') ?? '';
        if (!originalStatus || !newStatus) return [];
        return [{ kind: 'status' as const, targetUuid, originalStatus, newStatus }];
      });
  }

  private status(association: XmlElement, slot: string, where: string) {
    const urn = slotValues(association, slot)[0];
    const status = urn ? STATUS_BY_URN.get(urn) : undefined;
    if (!status)
      this.problem(
        'METADATA_INVALID',
        `${slot} ${urn === undefined ? '(missing)' : excerpt(urn)} is not a status`,
        where,
      );
    return status;
  }

  private isClassifiedAs(element: XmlElement, node: keyof typeof CLASSIFICATION_NODE): boolean {
    return this.classificationsOf(element).some(
      (c) => schemeOf(c, 'classificationNode') === CLASSIFICATION_NODE[node],
    );
  }

  /** Classifications inside the object, and those beside it in the list (IPF puts them there). */
  private classificationsOf(element: XmlElement): XmlElement[] {
    const id = idOf(element);
    return [
      ...childrenOf(element, NS.rim, 'Classification'),
      ...this.topClassifications.filter((c) => attributeOf(c, 'classifiedObject') === id),
    ];
  }

  private byScheme(element: XmlElement, scheme: string): XmlElement[] {
    return this.classificationsOf(element).filter(
      (c) => schemeOf(c, 'classificationScheme') === scheme,
    );
  }

  private code(element: XmlElement, scheme: string): Coded | undefined {
    const found = this.byScheme(element, scheme);
    if (found.length > 1) {
      this.problem(
        'METADATA_INVALID',
        `Several codes where one is allowed (${excerpt(scheme)})`,
        idOf(element),
      );
    }
    return found[0] && this.coded(found[0]);
  }

  private codes(element: XmlElement, scheme: string): Coded[] {
    return this.byScheme(element, scheme).map((c) => this.coded(c));
  }

  private coded(classification: XmlElement): Coded {
    const code = attributeOf(classification, 'nodeRepresentation') ?? '';
    const codeSystem = slotValues(classification, 'codingScheme')[0] ?? '';
    if (!code || !codeSystem) {
      this.problem(
        'METADATA_INVALID',
        'A coded Classification needs nodeRepresentation and a codingScheme slot',
        idOf(classification),
      );
    }
    return { code, codeSystem, display: nameOf(classification) };
  }

  private authors(element: XmlElement, scheme: string): Author[] {
    return this.byScheme(element, scheme).map((c) => ({
      person: optional(slotValues(c, 'authorPerson')[0], parseXcn),
      institutions: slotValues(c, 'authorInstitution').map(parseXon),
      roles: slotValues(c, 'authorRole').map(parseCwe),
      specialties: slotValues(c, 'authorSpecialty').map(parseCwe),
      telecom: slotValues(c, 'authorTelecommunication').map(parseXtn),
    }));
  }

  private identifier(element: XmlElement, scheme: string): string | undefined {
    const found = childrenOf(element, NS.rim, 'ExternalIdentifier').find(
      (e) => schemeOf(e, 'identificationScheme') === scheme,
    );
    return found && attributeOf(found, 'value');
  }

  private patientId(element: XmlElement, scheme: string): PatientId | undefined {
    const cx = this.identifier(element, scheme);
    if (!cx) return undefined;
    try {
      return PatientId.fromCx(cx);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      this.problems.push({ ...error.details[0], location: idOf(element), field: 'patientId' });
      return undefined;
    }
  }

  private time(element: XmlElement, slot: string): Date | undefined {
    const value = slotValues(element, slot)[0];
    if (value === undefined) return undefined;
    const date = parseDtm(value);
    if (!date)
      this.problem(
        'METADATA_INVALID',
        `${slot} ${excerpt(value)} is not an HL7 DTM`,
        idOf(element),
        slot,
      );
    return date;
  }

  private size(element: XmlElement): number | undefined {
    const value = slotValues(element, 'size')[0];
    if (value === undefined) return undefined;
    if (!/^\d+$/.test(value)) {
      this.problem(
        'METADATA_INVALID',
        `size ${excerpt(value)} is not a number of bytes`,
        idOf(element),
        'suppliedSize',
      );
      return undefined;
    }
    return Number(value);
  }

  private noteExtraSlots(element: XmlElement, standard: ReadonlySet<string>): void {
    for (const slot of childrenOf(element, NS.rim, 'Slot')) {
      const name = attributeOf(slot, 'name') ?? '';
      if (!standard.has(name)) this.unsaved.push({ location: idOf(element), name });
    }
  }

  /** Classifications must point at an object of the request (NIST pnr-bad-uplink). */
  private checkClassificationTargets(): void {
    const classified = [
      ...this.topClassifications,
      ...[...this.extrinsicObjects, ...this.packages].flatMap((o) =>
        childrenOf(o, NS.rim, 'Classification'),
      ),
    ];
    for (const classification of classified) {
      const target = attributeOf(classification, 'classifiedObject');
      if (target && !this.ids.has(target)) {
        this.problem(
          'UNRESOLVED_REFERENCE',
          `Classification ${excerpt(idOf(classification))} classifies ${excerpt(target)}, which is not an object of the request`,
          idOf(classification),
        );
      }
    }
  }

  private problem(code: ErrorCode, message: string, location?: string, field?: string): void {
    this.problems.push({ code, message, location, field });
  }
}

/** A scheme or node UUID; whitespace inside is dropped (line-wrapped senders, the IPF sample). */
function schemeOf(element: XmlElement, attribute: string): string | undefined {
  return attributeOf(element, attribute)?.replace(/\s+/g, '');
}

function idOf(element: XmlElement): string {
  return attributeOf(element, 'id') ?? '';
}

function uuidOf(id: string): string | undefined {
  return URN_UUID.test(id) ? id.toLowerCase() : undefined;
}

export function slotValues(element: XmlElement, name: string): string[] {
  const slot = childrenOf(element, NS.rim, 'Slot').find((s) => attributeOf(s, 'name') === name);
  const valueList = slot && childOf(slot, NS.rim, 'ValueList');
  return valueList ? childrenOf(valueList, NS.rim, 'Value').map((v) => v.text.trim()) : [];
}

function localizedString(element: XmlElement | undefined): string | undefined {
  const localized = element && childOf(element, NS.rim, 'LocalizedString');
  return (localized && attributeOf(localized, 'value')) || undefined;
}

function nameOf(element: XmlElement): string | undefined {
  return localizedString(childOf(element, NS.rim, 'Name'));
}

function descriptionOf(element: XmlElement): string | undefined {
  return localizedString(childOf(element, NS.rim, 'Description'));
}

function optional<T>(value: string | undefined, parse: (value: string) => T): T | undefined {
  return value ? parse(value) : undefined;
}

/** CWE `code^display^system` (authorRole, authorSpecialty). */
function parseCwe(value: string): Coded {
  const [code, display, codeSystem] = value.split('^');
  return { code, codeSystem: codeSystem ?? '', display: display || undefined };
}

/** sourcePatientInfo `PID-5|family^given`, `PID-7|birth date`, `PID-8|sex`. */
function sourcePatientInfoOf(values: readonly string[]): SourcePatientInfo | undefined {
  if (values.length === 0) return undefined;
  const field = (name: string) =>
    values.find((v) => v.startsWith(`${name}|`))?.slice(name.length + 1);
  const [family, given] = (field('PID-5') ?? '').split('^');
  return {
    family: family || undefined,
    given: given || undefined,
    birthDate: field('PID-7'),
    gender: field('PID-8'),
  };
}
