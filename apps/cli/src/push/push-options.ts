import { Command, InvalidArgumentError } from 'commander';
import { CliError, EXIT, invalidInput } from '../cli-error';
import { DEFAULT_INS_OID } from '../patient-arguments';
import { apiTarget } from '../records-client';
import { authorFromCertificate } from './certificate-author';
import { GatewayTarget, readOptionFile } from './mhd-client';
import { MetadataOptions, draftFromOptions } from './metadata-sources';
import type { PushSettings } from './prepare-document';
import { signingIdentityOf } from './sign-submission';
import type { TransportKind } from './transport';
import { UUID_OID_ROOT, isOid, isUsableUniqueIdRoot } from './unique-ids';

export interface GatewayOptions {
  readonly server?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly ca?: string;
  readonly assertion?: string;
  readonly json?: boolean;
}

export interface PushOptions extends GatewayOptions, MetadataOptions {
  readonly xds?: boolean;
  readonly metadata?: string;
  readonly sourceId: string;
  readonly uidRoot: string;
  readonly dryRun?: boolean;
  readonly sign?: boolean;
  readonly signCert?: string;
  readonly signKey?: string;
}

export function withGatewayOptions(command: Command): Command {
  return command
    .option('--server <url>', "the gateway's https:// URL, e.g. https://localhost:8443")
    .option('--cert <file>', 'client certificate (PEM) presented to the gateway')
    .option('--key <file>', 'private key (PEM) of the client certificate')
    .option('--ca <file>', "CA certificate (PEM) that issued the gateway's certificate")
    .option('--assertion <file>', 'access assertion (JWS, compact form) sent as Bearer')
    .option('--json', 'print JSON for scripts');
}

/** The metadata flags shared by push and watch; each wins over the document's own metadata. */
export function withMetadataOptions(command: Command): Command {
  return command
    .requiredOption(
      '--source-id <oid>',
      "the sending system's OID (SubmissionSet.sourceId)",
      oidArgument('--source-id'),
    )
    .option('--xds', 'send over XDS.b (ITI-41) instead of MHD (ITI-65)')
    .option(
      '--metadata <file>',
      'metadata file (JSON) for every document, instead of <file>.meta.json',
    )
    .option('--ins <ins>', "the patient's INS, when the document does not carry it")
    .option(
      '--oid <oid>',
      'INS authority of --ins: .8 NIR, .9 NIA, .10 NIR test, .11 NIR demo',
      DEFAULT_INS_OID,
    )
    .option('--title <text>', 'document title')
    .option('--type <code>', 'typeCode: LOINC code, or system|code')
    .option('--class <code>', 'classCode (TRE_A03); by default from the type')
    .option('--format <code>', 'formatCode (a urn:ihe: or urn:asip: code)')
    .option('--confidentiality <codes>', 'N, R or V and restriction codes, e.g. N,MASQUE_PS')
    .option('--facility-type <code>', 'healthcareFacilityTypeCode (TRE_R02), e.g. SA01')
    .option('--practice-setting <code>', 'practiceSettingCode (TRE_A01), e.g. ETABLISSEMENT')
    .option('--content-type <code>', 'SubmissionSet contentTypeCode (TRE_R209), e.g. 07')
    .option('--service-start <date>', 'serviceStartTime: YYYY-MM-DD or ISO date-time with offset')
    .option('--service-stop <date>', 'serviceStopTime')
    .option('--language <code>', 'languageCode (default fr-FR)')
    .option('--mime-type <type>', 'mimeType, when the file extension does not say it')
    .option(
      '--uid-root <oid>',
      'OID under which a file without its own id gets a stable uniqueId',
      oidArgument('--uid-root'),
      UUID_OID_ROOT,
    )
    .option(
      '--sign',
      'sign each submission set (IHE DSG, XAdES): a signature document over the document is sent with it',
    )
    .option(
      '--sign-cert <file>',
      'with --sign: signing certificate (PEM, chain allowed); default --cert',
    )
    .option('--sign-key <file>', 'with --sign: private key (PEM) of --sign-cert; default --key');
}

function oidArgument(flag: string) {
  return (value: string): string => {
    if (!isOid(value)) throw new InvalidArgumentError(`${flag} must be an OID, e.g. 1.2.250.1.999`);
    if (flag === '--uid-root' && !isUsableUniqueIdRoot(value)) {
      throw new InvalidArgumentError(
        '--uid-root is too long to leave room for the id (24 characters at most)',
      );
    }
    return value;
  };
}

/** The gateway connection; `--server`, `--cert` and `--key` are required. */
export function gatewayTargetOf(options: GatewayOptions): GatewayTarget {
  if (!options.server) {
    throw invalidInput("--server is required: the gateway's https:// URL");
  }
  const assertion = options.assertion && readAssertion(options.assertion);
  return { ...apiTarget(options.server, options), ...(assertion ? { assertion } : {}) };
}

export function transportKindOf(options: PushOptions): TransportKind {
  return options.xds ? 'xds' : 'mhd';
}

/** What every document of a push or watch shares; the metadata flags are checked here once. */
export function pushSettingsOf(options: PushOptions): PushSettings {
  if (!options.sign && (options.signCert || options.signKey)) {
    throw invalidInput('--sign-cert and --sign-key go with --sign');
  }
  const submitter = options.cert
    ? authorFromCertificate(readOptionFile('--cert', options.cert))
    : undefined;
  return {
    overrides: draftFromOptions(options),
    ...(options.metadata ? { metadataFile: options.metadata } : {}),
    uniqueIdRoot: options.uidRoot,
    sourceId: options.sourceId,
    ...(submitter ? { submitter } : {}),
    ...(options.sign ? { signer: signingIdentityOf(options) } : {}),
  };
}

const JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

function readAssertion(path: string): string {
  const text = readOptionFile('--assertion', path).toString('utf8').trim();
  if (!JWS.test(text)) {
    throw new CliError(
      '--assertion must hold a JWS in compact form (header.payload.signature)',
      EXIT.INVALID,
    );
  }
  return text;
}
