import type {
  Bundle,
  BundleEntry,
  DocumentReference,
  FhirResource,
  List,
  Parameters,
} from 'fhir/r4';
import { DomainError, ProblemList, excerpt } from '@passerelle/domain';
import type {
  AssociationDraft,
  DocumentEntryDraft,
  FolderDraft,
  SubmissionDraft,
  SubmissionSetDraft,
} from '@passerelle/registry';
import { decodeBase64 } from '../resources/base64';
import { documentDraftFrom } from '../resources/document-reference';
import { checkedResource } from '../resources/fhir-shape';
import { bundle as bundleShape } from '../resources/resource-shapes';
import { folderDraftFrom, listKind, submissionSetDraftFrom } from '../resources/list';
import {
  PROVIDE_BUNDLE_PROFILES,
  RETIRED_PROVIDE_BUNDLE_PROFILES,
} from '../resources/mhd-constants';
import { patientIdFromReference } from '../resources/patient-reference';

/** Where each request entry went, to answer with a transaction-response in the same order. */
export type ProvidedEntry =
  | { kind: 'submissionset' | 'folder' | 'document'; ref: string }
  | { kind: 'folder-update'; folderId: string }
  | { kind: 'binary'; ref: string; documentRef: string }
  | { kind: 'supersede'; logicalId: string };

export interface ProvideRequest {
  readonly draft: SubmissionDraft;
  readonly entries: readonly ProvidedEntry[];
}

/**
 * ITI-65 Provide Document Bundle → one submission draft (IHE MHD 4.2 Comprehensive, PDSm). A bundle
 * that is not an ITI-65 transaction is refused at once; within one, every entry is translated and
 * what cannot be is carried in the draft's problems, reported with the registry's own.
 */
export function provideRequestFrom(body: unknown): ProvideRequest {
  const bundle = asTransactionBundle(body);
  const entries = bundle.entry ?? [];
  const refs = entries.map((entry, index) => entry.fullUrl ?? `Bundle.entry[${index}]`);
  // New Lists; an updated one (PUT) names a Folder already registered.
  const lists = entries.flatMap((entry, index) =>
    entry.resource?.resourceType === 'List' && entry.request?.method !== 'PUT'
      ? [{ list: entry.resource, ref: refs[index] }]
      : [],
  );
  const submissionSets = lists.filter(({ list }) => listKind(list) === 'submissionset');
  if (submissionSets.length !== 1) {
    throw new DomainError(
      'METADATA_MISSING',
      `An ITI-65 bundle holds exactly one SubmissionSet List, found ${submissionSets.length}`,
    );
  }
  const problems = new ProblemList();
  const binaries = binariesByRef(entries, refs, problems);
  const translated = new BundleEntries(binaries, problems);
  entries.forEach((entry, index) => {
    if (problems.attempt(() => translated.add(entry, refs[index]), refs[index]) === undefined) {
      translated.markUnreadable(entry, refs[index]);
    }
  });
  const { documents, associations, folderUpdates } = translated;

  reportOrphanBinaries(binaries, problems);
  problems.attempt(() => checkSupersedes(translated.supersedes, associations));
  const folders: FolderDraft[] = lists
    .filter(({ list }) => listKind(list) === 'folder')
    .map(({ list, ref }) => folderDraftFrom(list, ref, problems));
  const [submissionSet] = submissionSets;
  const knownRefs = new Set([...documents.map((d) => d.ref), ...folders.map((f) => f.ref)]);
  const updatedRefs = folderUpdates.flatMap((update) => [update.ref, `List/${update.id}`]);
  const members = new Set([...knownRefs, ...updatedRefs, ...translated.unreadable]);
  checkMembers(submissionSet.list, submissionSet.ref, members, problems);
  associations.push(
    ...folderMemberships(lists, new Set([...knownRefs, ...translated.unreadable]), problems),
  );
  const submissionSetDraft = submissionSetDraftFrom(
    submissionSet.list,
    submissionSet.ref,
    problems,
  );
  const documentRefs = new Set(documents.map((d) => d.ref));
  for (const update of folderUpdates) {
    associations.push(
      ...(problems.attempt(
        () => folderAdditions(update, submissionSetDraft, documentRefs),
        update.ref,
      ) ?? []),
    );
  }
  return {
    draft: {
      submissionSet: submissionSetDraft,
      documents,
      folders,
      associations,
      problems: problems.all,
    },
    entries: translated.provided.map((p) =>
      p.kind === 'binary' ? { ...p, documentRef: binaries.get(p.ref)?.usedBy ?? '' } : p,
    ),
  };
}

/** The bundle's entries, translated one by one; `add` throws what makes an entry unreadable. */
class BundleEntries {
  readonly documents: DocumentEntryDraft[] = [];
  readonly associations: AssociationDraft[] = [];
  readonly provided: ProvidedEntry[] = [];
  readonly supersedes: { logicalId: string; ref: string }[] = [];
  readonly folderUpdates: FolderUpdate[] = [];
  /** Entries that could not be translated. */
  readonly unreadable = new Set<string>();
  private readonly usedBinaries = new Set<string>();

  constructor(
    private readonly binaries: Map<string, BinaryPart>,
    private readonly problems: ProblemList,
  ) {}

  /** Neither the entry nor the Binary it names is reported again (as unresolved, as orphan). */
  markUnreadable(entry: BundleEntry<FhirResource>, ref: string): void {
    this.unreadable.add(ref);
    const resource = entry.resource;
    if (resource?.resourceType !== 'DocumentReference') return;
    const binary = this.binaries.get(resource.content?.[0]?.attachment?.url ?? '');
    if (binary) binary.usedBy = ref;
  }

  add(entry: BundleEntry<FhirResource>, ref: string): true {
    const resource = entry.resource;
    if (entry.request?.method === 'PUT') {
      const update = folderUpdateFrom(entry, ref);
      this.folderUpdates.push(update);
      this.provided.push({ kind: 'folder-update', folderId: update.id });
      return true;
    }
    if (entry.request?.method === 'PATCH') {
      const logicalId = supersededTarget(entry, ref);
      this.supersedes.push({ logicalId, ref });
      this.provided.push({ kind: 'supersede', logicalId });
      return true;
    }
    expectPost(entry, ref);
    switch (resource?.resourceType) {
      case 'DocumentReference': {
        const content = this.problems.attempt(
          () => contentOf(resource, ref, this.binaries, this.usedBinaries),
          ref,
          'content',
        );
        const translated = documentDraftFrom(
          { ref, resource, content: content?.bytes },
          this.problems,
        );
        this.documents.push(translated.draft);
        this.associations.push(...translated.associations);
        this.provided.push({ kind: 'document', ref });
        return true;
      }
      case 'List': {
        const kind = listKind(resource);
        if (!kind)
          throw new DomainError(
            'INVALID_RESOURCE',
            'List.code must be submissionset or folder',
            ref,
          );
        this.provided.push({ kind, ref });
        return true;
      }
      case 'Binary':
        this.provided.push({ kind: 'binary', ref, documentRef: '' });
        return true;
      default:
        throw new DomainError(
          'INVALID_RESOURCE',
          `An ITI-65 bundle may hold List, DocumentReference and Binary, not ${excerpt(resource?.resourceType ?? 'an empty entry')}`,
          ref,
        );
    }
  }
}

function asTransactionBundle(body: unknown): Bundle<FhirResource> {
  const bundle = checkedResource(
    bundleShape,
    body,
    {
      resourceType: 'Bundle',
      described: 'a transaction Bundle',
      notAResource: 'The request body must be a FHIR JSON resource',
    },
    'Bundle',
  );
  if (bundle.type !== 'transaction') {
    throw new DomainError(
      'INVALID_RESOURCE',
      `Bundle.type must be transaction, got ${excerpt(bundle.type)}`,
    );
  }
  checkProfiles(bundle.meta?.profile ?? []);
  // Shaped: every element the translation reads has the kind and format FHIR gives it.
  return bundle as unknown as Bundle<FhirResource>;
}

/**
 * `Bundle.meta.profile`, when given, names a served ITI-65 profile (others it also names are
 * the sender's business); a retired MHD 3.x profile says the sender speaks an older MHD.
 */
function checkProfiles(declared: readonly string[]): void {
  if (declared.length === 0) return;
  const profiles = declared.map((profile) => profile.split('|')[0]);
  const retired = profiles.find((profile) => RETIRED_PROVIDE_BUNDLE_PROFILES.includes(profile));
  if (retired) {
    throw new DomainError(
      'UNSUPPORTED_PROFILE',
      `Bundle.meta.profile ${retired} is retired (MHD 3.x); send ${PROVIDE_BUNDLE_PROFILES[0]}`,
      'Bundle.meta.profile',
    );
  }
  if (!profiles.some((profile) => PROVIDE_BUNDLE_PROFILES.includes(profile))) {
    throw new DomainError(
      'UNSUPPORTED_PROFILE',
      `Bundle.meta.profile names no ITI-65 profile served here (${excerpt(profiles.join(', '))}); served: ${PROVIDE_BUNDLE_PROFILES.join(', ')}`,
      'Bundle.meta.profile',
    );
  }
}

function expectPost(entry: BundleEntry, ref: string): void {
  if (entry.request?.method !== 'POST') {
    throw new DomainError('INVALID_RESOURCE', 'Bundle.entry.request.method must be POST', ref);
  }
}

interface BinaryPart {
  /** Undefined when `Binary.data` cannot be read (a problem already recorded). */
  readonly bytes?: Buffer;
  usedBy?: string;
}

function binariesByRef(
  entries: readonly BundleEntry<FhirResource>[],
  refs: readonly string[],
  problems: ProblemList,
): Map<string, BinaryPart> {
  const binaries = new Map<string, BinaryPart>();
  entries.forEach((entry, index) => {
    if (entry.resource?.resourceType !== 'Binary') return;
    const data = entry.resource.data;
    binaries.set(refs[index], {
      bytes: problems.attempt(
        () => decodeBase64(data, refs[index], 'Binary.data'),
        refs[index],
        'content',
      ),
    });
  });
  return binaries;
}

function contentOf(
  resource: DocumentReference,
  ref: string,
  binaries: Map<string, BinaryPart>,
  used: Set<string>,
): { bytes?: Buffer } | undefined {
  const attachment = resource.content?.[0]?.attachment;
  if (attachment?.data !== undefined) {
    return { bytes: decodeBase64(attachment.data, ref, 'Binary.data') };
  }
  const url = attachment?.url;
  if (!url) {
    throw new DomainError(
      'MISSING_DOCUMENT',
      'DocumentReference.content.attachment needs a url to a Binary of the bundle, or data',
      ref,
    );
  }
  const binary = binaries.get(url);
  if (!binary) {
    throw new DomainError(
      'MISSING_DOCUMENT',
      `attachment.url ${excerpt(url)} names no Binary in the bundle`,
      ref,
    );
  }
  binary.usedBy = ref;
  used.add(url);
  return binary;
}

function reportOrphanBinaries(binaries: Map<string, BinaryPart>, problems: ProblemList): void {
  for (const [ref, binary] of binaries) {
    if (binary.usedBy !== undefined) continue;
    problems.add({
      code: 'MISSING_DOCUMENT_METADATA',
      message: 'Binary is not the content of any DocumentReference of the bundle',
      location: ref,
    });
  }
}

/**
 * PDSm REPLACE bundles also PATCH the replaced DocumentReference to `superseded`; replacement
 * deprecates it anyway, so the PATCH is accepted only as exactly that.
 */
function supersededTarget(entry: BundleEntry, ref: string): string {
  const target = /^DocumentReference\/([A-Za-z0-9.-]{1,64})$/.exec(entry.request?.url ?? '');
  const parameters = entry.resource as Parameters | undefined;
  const operation = parameters?.parameter?.find((p) => p.name === 'operation')?.part ?? [];
  const part = (name: string) => operation.find((p) => p.name === name);
  const setsSuperseded =
    parameters?.resourceType === 'Parameters' &&
    part('type')?.valueCode === 'replace' &&
    part('path')?.valueString === 'DocumentReference.status' &&
    (part('value')?.valueCode ?? part('value')?.valueString) === 'superseded';
  if (!target || !setsSuperseded) {
    throw new DomainError(
      'UNSUPPORTED_OPERATION',
      'In an ITI-65 bundle, PATCH may only set DocumentReference.status to superseded',
      ref,
    );
  }
  return `urn:uuid:${target[1]}`;
}

function checkSupersedes(
  supersedes: readonly { logicalId: string; ref: string }[],
  associations: readonly AssociationDraft[],
): void {
  for (const { logicalId, ref } of supersedes) {
    const replaced = associations.some(
      (a) =>
        (a.type === 'RPLC' || a.type === 'XFRM_RPLC') &&
        'existingLogicalId' in a.target &&
        a.target.existingLogicalId === logicalId,
    );
    if (!replaced) {
      throw new DomainError(
        'UNSUPPORTED_OPERATION',
        'A DocumentReference may be superseded only by a replacing DocumentReference of the same bundle',
        ref,
      );
    }
  }
}

function checkMembers(
  list: List,
  ref: string,
  knownRefs: ReadonlySet<string>,
  problems: ProblemList,
): void {
  for (const item of list.entry ?? []) {
    const target = item.item.reference;
    if (!target || !knownRefs.has(target)) {
      problems.add({
        code: 'UNRESOLVED_REFERENCE',
        message: `SubmissionSet entry ${excerpt(target ?? '(empty)')} is not a DocumentReference or Folder of the bundle`,
        location: ref,
      });
    }
  }
}

interface FolderUpdate {
  /** The List id of the registered Folder: its entryUUID without `urn:uuid:`. */
  readonly id: string;
  readonly ref: string;
  readonly list: List;
}

const LIST_ID = /^[A-Za-z0-9.-]{1,64}$/;

/**
 * An update (PUT) of a registered Folder List: how MHD adds documents to an existing Folder
 * (ITI-65, "Folder - existing Folder to be updated"). Its URL is `List/[id]` (FHIR update); the
 * IHE example's bare `List`, with the id in the resource, is read too.
 */
function folderUpdateFrom(entry: BundleEntry<FhirResource>, ref: string): FolderUpdate {
  const list = entry.resource;
  const url = entry.request?.url ?? '';
  const id = url === 'List' ? list?.id : /^List\/([^/?]+)$/.exec(url)?.[1];
  if (list?.resourceType !== 'List' || listKind(list) !== 'folder' || !id || !LIST_ID.test(id)) {
    throw new DomainError(
      'UNSUPPORTED_OPERATION',
      'In an ITI-65 bundle, PUT may only update a Folder List, at List/[id]',
      ref,
    );
  }
  if (list.id !== undefined && list.id !== id) {
    throw new DomainError(
      'INVALID_RESOURCE',
      `List.id ${excerpt(list.id)} differs from the updated List/${excerpt(id)}`,
      ref,
    );
  }
  return { id, ref, list };
}

/**
 * The entries of an updated Folder List: a DocumentReference of the bundle, or a registered one
 * (`DocumentReference/[id]`), each a HasMember from the registered Folder — the registry adds
 * those that are not members yet. An entry no longer listed stays a member: XDS removes none.
 */
function folderAdditions(
  { id, ref, list }: FolderUpdate,
  submissionSet: SubmissionSetDraft,
  documentRefs: ReadonlySet<string>,
): AssociationDraft[] {
  const patientId = patientIdFromReference(list.subject, ref);
  if (patientId && submissionSet.patientId && !patientId.equals(submissionSet.patientId)) {
    throw new DomainError(
      'PATIENT_ID_MISMATCH',
      `The Folder's subject ${patientId.key} differs from the SubmissionSet's ${submissionSet.patientId.key}`,
      ref,
    );
  }
  const source = { existingFolderUuid: `urn:uuid:${id.toLowerCase()}` };
  return (list.entry ?? []).map((item): AssociationDraft => {
    const target = item.item.reference ?? '';
    if (documentRefs.has(target)) return { type: 'HasMember', source, target: { ref: target } };
    const registered = /^DocumentReference\/([A-Za-z0-9.-]{1,64})$/.exec(target);
    if (registered) {
      return {
        type: 'HasMember',
        source,
        target: { existingLogicalId: `urn:uuid:${registered[1]}` },
      };
    }
    throw new DomainError(
      'UNRESOLVED_REFERENCE',
      `Folder entry ${excerpt(target || '(empty)')} is neither a DocumentReference of the bundle nor a registered one`,
      ref,
    );
  });
}

function folderMemberships(
  lists: readonly { list: List; ref: string }[],
  knownRefs: ReadonlySet<string>,
  problems: ProblemList,
): AssociationDraft[] {
  return lists
    .filter(({ list }) => listKind(list) === 'folder')
    .flatMap(({ list, ref }) =>
      (list.entry ?? []).flatMap((item): AssociationDraft[] => {
        const target = item.item.reference ?? '';
        if (!knownRefs.has(target)) {
          problems.add({
            code: 'UNRESOLVED_REFERENCE',
            message: `Folder entry ${excerpt(target)} is not in the bundle`,
            location: ref,
          });
          return [];
        }
        return [{ type: 'HasMember', source: { ref }, target: { ref: target } }];
      }),
    );
}
