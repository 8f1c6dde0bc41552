import { Professional, ProfessionalDirectory, withMergedExercises } from './professional';
import type { RejectedLine, RppsBatch } from './rpps-extract';

export interface ImportSummary {
  readonly linesRead: number;
  /** Distinct professionals written. */
  readonly professionals: number;
  readonly rejected: number;
}

export interface ImportProgress extends ImportSummary {
  /** The lines rejected in the batch just written. */
  readonly batchRejected: readonly RejectedLine[];
}

/**
 * Writes the extract's batches into the directory, replacing what it held for each professional.
 * A professional met again in a later batch (an extract not grouped by person) keeps the
 * exercises of both: the ids written so far are remembered, about 100 bytes each.
 */
export async function importProfessionals(
  directory: ProfessionalDirectory,
  batches: AsyncIterable<RppsBatch> | Iterable<RppsBatch>,
  onBatch: (progress: ImportProgress) => void = () => undefined,
): Promise<ImportSummary> {
  const written = new Set<string>();
  let summary: ImportSummary = { linesRead: 0, professionals: 0, rejected: 0 };
  for await (const batch of batches) {
    const professionals = await mergedWithWritten(directory, batch.professionals, written);
    if (professionals.length > 0) await directory.upsert(professionals);
    for (const { idNat } of professionals) written.add(idNat);
    summary = {
      linesRead: batch.linesRead,
      professionals: written.size,
      rejected: summary.rejected + batch.rejected.length,
    };
    onBatch({ ...summary, batchRejected: batch.rejected });
  }
  return summary;
}

async function mergedWithWritten(
  directory: ProfessionalDirectory,
  professionals: readonly Professional[],
  written: ReadonlySet<string>,
): Promise<Professional[]> {
  return Promise.all(
    professionals.map(async (professional) => {
      const earlier = written.has(professional.idNat)
        ? await directory.find(professional.idNat)
        : undefined;
      return earlier ? withMergedExercises(earlier, professional) : professional;
    }),
  );
}
