/**
 * MDM^T02 messages shaped like the ANS examples of the volet "Transmission de documents CDA en
 * HL7v2" v2.1 (github.com/ansforge/hl7V2-exemples, Vague 2/Trans_Doc-CDA-HL7V2/
 * TRANSMISSION_DOCS_CDA_EN_HL7V2_V2.1/MDM/Transmission initiale MDM/
 * message_MDM_CR_Radio_INIT_N1_Base64.er7, and the OBX flags of the volet's exemples page):
 * the same segments and fields, with this test's patient, document and sending application.
 */

/** A CDA version replacing the document `parentId` (root^extension or a UUID root). */
export function replacing(cda: Buffer, parentId: string): Buffer {
  const [root, extension] = parentId.split('^');
  const related = `<relatedDocument typeCode="RPLC"><parentDocument><id root="${root}"${extension ? ` extension="${extension}"` : ''}/></parentDocument></relatedDocument>`;
  return Buffer.from(
    cda.toString('utf8').replace(/(\s*<componentOf>|\s*<component>)/, `${related}$1`),
  );
}
export interface T02Parts {
  /** The document: a CDA R2, or a PDF in OBX-5 (^AP^PDF^Base64^…). */
  readonly cda?: Buffer;
  readonly pdf?: Buffer;
  /** TXA-9 (XCN), TXA-6 and TXA-18, which give a PDF its author, creation and confidentiality. */
  readonly originator?: string;
  readonly originationTime?: string;
  readonly confidentiality?: string;
  /** The volet's sender PRT (PRT-4 SB), its organization in PRT-8. */
  readonly sender?: string;
  readonly nir: string;
  readonly insOid?: string;
  readonly controlId?: string;
  readonly typeCode?: string;
  readonly txaUniqueId?: string;
  readonly sendingApplication?: string;
  /** MASQUE_PS, INVISIBLE_PATIENT, INVISIBLE_REP_LEGAUX → Y or N (N when not given). */
  readonly flags?: Readonly<Record<string, 'Y' | 'N'>>;
  /** OBX-5 as written, instead of the base64 CDA. */
  readonly obx5?: string;
  /** T10: a replacement (OBX-11 C, TXA-13 the replaced document when given). */
  readonly event?: 'T02' | 'T10';
  readonly parentDocument?: string;
}

const FLAG_LABELS: Readonly<Record<string, string>> = {
  MASQUE_PS: 'Masqué aux professionnels de Santé',
  INVISIBLE_PATIENT: 'Document Non Visible par le patient',
  INVISIBLE_REP_LEGAUX: 'Non visible par les représentants Légaux du patient',
};

export function mdmT02(parts: T02Parts): string {
  const type = parts.typeCode ?? '11502-2';
  const event = parts.event ?? 'T02';
  const status = event === 'T10' ? 'C' : 'F';
  const flags = Object.entries(FLAG_LABELS).map(
    ([flag, label], index) =>
      `OBX|${index + 2}|CE|${flag}^${label}^MetaDMPMSS||${parts.flags?.[flag] ?? 'N'}^^expandedYes-NoIndicator||||||F|`,
  );
  return [
    `MSH|^~\\&|${parts.sendingApplication ?? 'SIL-TEST^1.2.250.1.999.7^ISO'}|Laboratoire-Test|PASSERELLE|DMP|20240312143500||MDM^${event}^MDM_T02|${parts.controlId ?? 'MSG-0001'}|P|2.6|||||FRA|UNICODE UTF-8|||2.1^CISIS_CDA_HL7_V2`,
    'EVN||20240312143500',
    `PID|||${parts.nir}^^^ASIP-SANTE-INS-NIR&${parts.insOid ?? '1.2.250.1.213.1.4.10'}&ISO^INS~IPP-778812^^^LABO&1.2.250.1.999.4.2&ISO^PI||MARCHAND^Lucas^Lucas^^^^L||19840512|M`,
    'PV1|1|O|LABO',
    txa(parts, type),
    `OBX|1|ED|${type}^CR d'examens biologiques^LN||${parts.obx5 ?? documentEd(parts)}||||||${status}|`,
    ...(parts.sender ? [parts.sender] : []),
    ...flags,
  ].join('\r');
}

function documentEd(parts: T02Parts): string {
  return parts.pdf
    ? `^AP^PDF^Base64^${parts.pdf.toString('base64')}`
    : `^text^XML^Base64^${(parts.cda ?? Buffer.alloc(0)).toString('base64')}`;
}

function txa(parts: T02Parts, type: string): string {
  const fields = ['TXA', '1', type, 'TEXT', '20240312143000'];
  fields[6] = parts.originationTime ?? '';
  fields[9] = parts.originator ?? '';
  fields[12] = parts.txaUniqueId ?? '';
  fields[13] = parts.parentDocument ?? '';
  fields[17] = 'AU';
  fields[18] = parts.confidentiality ?? '';
  return Array.from(fields, (field) => field ?? '').join('|');
}

/** The volet's sender PRT (the example of its volume 2), for the structure `structureId`. */
export function senderPrt(structureId: string): string {
  return `PRT||UC||SB^Send By^participation|801234567866^Dupont^Jean^^^^^^ASIP-SANTE-PS&1.2.250.1.71.4.2.1&ISO^D^^^RPPS|||Laboratoire de Biologie Médicale de Test^^^^^ASIP-SANTE-ST&1.2.250.1.71.4.2.2&ISO^FINEG^^^${structureId}`;
}

/** MDM^T11 (document cancel notification): TXA-12.1 the document's uniqueId, escaped. */
export function mdmT11(parts: { nir: string; uniqueId: string; controlId?: string }): string {
  return [
    `MSH|^~\\&|SIL-TEST^1.2.250.1.999.7^ISO|Laboratoire-Test|PASSERELLE|DMP|20240313090000||MDM^T11^MDM_T01|${parts.controlId ?? 'MSG-0002'}|P|2.6|||||FRA|UNICODE UTF-8|||2.1^CISIS_CDA_HL7_V2`,
    'EVN||20240313090000',
    `PID|||${parts.nir}^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.10&ISO^INS||MARCHAND^Lucas^Lucas^^^^L||19840512|M`,
    'PV1|1|O|LABO',
    `TXA|1|11502-2|TEXT|20240312143000||||||||${parts.uniqueId.replace(/\^/g, '\\S\\')}|||||AU`,
  ].join('\r');
}
