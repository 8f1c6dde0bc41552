import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { OidcStore } from '../ports';

/** The provider's storage interface over {@link OidcStore}: one adapter per model name. */
export function oidcAdapterFor(store: OidcStore) {
  return class implements Adapter {
    constructor(private readonly model: string) {}

    upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
      const expiresAt = expiresIn ? new Date(Date.now() + expiresIn * 1000) : undefined;
      return store.upsert(this.model, id, payload, expiresAt);
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      return await store.find(this.model, id);
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return await store.findByUid(this.model, uid);
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return await store.findByUserCode(this.model, userCode);
    }

    consume(id: string): Promise<void> {
      return store.consume(this.model, id);
    }

    destroy(id: string): Promise<void> {
      return store.destroy(this.model, id);
    }

    revokeByGrantId(grantId: string): Promise<void> {
      return store.revokeByGrantId(grantId);
    }
  };
}
