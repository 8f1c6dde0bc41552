import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { Exercise, Professional, exerciseKey } from './professional';

/**
 * Reader of the public RPPS extract of the Annuaire Santé, "Extraction des personnes d'exercice"
 * (`PS_LibreAcces_Personne_activite_<date>.txt`): UTF-8, `|`-separated, every line ended by a
 * `|`, a header of French column names, then one line per person and activity. Columns are
 * found by name, so the extract may add, drop or reorder the ones not used here.
 */
const COLUMNS = {
  idNat: ['Identification nationale PP'],
  family: ["Nom d'exercice"],
  given: ["Prénom d'exercice"],
  professionCode: ['Code profession'],
  professionLabel: ['Libellé profession'],
  specialtyType: ['Code type savoir-faire'],
  specialtyCode: ['Code savoir-faire'],
  specialtyLabel: ['Libellé savoir-faire'],
  pharmacistSection: ['Code section tableau pharmaciens'],
  pharmacistSectionLabel: ['Libellé section tableau pharmaciens'],
  finess: ['Numéro FINESS site'],
  siret: ['Numéro SIRET site'],
  // Already an idNat_Struct (`3`+SIRET, `0`+cabinet, …): the only id of most private practices.
  formerStructureId: ['Ancien identifiant de la structure'],
  structureName: ['Raison sociale site'],
  sectorCode: ["Code secteur d'activité"],
  // "Code fonction" in the public extract, "Code rôle" in the Pro Santé Connect one.
  role: ['Code fonction', 'Code rôle'],
} as const;

type Column = keyof typeof COLUMNS;
type Columns = Partial<Record<Column, number>>;

interface Header {
  readonly columns: Columns;
  /** Number of fields of every line. */
  readonly width: number;
  /** Whether lines end with a separator (as the ANS writes them), not an extra empty field. */
  readonly terminated: boolean;
}

const REQUIRED: readonly Column[] = ['idNat', 'family', 'given', 'professionCode'];
/** One at least: without them the file is another extract (e.g. PS_LibreAcces_SavoirFaire). */
const STRUCTURE_COLUMNS: readonly Column[] = ['finess', 'siret', 'formerStructureId'];
const SEPARATOR = '|';
const BOM = '\uFEFF';
/** TRE_R38 is the table of ordinal specialties ("Spécialité ordinale", savoir-faire type S). */
const ORDINAL_SPECIALTY = 'S';
const PHARMACIEN = '21';
export const DEFAULT_BATCH_SIZE = 1000;

export interface RejectedLine {
  /** 1-based, the header being line 1. */
  readonly line: number;
  readonly reason: string;
}

export interface RppsBatch {
  readonly professionals: Professional[];
  readonly rejected: RejectedLine[];
  /** Lines of the extract accounted for by this batch and the earlier ones, header included. */
  readonly linesRead: number;
}

/** The extract cannot be read at all (no header, a required column missing). */
export class RppsFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RppsFormatError';
  }
}

/**
 * Streams the extract as batches of about `batchSize` professionals, the lines of one person
 * merged into one professional with one exercise per structure. A person's lines are expected
 * together (as the ANS publishes them); a person whose lines are scattered across batches comes
 * out once per batch, to be merged by the importer. Malformed lines are reported, not fatal.
 */
export async function* readRppsExtract(
  source: Readable | AsyncIterable<string> | Iterable<string>,
  batchSize = DEFAULT_BATCH_SIZE,
): AsyncGenerator<RppsBatch> {
  const reader = new ExtractReader(batchSize);
  for await (const line of linesOf(source)) {
    const batch = reader.push(line);
    if (batch) yield batch;
  }
  yield reader.finish();
}

function linesOf(
  source: Readable | AsyncIterable<string> | Iterable<string>,
): AsyncIterable<string> | Iterable<string> {
  return source instanceof Readable
    ? createInterface({ input: source, crlfDelay: Infinity })
    : source;
}

interface ExtractLine {
  readonly professional: Professional;
  readonly exercise?: Exercise;
}

class ExtractReader {
  private lineNumber = 0;
  private header?: Header;
  private pending = new Map<string, Professional>();
  private rejected: RejectedLine[] = [];
  private lastIdNat?: string;

  constructor(private readonly batchSize: number) {}

  /** Takes one line; returns a full batch when one is ready. */
  push(rawLine: string): RppsBatch | undefined {
    this.lineNumber += 1;
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (!this.header) {
      this.header = headerOf(line.startsWith(BOM) ? line.slice(1) : line);
      return undefined;
    }
    if (line.trim() === '') return undefined;
    const parsed = this.parse(line, this.header);
    if (typeof parsed === 'string') return this.reject(parsed);
    const full = this.batchFullBefore(parsed.professional.idNat);
    const batch = full ? this.flush(this.lineNumber - 1) : undefined;
    this.add(parsed);
    return batch;
  }

  finish(): RppsBatch {
    if (!this.header) throw new RppsFormatError('Empty file: expected a header line');
    return this.flush(this.lineNumber);
  }

  private parse(line: string, header: Header): ExtractLine | string {
    const { columns, width, terminated } = header;
    const fields = (terminated && line.endsWith(SEPARATOR) ? line.slice(0, -1) : line).split(
      SEPARATOR,
    );
    if (fields.length !== width) return `expected ${width} columns, found ${fields.length}`;
    return extractLine((column) => {
      const index = columns[column];
      return index === undefined ? '' : fields[index].trim();
    });
  }

  private reject(reason: string): RppsBatch | undefined {
    this.rejected.push({ line: this.lineNumber, reason });
    return this.rejected.length >= this.batchSize ? this.flush(this.lineNumber) : undefined;
  }

  // A batch is cut only between two people, so that a person's lines stay together.
  private batchFullBefore(idNat: string): boolean {
    return idNat !== this.lastIdNat && this.pending.size >= this.batchSize;
  }

  private add(line: ExtractLine): void {
    const { idNat } = line.professional;
    this.pending.set(idNat, absorb(this.pending.get(idNat), line));
    this.lastIdNat = idNat;
  }

  private flush(linesRead: number): RppsBatch {
    const batch = { professionals: [...this.pending.values()], rejected: this.rejected, linesRead };
    this.pending = new Map();
    this.rejected = [];
    return batch;
  }
}

function headerOf(line: string): Header {
  const terminated = line.endsWith(SEPARATOR);
  const names = (terminated ? line.slice(0, -1) : line).split(SEPARATOR).map(normalizedName);
  const columns: Columns = {};
  for (const [column, aliases] of Object.entries(COLUMNS) as [Column, readonly string[]][]) {
    const index = aliases.map((alias) => names.indexOf(normalizedName(alias))).find((i) => i >= 0);
    if (index !== undefined) columns[column] = index;
  }
  checkColumns(columns);
  return { columns, width: names.length, terminated };
}

function checkColumns(columns: Columns): void {
  const missing = REQUIRED.filter((column) => columns[column] === undefined);
  if (missing.length > 0) {
    throw new RppsFormatError(`Not an RPPS extract header: no column ${quoted(missing)} (line 1)`);
  }
  if (STRUCTURE_COLUMNS.every((column) => columns[column] === undefined)) {
    throw new RppsFormatError(
      'Not the extract of persons and activities (PS_LibreAcces_Personne_activite): ' +
        `no structure column, one of ${quoted(STRUCTURE_COLUMNS)} (line 1)`,
    );
  }
}

function quoted(columns: readonly Column[]): string {
  return columns.map((column) => `"${COLUMNS[column][0]}"`).join(', ');
}

// Tolerates the spelling drift between extract versions (case, typographic apostrophes).
function normalizedName(name: string): string {
  return name.normalize('NFC').replace(/[’‘]/g, "'").replace(/\s+/g, ' ').trim().toLowerCase();
}

function extractLine(value: (column: Column) => string): ExtractLine | string {
  const idNat = value('idNat');
  if (!idNat) return `no "${COLUMNS.idNat[0]}"`;
  const professionCode = value('professionCode');
  if (!professionCode) return `no "${COLUMNS.professionCode[0]}" for ${idNat}`;
  const professional: Professional = {
    idNat,
    family: value('family'),
    given: value('given'),
    professionCode,
    ...withoutEmpty({ professionLabel: value('professionLabel') }),
    ...withoutEmpty(specialtyOf(value, professionCode)),
    exercises: [],
  };
  return { professional, exercise: exerciseOf(value) };
}

function specialtyOf(
  value: (column: Column) => string,
  professionCode: string,
): Pick<Professional, 'specialtyCode' | 'specialtyLabel'> {
  const type = value('specialtyType');
  if (value('specialtyCode') && (type === '' || type === ORDINAL_SPECIALTY)) {
    return { specialtyCode: value('specialtyCode'), specialtyLabel: value('specialtyLabel') };
  }
  const section = value('pharmacistSection');
  if (professionCode === PHARMACIEN && section) {
    return {
      specialtyCode: `G15_${PHARMACIEN}/${section}`,
      specialtyLabel: value('pharmacistSectionLabel'),
    };
  }
  return {};
}

function exerciseOf(value: (column: Column) => string): Exercise | undefined {
  const structureId = structureIdOf(value);
  if (!structureId) return undefined;
  return {
    structureId,
    ...withoutEmpty({
      structureName: value('structureName'),
      sectorCode: value('sectorCode'),
      role: value('role'),
    }),
  };
}

function structureIdOf(value: (column: Column) => string): string | undefined {
  if (value('finess')) return `1${value('finess')}`;
  if (value('siret')) return `3${value('siret')}`;
  return value('formerStructureId') || undefined;
}

/** The person's first line gives their identity; later lines add exercises or a specialty. */
function absorb(
  known: Professional | undefined,
  { professional, exercise }: ExtractLine,
): Professional {
  const person = known ?? professional;
  const specialty = person.specialtyCode ? {} : specialtyOfProfessional(professional);
  const isNew = exercise && !person.exercises.some((e) => exerciseKey(e) === exerciseKey(exercise));
  return {
    ...person,
    ...specialty,
    exercises: isNew ? [...person.exercises, exercise] : person.exercises,
  };
}

function specialtyOfProfessional({ specialtyCode, specialtyLabel }: Professional) {
  return withoutEmpty({ specialtyCode, specialtyLabel });
}

/** Drops the fields the extract left empty (or that were absent). */
function withoutEmpty<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, field]) => field !== '' && field !== undefined),
  ) as Partial<T>;
}
