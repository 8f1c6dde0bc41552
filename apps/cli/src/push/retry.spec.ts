import { backoffDelay, withRetries } from './retry';

const POLICY = { attempts: 4, firstDelayMs: 500, maxDelayMs: 1500 };

describe('withRetries', () => {
  it('doubles the delay after each failure, up to the maximum', () => {
    expect([1, 2, 3, 4].map((attempt) => backoffDelay(POLICY, attempt))).toEqual([
      500, 1000, 1500, 1500,
    ]);
  });

  it('gives up after the last attempt with the last error', async () => {
    const slept: number[] = [];
    let calls = 0;
    const work = () => Promise.reject(new Error(`failure ${++calls}`));
    await expect(
      withRetries(work, POLICY, {
        retryable: () => true,
        sleep: (ms) => Promise.resolve(void slept.push(ms)),
      }),
    ).rejects.toThrow('failure 4');
    expect(slept).toEqual([500, 1000, 1500]);
  });

  it('does not retry what is not retryable', async () => {
    let calls = 0;
    const work = () => Promise.reject(new Error(`failure ${++calls}`));
    await expect(withRetries(work, POLICY, { retryable: () => false })).rejects.toThrow(
      'failure 1',
    );
    expect(calls).toBe(1);
  });
});
