import { FhirClient, TimedResponse } from './fhir-client';
import { NIR_TEST_SYSTEM, nirOf, patientResource } from './fixtures';
import { PhaseContext, PhaseResult, timedPhase } from './phases';
import { findDocuments, provideAndRegisterMtom } from './xds-messages';

export interface XdsResults {
  /** ITI-41 Provide and Register, MTOM, one document of --doc-size bytes per request. */
  readonly ingest: PhaseResult & { readonly documents: number };
  /** ITI-18 FindDocuments (LeafClass) on the patient holding every ingested document, c=1. */
  readonly findDocuments: PhaseResult & { readonly documentsPerAnswer: number };
  /** The same FindDocuments answered as ObjectRefs, c=1. */
  readonly findDocumentRefs: PhaseResult & { readonly documentsPerAnswer: number };
}

const SUCCESS = 'urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success';
/** Far above the MHD phases' patient indexes: a patient of its own. */
const XDS_PATIENT_INDEX = 900_000_000;

/**
 * The XDS.b door: `documents` ITI-41 submissions (MTOM) into one patient's record, then
 * `queries` FindDocuments on that patient, one at a time, each answer holding every document:
 * LeafClass (the entries), then ObjectRef (their ids).
 */
export async function runXdsPhases(
  push: FhirClient,
  consult: FhirClient,
  context: PhaseContext,
  documents: number,
  queries: number,
): Promise<XdsResults> {
  const nir = nirOf(XDS_PATIENT_INDEX + (Date.now() % 1_000_000));
  const opened = await consult.send('POST', '/fhir/Patient', patientResource(nir), {
    'if-none-exist': `identifier=${NIR_TEST_SYSTEM}|${nir}`,
  });
  if (opened.status >= 300) context.errors.record(`XDS patient ${nir}`, opened.text);
  const { oids } = context.plan;
  const ingest = await timedPhase(
    context,
    { label: 'iti41', total: documents, concurrency: context.concurrency },
    (index) =>
      checked(context, `ITI-41 #${index}`, () => {
        const request = provideAndRegisterMtom(
          nir,
          oids.document(XDS_PATIENT_INDEX + index),
          oids.submissionSet(XDS_PATIENT_INDEX + index),
          context.docSize,
        );
        return push.send('POST', '/xds/repository', request.body, {
          'content-type': request.contentType,
        });
      }),
  );
  const findDocuments = await findDocumentsPhase(consult, context, nir, 'LeafClass', queries);
  const findDocumentRefs = await findDocumentsPhase(consult, context, nir, 'ObjectRef', queries);
  return { ingest: { ...ingest, documents }, findDocuments, findDocumentRefs };
}

/** `queries` FindDocuments on the patient, one at a time; counts the objects of the answer. */
async function findDocumentsPhase(
  consult: FhirClient,
  context: PhaseContext,
  nir: string,
  returnType: 'LeafClass' | 'ObjectRef',
  queries: number,
): Promise<PhaseResult & { readonly documentsPerAnswer: number }> {
  const object = returnType === 'LeafClass' ? /<rim:ExtrinsicObject /g : /<rim:ObjectRef /g;
  let documentsPerAnswer = 0;
  const found = await timedPhase(
    context,
    {
      label: returnType === 'LeafClass' ? 'iti18' : 'iti18-objectref',
      total: queries,
      concurrency: 1,
    },
    async (index) => {
      const request = findDocuments(nir, returnType);
      const response = await consult.send('POST', '/xds/registry', request.body, {
        'content-type': request.contentType,
      });
      documentsPerAnswer = (response.text.match(object) ?? []).length;
      if (response.status !== 200 || !response.text.includes(SUCCESS)) {
        context.errors.record(
          `ITI-18 ${returnType} #${index}: HTTP ${response.status}`,
          response.text,
        );
      }
      return response;
    },
  );
  return { ...found, documentsPerAnswer };
}

async function checked(
  context: PhaseContext,
  label: string,
  send: () => Promise<TimedResponse & { text: string }>,
): Promise<TimedResponse> {
  const response = await send();
  if (response.status !== 200 || !response.text.includes(SUCCESS)) {
    context.errors.record(`${label}: HTTP ${response.status}`, response.text.slice(0, 2000));
  }
  return response;
}
