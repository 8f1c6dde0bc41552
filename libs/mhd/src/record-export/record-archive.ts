import type { Bundle } from 'fhir/r4';
import { Coded, DocumentEntry, stripUrnUuid } from '@passerelle/domain';
import type { ExportedContent, RecordExport } from '@passerelle/document-repository';
import { Zip, ZipDeflate, ZipPassThrough, strToU8 } from 'fflate';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';

/** One document file of the archive, as `manifest.json` describes it. */
export interface ManifestFile {
  readonly path: string;
  readonly documentReference: string;
  readonly uniqueId: string;
  readonly title?: string;
  readonly typeCode: Coded;
  readonly classCode: Coded;
  readonly creationTime: string;
  readonly mimeType: string;
  readonly size: number;
  readonly sha1: string;
  readonly sha256: string;
}

export interface Manifest {
  readonly patient: string;
  readonly exportedAt: string;
  readonly files: readonly ManifestFile[];
}

const EXTENSIONS: Readonly<Record<string, string>> = {
  'application/pdf': 'pdf',
  'text/plain': 'txt',
  'text/xml': 'xml',
  'application/xml': 'xml',
  'application/hl7-v3+xml': 'xml',
  'application/fhir+xml': 'xml',
  'application/fhir+json': 'json',
  'application/json': 'json',
  'text/rtf': 'rtf',
  'application/rtf': 'rtf',
  'text/html': 'html',
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/tiff': 'tiff',
  'application/dicom': 'dcm',
};

/**
 * The ZIP of the record, produced as it is read: `documents/<n>-<title>.<ext>` for each document
 * exactly as stored (one in memory at a time, stored uncompressed: most are PDFs or images
 * already compressed), then `manifest.json` and `everything.json` (the `$everything` Bundle).
 */
export function recordArchive(
  recordExport: RecordExport,
  patientResourceId: string,
  everything: Bundle,
): Readable {
  return Readable.from(archiveChunks(recordExport, patientResourceId, everything), {
    objectMode: false,
  });
}

async function* archiveChunks(
  recordExport: RecordExport,
  patientResourceId: string,
  everything: Bundle,
): AsyncGenerator<Uint8Array> {
  const written: Uint8Array[] = [];
  const zip = new Zip((error, chunk) => {
    if (error) throw error;
    written.push(chunk);
  });
  const exportedAt = recordExport.exportedAt;
  const width = String(recordExport.documents.length).length;
  const files: ManifestFile[] = [];
  for await (const exported of recordExport.contents()) {
    const path = documentPath(files.length + 1, width, exported.entry);
    const file = new ZipPassThrough(path);
    file.mtime = exportedAt;
    zip.add(file);
    file.push(exported.content.bytes, true);
    files.push(manifestFile(path, exported));
    yield* written.splice(0);
  }
  const manifest: Manifest = {
    patient: patientResourceId,
    exportedAt: exportedAt.toISOString(),
    files,
  };
  addJson(zip, 'manifest.json', manifest, exportedAt);
  addJson(zip, 'everything.json', everything, exportedAt);
  zip.end();
  yield* written.splice(0);
}

function addJson(zip: Zip, path: string, value: unknown, mtime: Date): void {
  const file = new ZipDeflate(path, { level: 6 });
  file.mtime = mtime;
  zip.add(file);
  file.push(strToU8(JSON.stringify(value, null, 2)), true);
}

function manifestFile(path: string, { entry, content }: ExportedContent): ManifestFile {
  return {
    path,
    documentReference: stripUrnUuid(entry.logicalId),
    uniqueId: entry.uniqueId,
    ...(entry.title ? { title: entry.title } : {}),
    typeCode: entry.typeCode,
    classCode: entry.classCode,
    creationTime: entry.creationTime.toISOString(),
    mimeType: entry.mimeType,
    size: content.bytes.length,
    sha1: createHash('sha1').update(content.bytes).digest('hex'),
    sha256: createHash('sha256').update(content.bytes).digest('hex'),
  };
}

/** `documents/<n>-<title>.<ext>`: numbered so that names never collide, ASCII only. */
export function documentPath(n: number, width: number, entry: DocumentEntry): string {
  return `documents/${String(n).padStart(width, '0')}-${safeName(entry.title)}.${extensionOf(entry.mimeType)}`;
}

function safeName(title: string | undefined): string {
  const ascii = (title ?? '').normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  const name = ascii
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .slice(0, 80)
    .replace(/^[-.]+|[-.]+$/g, '');
  return name || 'document';
}

function extensionOf(mimeType: string): string {
  return EXTENSIONS[mimeType.split(';')[0].trim().toLowerCase()] ?? 'bin';
}
