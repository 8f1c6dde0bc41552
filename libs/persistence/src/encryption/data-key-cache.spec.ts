import { randomBytes } from 'node:crypto';
import { DataKeyCache } from './patient-data-keys';

describe('the in-memory cache of unwrapped data keys', () => {
  it('forgets a key after its time', () => {
    let now = 0;
    const cache = new DataKeyCache({ ttlMs: 1000, now: () => now });
    const key = randomBytes(32);
    cache.set('a', key);
    now = 999;
    expect(cache.get('a')).toBe(key);
    now = 1000;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('holds at most its bound, dropping the least recently used', () => {
    const cache = new DataKeyCache({ maxEntries: 2 });
    cache.set('a', randomBytes(32));
    cache.set('b', randomBytes(32));
    cache.get('a');
    cache.set('c', randomBytes(32));
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('c')).toBeDefined();
  });

  it('forgets an evicted key at once', () => {
    const cache = new DataKeyCache();
    cache.set('a', randomBytes(32));
    cache.evict('a');
    expect(cache.get('a')).toBeUndefined();
  });
});
