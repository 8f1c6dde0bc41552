import { Professional, Structure, nameWords, searchName } from '@passerelle/access-control';

/** Runs one parameterised statement (a manager's or a query runner's `query`). */
export type Query = (sql: string, params: unknown[]) => Promise<unknown>;

/** Whose name a word of `directory_name_word` is: a professional's or a structure's. */
export type NamedKind = 'PS' | 'STRUCTURE';

/**
 * Replaces the search rows of these professionals: the words of their names, and the
 * structures of their exercises with the words of theirs. A structure keeps the name it had
 * when an exercise names it not.
 */
export async function writeSearchRows(
  query: Query,
  professionals: readonly Professional[],
): Promise<void> {
  await replaceNameWords(
    query,
    'PS',
    professionals.map(({ idNat, family, given }) => ({
      id: idNat,
      words: nameWords(`${family} ${given}`),
    })),
  );
  const structures = structuresOf(professionals);
  await query(
    `INSERT INTO directory_structure (structure_id, name, sector_code, search_name)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
     ON CONFLICT (structure_id) DO UPDATE SET
       name = COALESCE(excluded.name, directory_structure.name),
       sector_code = COALESCE(excluded.sector_code, directory_structure.sector_code),
       search_name = CASE WHEN excluded.name IS NULL THEN directory_structure.search_name
                          ELSE excluded.search_name END`,
    [
      structures.map((s) => s.structureId),
      structures.map((s) => s.name ?? null),
      structures.map((s) => s.sectorCode ?? null),
      structures.map((s) => searchName(s.name)),
    ],
  );
  await replaceNameWords(
    query,
    'STRUCTURE',
    structures.flatMap(({ structureId, name }) =>
      name === undefined ? [] : [{ id: structureId, words: nameWords(name) }],
    ),
  );
}

async function replaceNameWords(
  query: Query,
  kind: NamedKind,
  named: readonly { id: string; words: readonly string[] }[],
): Promise<void> {
  await query(`DELETE FROM directory_name_word WHERE kind = $1 AND subject_id = ANY($2::text[])`, [
    kind,
    named.map(({ id }) => id),
  ]);
  const rows = named.flatMap(({ id, words }) => [...new Set(words)].map((word) => ({ id, word })));
  await query(
    `INSERT INTO directory_name_word (kind, word, subject_id)
     SELECT $1, word, subject_id FROM unnest($2::text[], $3::text[]) AS w(word, subject_id)`,
    [kind, rows.map(({ word }) => word), rows.map(({ id }) => id)],
  );
}

/** Each structure once (a statement may not update a row twice), with its last name and sector. */
function structuresOf(professionals: readonly Professional[]): Structure[] {
  const structures = new Map<string, Structure>();
  for (const { structureId, structureName, sectorCode } of professionals.flatMap(
    (p) => p.exercises,
  )) {
    const known = structures.get(structureId);
    const name = structureName || known?.name;
    const sector = sectorCode || known?.sectorCode;
    structures.set(structureId, {
      structureId,
      ...(name ? { name } : {}),
      ...(sector ? { sectorCode: sector } : {}),
    });
  }
  return [...structures.values()];
}
