/** A data key wrapped by a key-encryption key (KEK), and which KEK wrapped it. */
export interface WrappedKey {
  readonly keyId: string;
  readonly wrapped: Buffer;
}

/**
 * A KMS-style port: wraps and unwraps the patients' data keys with key-encryption keys it never
 * gives out. `context` (the patient key) is bound to the wrapped key, which therefore unwraps for
 * that patient only. New wraps use the newest KEK; an unwrap uses the KEK the wrapped key names,
 * so keys wrapped before a rotation stay readable until they are rewrapped.
 */
export interface KeyEncryptionService {
  wrap(dataKey: Buffer, context: string): Promise<WrappedKey>;
  unwrap(wrapped: WrappedKey, context: string): Promise<Buffer>;
  /** The KEK new wraps use. */
  currentKeyId(): string;
  /** Every KEK this service can unwrap with. */
  keyIds(): readonly string[];
}
