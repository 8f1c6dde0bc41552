/**
 * ORU^R01 messages shaped like the ANS example of the volet "Transmission de documents CDA en
 * HL7v2" v2.1 (github.com/ansforge/hl7V2-exemples, Vague 2/Trans_Doc-CDA-HL7V2/
 * TRANSMISSION_DOCS_CDA_EN_HL7V2_V2.1/ORU/Transmission initiale ORU/
 * message_ORU_CR_Bio_INIT_N3_SEGUR.hl7, answered by ack.hl7 of the same folder with
 * ACK^R01^ACK): MSH, PID, PV1, ORC, OBR, the report in an OBX ED (^TEXT^XML^Base64^…), then the
 * volet's MetaDMPMSS flags, among them an ED mail body that is not the document; with this
 * test's patient, document and sending application.
 */
export interface R01Parts {
  /** The report: a CDA R2, or a PDF in OBX-5 (^AP^PDF^Base64^…). */
  readonly cda?: Buffer;
  readonly pdf?: Buffer;
  /** OBX-21 (the PDF's unique id), OBR-32 (its author, NDL), OBR-22 (its report time). */
  readonly observationId?: string;
  readonly interpreter?: string;
  readonly reportTime?: string;
  readonly nir: string;
  readonly controlId?: string;
  /** OBR-4, the document type (the CDA's type unless given). */
  readonly obrType?: string;
  /** OBX-11 of the report: F a new report, C a correction. */
  readonly status?: 'F' | 'C' | 'D';
  /** OBX-5 as written, instead of the base64 CDA. */
  readonly obx5?: string;
  readonly withoutObr?: boolean;
}

export function oruR01(parts: R01Parts): string {
  const type = parts.obrType ?? '11502-2';
  return [
    `MSH|^~\\&|SIL-TEST^1.2.250.1.999.7^ISO|labo|PASSERELLE|DMP|202403121435||ORU^R01^ORU_R01|${parts.controlId ?? 'ORU-0001'}|P|2.5|||||FRA|8859/15|||2.1^CISIS_CDA_HL7_V2`,
    `PID|||${parts.nir}^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.10&ISO^INS||MARCHAND^Lucas^Lucas^^^^L||19840512|M`,
    'PV1|1|O|LABO',
    'ORC|NW|98765431^Nephro|1001-E1^labo|777^CHAbbeville|||||202403120710',
    ...(parts.withoutObr ? [] : [obr(parts, type)]),
    `OBX|1|ED|11502-2^CR d'examens biologiques^LN||${parts.obx5 ?? reportEd(parts)}||||||${parts.status ?? 'F'}||||||||||${parts.observationId ?? ''}`,
    'OBX|2|CE|MASQUE_PS^Masqué aux professionnels de Santé^MetaDMPMSS||N^^expandedYes-NoIndicator||||||F|',
    'OBX|3|CE|INVISIBLE_PATIENT^Document Non Visible par le patient^MetaDMPMSS||N^^expandedYes-NoIndicator||||||F|',
    'OBX|4|CE|INVISIBLE_REP_LEGAUX^Non visible par les représentants Légaux du patient^MetaDMPMSS||Y^^expandedYes-NoIndicator||||||F|',
    `OBX|5|ED|CORPSMAIL_PS^Corps du mail pour un PS^MetaDMPMSS||^TEXT^^Base64^${Buffer.from('Cher confrère, ci-joint le CR.').toString('base64')}||||||F|`,
  ].join('\r');
}

function reportEd(parts: R01Parts): string {
  return parts.pdf
    ? `^AP^PDF^Base64^${parts.pdf.toString('base64')}`
    : `^TEXT^XML^Base64^${(parts.cda ?? Buffer.alloc(0)).toString('base64')}`;
}

function obr(parts: R01Parts, type: string): string {
  const fields = [
    'OBR',
    '1',
    '98765431^Nephro',
    '1001-E1^labo',
    `${type}^CR d'examens biologiques^LN`,
  ];
  fields[7] = '202403120710';
  fields[16] = '^BLUE^Eva^^^DR^^^^D';
  fields[22] = parts.reportTime ?? '';
  fields[25] = 'F';
  fields[32] = parts.interpreter ?? '';
  return Array.from(fields, (field) => field ?? '').join('|');
}
