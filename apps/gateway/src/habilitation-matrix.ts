import type { HabilitationMatrixFile } from '@passerelle/access-control';
import { readFileSync } from 'node:fs';
import defaultMatrix from '../../../fixtures/access/habilitation-matrix.json';

/** The configured habilitation matrix file, or the documented default shipped in fixtures/. */
export function habilitationMatrix(path: string | undefined): HabilitationMatrixFile {
  if (!path) return defaultMatrix as HabilitationMatrixFile;
  return JSON.parse(readFileSync(path, 'utf8')) as HabilitationMatrixFile;
}
