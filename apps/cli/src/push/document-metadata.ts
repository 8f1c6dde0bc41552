import type {
  Author,
  Coded,
  Institution,
  PatientId,
  PersonName,
  SourcePatientInfo,
} from '@passerelle/domain';
import { RESTRICTION_CODE_SYSTEM } from '@passerelle/domain';
import { TYPE_CLASS_FILE, classCodeForType } from '@passerelle/cda';
import { CliError, EXIT } from '../cli-error';
import { stableDocumentUniqueId } from './unique-ids';

/** Everything the French profile requires of a DocumentEntry, and what else the CLI sends. */
export interface DocumentMetadata {
  readonly uniqueId: string;
  readonly patientId: PatientId;
  readonly title: string;
  readonly classCode: Coded;
  readonly typeCode: Coded;
  readonly formatCode: Coded;
  readonly confidentialityCodes: readonly Coded[];
  readonly eventCodes: readonly Coded[];
  readonly healthcareFacilityTypeCode: Coded;
  readonly practiceSettingCode: Coded;
  readonly creationTime: Date;
  readonly serviceStartTime: Date;
  readonly serviceStopTime?: Date;
  readonly languageCode: string;
  readonly mimeType: string;
  readonly authors: readonly Author[];
  readonly legalAuthenticator?: PersonName;
  readonly custodian?: Institution;
  readonly sourcePatientId: string;
  readonly sourcePatientInfo?: SourcePatientInfo;
}

/** What one source (CDA header, file, metadata file, flags) knows; any field may be missing. */
export type MetadataDraft = {
  -readonly [K in keyof DocumentMetadata]?: DocumentMetadata[K];
} & {
  /** SubmissionSet contentTypeCode (the kind of activity), when the source knows it. */
  contentTypeCode?: Coded;
};

export interface CompleteMetadata {
  readonly document: DocumentMetadata;
  readonly contentTypeCode: Coded;
}

export interface CompletionContext {
  readonly content: Buffer;
  /** OID under which a file without its own id gets a stable uniqueId. */
  readonly uniqueIdRoot: string;
  /** The certificate holder, author when no source names one. */
  readonly defaultAuthor?: Author;
}

export const HL7_CONFIDENTIALITY_SYSTEM = '2.16.840.1.113883.5.25';
const NORMAL: Coded = { code: 'N', codeSystem: HL7_CONFIDENTIALITY_SYSTEM, display: 'Normal' };
const MAX_CONFIDENTIALITY_CODES = 4;

/** The metadata were wrong or incomplete: each problem names the field and how to give it. */
export class MetadataError extends CliError {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('; '), EXIT.INVALID);
    this.name = 'MetadataError';
  }
}

/**
 * Later drafts win field by field. A later confidentiality list without an HL7 level (N, R, V)
 * adds its DMP restriction codes to the level already known.
 */
export function mergeDrafts(...drafts: readonly MetadataDraft[]): MetadataDraft {
  return drafts.reduce<MetadataDraft>((merged, draft) => {
    const defined = Object.fromEntries(
      Object.entries(draft).filter(([, value]) => value !== undefined),
    ) as MetadataDraft;
    const confidentialityCodes =
      draft.confidentialityCodes &&
      withConfidentialityLevel(draft.confidentialityCodes, merged.confidentialityCodes);
    return { ...merged, ...defined, ...(confidentialityCodes ? { confidentialityCodes } : {}) };
  }, {});
}

function withConfidentialityLevel(
  codes: readonly Coded[],
  earlier: readonly Coded[] | undefined,
): Coded[] {
  if (codes.some((code) => code.codeSystem === HL7_CONFIDENTIALITY_SYSTEM)) return [...codes];
  const level = earlier?.find((code) => code.codeSystem === HL7_CONFIDENTIALITY_SYSTEM) ?? NORMAL;
  return [level, ...codes];
}

/** Required fields without a default, in the order problems are told, with how to give each. */
const REQUIRED: readonly [keyof MetadataDraft, string, string][] = [
  ['patientId', 'DocumentEntry.patientId', 'give --ins <INS>'],
  ['typeCode', 'DocumentEntry.typeCode', 'give --type <LOINC code>'],
  ['title', 'DocumentEntry.title', 'give --title <text>'],
  ['formatCode', 'DocumentEntry.formatCode', 'give --format <code>'],
  [
    'healthcareFacilityTypeCode',
    'DocumentEntry.healthcareFacilityTypeCode',
    'give --facility-type <TRE_R02 code, e.g. SA01>',
  ],
  [
    'practiceSettingCode',
    'DocumentEntry.practiceSettingCode',
    'give --practice-setting <TRE_A01 code, e.g. ETABLISSEMENT>',
  ],
  ['creationTime', 'DocumentEntry.creationTime', 'give creationTime in the metadata file'],
  ['serviceStartTime', 'DocumentEntry.serviceStartTime', 'give --service-start <date>'],
  ['mimeType', 'DocumentEntry.mimeType', 'give --mime-type <type>'],
  [
    'authors',
    'DocumentEntry.author',
    'name one in the metadata file, or pass --cert so that its holder is the author',
  ],
  [
    'contentTypeCode',
    'SubmissionSet.contentTypeCode',
    'give --content-type <TRE_R209 code, e.g. 07>',
  ],
];

/** Fills what can be derived (class from type, defaults), then requires the rest. */
export function completeMetadata(
  draft: MetadataDraft,
  context: CompletionContext,
): CompleteMetadata {
  const filled = withDefaults(draft, context);
  const problems = [
    ...REQUIRED.filter(([key]) => filled[key] === undefined).map(
      ([, field, howToGive]) => `${field} is required: ${howToGive}`,
    ),
    ...classProblems(filled),
    ...confidentialityProblems(filled.confidentialityCodes ?? []),
    ...periodProblems(filled),
  ];
  if (problems.length > 0) throw new MetadataError(problems);
  const { contentTypeCode, ...document } = filled;
  return { document: document as DocumentMetadata, contentTypeCode: contentTypeCode as Coded };
}

function withDefaults(draft: MetadataDraft, context: CompletionContext): MetadataDraft {
  const { patientId, typeCode } = draft;
  return {
    ...draft,
    uniqueId:
      draft.uniqueId ??
      (patientId && stableDocumentUniqueId(context.uniqueIdRoot, patientId, context.content)),
    title: draft.title ?? typeCode?.display,
    classCode: draft.classCode ?? (typeCode && classCodeForType(typeCode)),
    confidentialityCodes: draft.confidentialityCodes ?? [NORMAL],
    eventCodes: draft.eventCodes ?? [],
    languageCode: draft.languageCode ?? 'fr-FR',
    authors: draft.authors?.length
      ? draft.authors
      : context.defaultAuthor && [context.defaultAuthor],
    sourcePatientId: draft.sourcePatientId ?? patientId?.key,
  };
}

function classProblems({ typeCode, classCode }: MetadataDraft): string[] {
  if (!typeCode || classCode) return [];
  return [
    `DocumentEntry.classCode: type ${typeCode.code} has no class in the national ` +
      `type→class table (${TYPE_CLASS_FILE}): give --class <TRE_A03 code>`,
  ];
}

function periodProblems({ serviceStartTime, serviceStopTime }: MetadataDraft): string[] {
  return serviceStartTime && serviceStopTime && serviceStopTime < serviceStartTime
    ? ['DocumentEntry.serviceStopTime is before serviceStartTime']
    : [];
}

function confidentialityProblems(codes: readonly Coded[]): string[] {
  const levels = codes.filter((code) => code.codeSystem === HL7_CONFIDENTIALITY_SYSTEM);
  const restrictions = codes.filter((code) => code.codeSystem === RESTRICTION_CODE_SYSTEM);
  return [
    ...(levels.length !== 1 || levels.length + restrictions.length !== codes.length
      ? ['DocumentEntry.confidentialityCode: one level (N, R or V) and DMP restriction codes only']
      : []),
    ...(codes.length > MAX_CONFIDENTIALITY_CODES
      ? [`DocumentEntry.confidentialityCode holds at most ${MAX_CONFIDENTIALITY_CODES}`]
      : []),
  ];
}
