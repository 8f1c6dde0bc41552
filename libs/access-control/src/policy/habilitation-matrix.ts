import type { Coded } from '@passerelle/domain';

/**
 * Which document types a profession (and specialty) may read. Data, not code: the default is
 * `fixtures/access/habilitation-matrix.json`; an operator may replace it.
 */
export interface HabilitationRule {
  readonly profession: string;
  readonly specialty?: string;
  /** LOINC / TRE_A05 type codes, or "*" for every type. */
  readonly types: readonly string[] | '*';
}

export interface HabilitationMatrixFile {
  readonly version: string;
  readonly rules: readonly HabilitationRule[];
}

export class HabilitationMatrix {
  private readonly byKey: Map<string, ReadonlySet<string> | '*'>;

  constructor(readonly file: HabilitationMatrixFile) {
    this.byKey = new Map(
      file.rules.map((rule) => [
        key(rule.profession, rule.specialty),
        rule.types === '*' ? '*' : new Set(rule.types),
      ]),
    );
  }

  /** The most specific rule wins (profession + specialty, then profession); no rule: no access. */
  mayRead(professionCode: string | undefined, specialtyCode: string | undefined, type: Coded) {
    const types = this.rule(professionCode, specialtyCode);
    return types === '*' || (types?.has(type.code) ?? false);
  }

  /** The readable type codes, as a query filter; undefined means every type. */
  readableTypes(professionCode?: string, specialtyCode?: string): string[] | undefined {
    const types = this.rule(professionCode, specialtyCode);
    if (types === '*') return undefined;
    return [...(types ?? [])];
  }

  private rule(professionCode?: string, specialtyCode?: string) {
    if (!professionCode) return undefined;
    return (
      (specialtyCode && this.byKey.get(key(professionCode, specialtyCode))) ||
      this.byKey.get(key(professionCode))
    );
  }
}

function key(profession: string, specialty?: string): string {
  return specialty ? `${profession}/${specialty}` : profession;
}
