import type { SigningIdentity } from '@passerelle/signature';
import type { Author, Coded, PatientId } from '@passerelle/domain';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import {
  CdaHeader,
  CdaHeaderError,
  CdaXmlError,
  isClinicalDocument,
  metadataOfCdaHeader,
  parseCdaXml,
  readCdaHeader,
} from '@passerelle/cda';
import { CliError, EXIT, messageWithCause } from '../cli-error';
import {
  DocumentMetadata,
  MetadataDraft,
  MetadataError,
  completeMetadata,
  mergeDrafts,
} from './document-metadata';
import { draftFromMetadataFile, draftFromPlainFile } from './metadata-sources';
import type { Submission } from './submission';
import { freshSubmissionSetUniqueId } from './unique-ids';

export const METADATA_FILE_SUFFIX = '.meta.json';

/** What push and watch apply to every file. */
export interface PushSettings {
  /** From the metadata flags; wins over the document and its metadata file. */
  readonly overrides: MetadataDraft;
  /** A metadata file for every document, instead of each one's `<file>.meta.json`. */
  readonly metadataFile?: string;
  readonly uniqueIdRoot: string;
  readonly sourceId: string;
  /** The certificate holder: the SubmissionSet author, and the document's when none is named. */
  readonly submitter?: Author;
  /** With --sign: who signs each submission set (IHE DSG). */
  readonly signer?: SigningIdentity;
}

export interface PreparedDocument {
  readonly file: string;
  readonly kind: 'CDA' | 'file';
  readonly content: Buffer;
  readonly metadata: DocumentMetadata;
  readonly contentTypeCode: Coded;
}

/** A document that cannot be sent as it is; the problems name what to fix. */
export class DocumentInvalid extends CliError {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`${file}: ${problems.join('; ')}`, EXIT.INVALID);
    this.name = 'DocumentInvalid';
  }
}

/**
 * Reads a file and works out its metadata: CDA header, then its metadata file (`--metadata`,
 * else `sidecar`, else `<file>.meta.json` when there is one), then the flags.
 */
export async function prepareDocument(
  file: string,
  settings: PushSettings,
  sidecar = `${file}${METADATA_FILE_SUFFIX}`,
): Promise<PreparedDocument> {
  const content = await readDocumentFile(file);
  try {
    const cda = looksLikeXml(content) ? cdaHeaderOf(content) : undefined;
    const own = cda ? draftOfCda(cda) : draftFromPlainFile(file, (await stat(file)).mtime);
    const metadataFile = settings.metadataFile ?? sidecar;
    const metadata =
      settings.metadataFile || existsSync(metadataFile) ? await readMetadataFile(metadataFile) : {};
    if (cda) checkSamePatient(cda.patientId, [metadata, settings.overrides]);
    const { document, contentTypeCode } = completeMetadata(
      mergeDrafts(own, metadata, settings.overrides),
      { content, uniqueIdRoot: settings.uniqueIdRoot, defaultAuthor: settings.submitter },
    );
    return { file, kind: cda ? 'CDA' : 'file', content, metadata: document, contentTypeCode };
  } catch (error) {
    if (error instanceof MetadataError || error instanceof CdaHeaderError) {
      throw new DocumentInvalid(file, error.problems);
    }
    if (error instanceof CdaXmlError) throw new DocumentInvalid(file, [error.message]);
    throw error;
  }
}

/** The submission carrying a prepared document: a new SubmissionSet each time. */
export function submissionOf(prepared: PreparedDocument, settings: PushSettings): Submission {
  return {
    document: prepared.metadata,
    content: prepared.content,
    submissionSet: {
      uniqueId: freshSubmissionSetUniqueId(),
      sourceId: settings.sourceId,
      contentTypeCode: prepared.contentTypeCode,
      submissionTime: new Date(),
      author: settings.submitter ?? prepared.metadata.authors[0],
    },
  };
}

/**
 * The CDA header's metadata by the one CI-SIS mapping, except what follows the type (class,
 * title by type): a --type or metadata-file type may still change it, completion derives them.
 */
function draftOfCda(header: CdaHeader): MetadataDraft {
  const { classCode: _classCode, title: _title, ...metadata } = metadataOfCdaHeader(header);
  return { ...metadata, title: header.title };
}

/** A CDA is about the patient of its recordTarget: no metadata may send it to another record. */
function checkSamePatient(patientId: PatientId, drafts: readonly MetadataDraft[]): void {
  const others = drafts.flatMap((draft) =>
    draft.patientId && !draft.patientId.equals(patientId) ? [draft.patientId] : [],
  );
  if (others.length > 0) {
    throw new MetadataError([
      `the patient given (${others[0].value}) is not the document's (recordTarget ${patientId.value})`,
    ]);
  }
}

async function readDocumentFile(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new DocumentInvalid(file, [`cannot read it: ${messageWithCause(error)}`]);
  }
}

/** An XML file must be well-formed; it is a CDA when its root is a ClinicalDocument. */
function cdaHeaderOf(content: Buffer) {
  const root = parseCdaXml(content);
  return isClinicalDocument(root) ? readCdaHeader(root) : undefined;
}

function looksLikeXml(content: Buffer): boolean {
  const start = content
    .subarray(0, 64)
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart();
  return start.startsWith('<');
}

async function readMetadataFile(path: string): Promise<MetadataDraft> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new MetadataError([`${path}: not a readable JSON file (${messageWithCause(error)})`]);
  }
  return draftFromMetadataFile(json, path);
}
