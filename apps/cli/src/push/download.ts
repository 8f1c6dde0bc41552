import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CliError } from '../cli-error';
import type { DocumentContent } from './mhd-client';

export interface ExpectedContent {
  /** attachment.size */
  readonly size?: number;
  /** attachment.hash: base64 of the SHA-1 digest. */
  readonly sha1Base64?: string;
}

export interface SavedContent {
  readonly path: string;
  readonly size: number;
  readonly sha1: string;
}

/**
 * Streams a document into `path` through `<path>.part`, renamed only once its size and SHA-1
 * match what the DocumentReference announced: a file is there complete and exact, or not at all.
 */
export async function saveContent(
  content: DocumentContent,
  path: string,
  expected: ExpectedContent,
  onBytes: (received: number) => void,
): Promise<SavedContent> {
  const partial = `${path}.part`;
  const hash = createHash('sha1');
  let size = 0;
  const measure = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      size += chunk.length;
      onBytes(size);
      callback(null, chunk);
    },
  });
  try {
    await pipeline(content.body, measure, createWriteStream(partial));
    const digest = hash.digest();
    checkContent(expected, size, digest);
    await rename(partial, path);
    return { path, size, sha1: digest.toString('hex') };
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}

function checkContent(expected: ExpectedContent, size: number, digest: Buffer): void {
  if (expected.size !== undefined && expected.size !== size) {
    throw new CliError(`received ${size} bytes, the DocumentReference announces ${expected.size}`);
  }
  if (expected.sha1Base64 !== undefined && expected.sha1Base64 !== digest.toString('base64')) {
    throw new CliError('the content received does not match the SHA-1 of the DocumentReference');
  }
}
