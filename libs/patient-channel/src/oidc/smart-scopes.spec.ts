import { scopesPermit } from './smart-scopes';

describe('SMART patient scopes', () => {
  it.each([
    [['patient/*.rs'], 'GET', 'DocumentReference', true],
    [['patient/*.rs'], 'GET', 'DocumentReference/abc', true],
    [['patient/*.rs'], 'POST', 'Patient/x/$block', false],
    [['patient/*.rs'], 'DELETE', 'DocumentReference/abc', false],
    [['patient/*.cruds'], 'POST', 'Patient/x/$block', true],
    [['patient/*.cruds'], 'PATCH', 'DocumentReference/abc', true],
    [['patient/DocumentReference.rs'], 'GET', 'DocumentReference', true],
    [['patient/DocumentReference.rs'], 'GET', 'AuditEvent', false],
    [['patient/DocumentReference.r'], 'GET', 'DocumentReference', false],
    [['patient/DocumentReference.s'], 'GET', 'DocumentReference/abc', false],
    [['patient/*.read'], 'GET', 'Consent', true],
    [['patient/*.read'], 'POST', 'Patient/x/$close', false],
    [['patient/*.write'], 'DELETE', 'DocumentReference/abc', true],
    [['user/*.cruds', 'openid'], 'GET', 'DocumentReference', false],
    [[], 'GET', 'DocumentReference', false],
  ] as const)('%j %s %s → %s', (scopes, method, path, expected) => {
    expect(scopesPermit(scopes, method, path)).toBe(expected);
  });
});
