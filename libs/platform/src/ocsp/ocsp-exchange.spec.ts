import { OCSPRequest } from '@peculiar/asn1-ocsp';
import { AsnConvert } from '@peculiar/asn1-schema';
import { type OcspResponderSetup, opensslOcspAnswer } from '@passerelle/testing';
import { X509Certificate } from 'node:crypto';
import { createRootCa, issueCertificate } from '../pki';
import { OcspFailure, aiaOcspUrls, ocspAnswer, ocspQuestion } from './ocsp-exchange';

describe('OCSP request and response (against openssl ocsp)', () => {
  const ca = createRootCa('OCSP test root');
  const sameNameOtherKey = createRootCa('OCSP test root');
  const client = (ocspUrl?: string) =>
    issueCertificate(ca, { subject: [[{ type: 'CN', value: 'client' }]], kind: 'client', ocspUrl });
  const good = client('http://ocsp.example.test/');
  const revoked = client();
  const absent = client();
  const delegated = issueCertificate(ca, {
    subject: [[{ type: 'CN', value: 'OCSP responder' }]],
    kind: 'ocsp-signing',
  });
  const notForOcsp = issueCertificate(ca, {
    subject: [[{ type: 'CN', value: 'just a client' }]],
    kind: 'client',
  });
  const foreignResponder = issueCertificate(sameNameOtherKey, {
    subject: [[{ type: 'CN', value: 'OCSP responder' }]],
    kind: 'ocsp-signing',
  });
  const setup = (signer = ca, nextUpdateMinutes: number | undefined = 10): OcspResponderSetup => ({
    ca,
    signer,
    nextUpdateMinutes,
    entries: [
      { certificate: good },
      { certificate: revoked, revokedAt: new Date(Date.now() - 3600_000) },
    ],
  });
  const caCert = new X509Certificate(ca.certPem);
  const ask = (certificate: typeof good, responder = setup(), now = new Date()) => {
    const question = ocspQuestion(new X509Certificate(certificate.certPem), caCert);
    return ocspAnswer(question, opensslOcspAnswer(responder, question.der), now);
  };
  const failureOf = (run: () => unknown): string => {
    try {
      run();
    } catch (error) {
      if (error instanceof OcspFailure) return error.message;
      throw error;
    }
    throw new Error('no OcspFailure');
  };

  it('builds a request of one SHA-1 CertID for the serial, with a nonce', () => {
    const leaf = new X509Certificate(good.certPem);
    const question = ocspQuestion(leaf, caCert);
    const request = AsnConvert.parse(question.der, OCSPRequest);
    const [single] = request.tbsRequest.requestList;
    expect(single.reqCert.hashAlgorithm.algorithm).toBe('1.3.14.3.2.26');
    expect(Buffer.from(single.reqCert.serialNumber).toString('hex').replace(/^00/, '')).toBe(
      leaf.serialNumber.toLowerCase().replace(/^00/, ''),
    );
    expect(request.tbsRequest.requestExtensions?.[0].extnID).toBe('1.3.6.1.5.5.7.48.1.2');
    expect(ocspQuestion(leaf, caCert).nonce.equals(question.nonce)).toBe(false);
  });

  it('reads good, revoked and unknown answers signed by the CA, with their update times', () => {
    const answer = ask(good);
    expect(answer.status).toBe('good');
    expect(answer.nextUpdate!.getTime() - answer.thisUpdate.getTime()).toBe(10 * 60_000);
    expect(ask(revoked).status).toBe('revoked');
    expect(ask(absent).status).toBe('unknown');
  });

  it('accepts an answer signed by a responder certificate the CA issued for OCSP signing', () => {
    expect(ask(revoked, setup(delegated)).status).toBe('revoked');
  });

  it.each([
    ['a key of another CA of the same name', () => setup(sameNameOtherKey), /does not verify/],
    ['a responder certificate of another CA', () => setup(foreignResponder), /not issued by/],
    ['a certificate of the CA not for OCSP signing', () => setup(notForOcsp), /not for OCSP/],
  ])('refuses an answer signed with %s', (_name, responder, reason) => {
    expect(failureOf(() => ask(good, responder()))).toMatch(reason);
  });

  it('refuses an answer past its nextUpdate, or to another question', () => {
    const later = new Date(Date.now() + 20 * 60_000);
    expect(failureOf(() => ask(good, setup(), later))).toMatch(/past its nextUpdate/);
    const question = ocspQuestion(new X509Certificate(good.certPem), caCert);
    const other = ocspQuestion(new X509Certificate(revoked.certPem), caCert);
    const answer = opensslOcspAnswer(setup(), other.der);
    expect(failureOf(() => ocspAnswer(question, answer, new Date()))).toMatch(/nonce|no answer/);
    const sameNonce = { ...question, nonce: other.nonce };
    expect(failureOf(() => ocspAnswer(sameNonce, answer, new Date()))).toMatch(/no answer/);
  });

  it('refuses what is not a successful OCSP response', () => {
    const question = ocspQuestion(new X509Certificate(good.certPem), caCert);
    expect(failureOf(() => ocspAnswer(question, Buffer.from('nonsense'), new Date()))).toMatch(
      /not a DER OCSPResponse/,
    );
    // OCSPResponse { responseStatus tryLater }
    const tryLater = Buffer.from('30030a0103', 'hex');
    expect(failureOf(() => ocspAnswer(question, tryLater, new Date()))).toMatch(/tryLater/);
  });

  it('reads the OCSP URL of the Authority Information Access extension', () => {
    expect(aiaOcspUrls(new X509Certificate(good.certPem))).toEqual(['http://ocsp.example.test/']);
    expect(aiaOcspUrls(new X509Certificate(revoked.certPem))).toEqual([]);
  });
});
