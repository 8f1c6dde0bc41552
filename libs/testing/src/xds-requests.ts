import { freshPatient } from './patients';

export * from '../../../conformance/runner/xds-messages';

const INS_NIR_TEST = '1.2.250.1.213.1.4.10';

/** A fresh test patient in its XDS forms: CX for metadata, FHIR token for MHD. */
export interface XdsPatient {
  readonly nir: string;
  readonly cx: string;
  readonly token: string;
}

export function freshXdsPatient(): XdsPatient {
  const { nir, token } = freshPatient();
  return { nir, cx: `${nir}^^^&${INS_NIR_TEST}&ISO`, token };
}
