import { freshOid } from '@passerelle/testing';
import { ACTIONS, soapCall } from './xds-fixtures';

export const APPROVED = 'urn:oasis:names:tc:ebxml-regrep:StatusType:Approved';
export const ARCHIVED = 'urn:asip:ci-sis:2010:StatusType:Archived';

/**
 * ITI-57 status change of one document (UpdateAvailabilityStatus), with its SubmissionSet for
 * the patient `cx`.
 */
export function statusUpdateRequest(cx: string, logicalId: string, from: string, to: string) {
  const escaped = cx.replace(/&/g, '&amp;');
  const slot = (name: string, value: string) =>
    `<rim:Slot name="${name}"><rim:ValueList><rim:Value>${value}</rim:Value></rim:ValueList></rim:Slot>`;
  const body =
    '<lcm:SubmitObjectsRequest xmlns:lcm="urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0" xmlns:rim="urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0"><rim:RegistryObjectList>' +
    `<rim:RegistryPackage id="SubmissionSet01">${slot('submissionTime', '20261122100000')}` +
    '<rim:Classification id="urn:uuid:aaaaaaaa-0000-4000-8000-000000000001" classificationScheme="urn:uuid:a7058bb9-b4e4-4307-ba5b-e3f0ab85e12d" classifiedObject="SubmissionSet01" nodeRepresentation="">' +
    `${slot('authorPerson', '810000000017^MARTIN^Jeanne^^^^^^&amp;1.2.250.1.71.4.2.1&amp;ISO')}</rim:Classification>` +
    `<rim:Classification id="urn:uuid:aaaaaaaa-0000-4000-8000-000000000002" classificationScheme="urn:uuid:aa543740-bdda-424e-8c96-df4873be8500" classifiedObject="SubmissionSet01" nodeRepresentation="04">${slot('codingScheme', '1.2.250.1.213.2.2')}</rim:Classification>` +
    `<rim:ExternalIdentifier id="urn:uuid:aaaaaaaa-0000-4000-8000-000000000003" identificationScheme="urn:uuid:96fdda7c-d067-4183-912e-bf5ee74998a8" registryObject="SubmissionSet01" value="${freshOid()}"/>` +
    '<rim:ExternalIdentifier id="urn:uuid:aaaaaaaa-0000-4000-8000-000000000004" identificationScheme="urn:uuid:554ac39e-e3fe-47fe-b233-965d2a147832" registryObject="SubmissionSet01" value="1.2.250.1.999.2"/>' +
    `<rim:ExternalIdentifier id="urn:uuid:aaaaaaaa-0000-4000-8000-000000000005" identificationScheme="urn:uuid:6b5aea1a-874d-4603-a4bc-96a0a7b38446" registryObject="SubmissionSet01" value="${escaped}"/>` +
    '</rim:RegistryPackage>' +
    '<rim:Classification id="urn:uuid:aaaaaaaa-0000-4000-8000-000000000006" classifiedObject="SubmissionSet01" classificationNode="urn:uuid:a54d6aa5-d40d-43f9-88c5-b4633d873bdd"/>' +
    `<rim:Association id="urn:uuid:aaaaaaaa-0000-4000-8000-000000000007" associationType="urn:ihe:iti:2010:AssociationType:UpdateAvailabilityStatus" sourceObject="SubmissionSet01" targetObject="${logicalId}">` +
    `${slot('OriginalStatus', from)}${slot('NewStatus', to)}</rim:Association>` +
    '</rim:RegistryObjectList></lcm:SubmitObjectsRequest>';
  return soapCall(ACTIONS.update, body);
}
