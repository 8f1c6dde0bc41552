import { Author, Coded, ErrorDetail, excerpt } from '@passerelle/domain';
// National tables shipped as data in fixtures/ (as libs/cda and libs/mhd read theirs).
// eslint-disable-next-line no-restricted-imports
import valueSetsFile from '../../../../fixtures/terminology/value-sets.json';
import type { DocumentEntryDraft, SubmissionDraft } from './submission-draft';

/**
 * `VALUE_SET_POLICY`: a code outside its national value set refuses the submission (`strict`),
 * or is accepted, logged and audited (`warn`).
 */
export type ValueSetPolicy = 'strict' | 'warn';

export const VALUE_SET_POLICY = Symbol('VALUE_SET_POLICY');

export const VALUE_SETS_FILE = 'fixtures/terminology/value-sets.json';

export type ValueSetAttribute = keyof typeof valueSetsFile.valueSets;

interface ValueSet {
  readonly id: string;
  readonly version: string;
  /** Labels by code, by code system OID. */
  readonly codes: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

const VALUE_SETS: Readonly<Record<ValueSetAttribute, ValueSet>> = valueSetsFile.valueSets;

/** The label of a code of the attribute's value set, if it is one (in that code system). */
export function valueSetDisplay(attribute: ValueSetAttribute, coded: Coded): string | undefined {
  const codes = VALUE_SETS[attribute].codes;
  if (!Object.hasOwn(codes, coded.codeSystem)) return undefined;
  return Object.hasOwn(codes[coded.codeSystem], coded.code)
    ? codes[coded.codeSystem][coded.code]
    : undefined;
}

/**
 * Each coded attribute of the submission against the ANS value set it is drawn from; a code
 * without a code system is reported by the metadata rules, not here.
 */
export function valueSetProblems(draft: SubmissionDraft): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const check = (owner: string, attribute: ValueSetAttribute, coded: Coded, ref: string) => {
    const problem = outsideValueSet(`${owner}.${attribute}`, attribute, coded);
    if (problem) problems.push({ code: 'CODE_NOT_IN_VALUE_SET', message: problem, location: ref });
  };
  const checkAuthors = (owner: string, authors: readonly Author[], ref: string) => {
    for (const specialty of authors.flatMap((author) => author.specialties)) {
      check(`${owner}.author`, 'authorSpecialty', specialty, ref);
    }
  };
  if (draft.submissionSet.contentTypeCode) {
    check(
      'SubmissionSet',
      'contentTypeCode',
      draft.submissionSet.contentTypeCode,
      draft.submissionSet.ref,
    );
  }
  checkAuthors('SubmissionSet', draft.submissionSet.authors, draft.submissionSet.ref);
  return [...problems, ...draft.documents.flatMap(documentValueSetProblems)];
}

/** One DocumentEntry's coded attributes and author specialties against their value sets. */
export function documentValueSetProblems(document: DocumentEntryDraft): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const check = (name: string, attribute: ValueSetAttribute, coded: Coded) => {
    const problem = outsideValueSet(name, attribute, coded);
    if (problem) {
      problems.push({ code: 'CODE_NOT_IN_VALUE_SET', message: problem, location: document.ref });
    }
  };
  for (const [attribute, coded] of documentCodes(document)) {
    check(`DocumentEntry.${attribute}`, attribute, coded);
  }
  for (const specialty of document.authors.flatMap((author) => author.specialties)) {
    check('DocumentEntry.author.authorSpecialty', 'authorSpecialty', specialty);
  }
  return problems;
}

/** The audit reason of a submission accepted under VALUE_SET_POLICY=warn. */
export function acceptedOutsideValueSets(problems: readonly ErrorDetail[]): string {
  const messages = problems.map((problem) => problem.message).join('; ');
  return `Accepted outside the national value sets (VALUE_SET_POLICY=warn): ${messages}`;
}

function documentCodes(document: DocumentEntryDraft): [ValueSetAttribute, Coded][] {
  const single: [ValueSetAttribute, Coded | undefined][] = [
    ['classCode', document.classCode],
    ['typeCode', document.typeCode],
    ['formatCode', document.formatCode],
    ['healthcareFacilityTypeCode', document.healthcareFacilityTypeCode],
    ['practiceSettingCode', document.practiceSettingCode],
  ];
  return [
    ...single.filter((entry): entry is [ValueSetAttribute, Coded] => entry[1] !== undefined),
    ...document.confidentialityCodes.map((coded): [ValueSetAttribute, Coded] => [
      'confidentialityCode',
      coded,
    ]),
  ];
}

function outsideValueSet(name: string, attribute: ValueSetAttribute, coded: Coded): string | null {
  if (!coded.code || !coded.codeSystem) return null;
  const valueSet = VALUE_SETS[attribute];
  if (valueSetDisplay(attribute, coded) !== undefined) return null;
  const given = `"${excerpt(coded.code)}" (code system ${excerpt(coded.codeSystem)})`;
  const where = `value set ${valueSet.id} version ${valueSet.version}`;
  const systems = Object.keys(valueSet.codes).filter((system) =>
    Object.hasOwn(valueSet.codes[system], coded.code),
  );
  if (systems.length > 0) {
    return `${name} ${given} is in the ${where} under code system ${systems.join(', ')}, not ${excerpt(coded.codeSystem)}`;
  }
  return `${name} ${given} is not in the ${where}`;
}
