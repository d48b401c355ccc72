import { describe, expect, it } from 'vitest';
import { CloudApiError } from '../../lib/cloud/errors.ts';
import {
  backoffDelay,
  RETRY_DEFAULTS,
  RetriesExhaustedError,
  RetryBudget,
  withRetry,
} from '../../lib/engine/retry.ts';
import { recordingSleep } from '../support/recording-sleep.ts';

const apiError = (code: string, httpStatus = 400) =>
  new CloudApiError({
    code,
    message: code,
    api: 'CopySnapshot',
    region: 'cn-hangzhou',
    httpStatus,
  });

/** A call that fails with `codes` in turn, then succeeds. */
function flaky(codes: string[]) {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    fn: async () => {
      const code = codes[calls++];
      if (code) throw apiError(code);
      return 'ok';
    },
  };
}

describe('backoffDelay', () => {
  it('draws from [0, min(cap, base * 2^attempt)) (full jitter)', () => {
    expect(backoffDelay(3, 100, 20_000, () => 0.999)).toBeCloseTo(799.2);
    expect(backoffDelay(3, 100, 20_000, () => 0)).toBe(0);
    expect(backoffDelay(20, 100, 20_000, () => 0.5)).toBe(10_000);
  });
});

describe('withRetry', () => {
  it('retries throttling and 5xx until the call succeeds', async () => {
    const call = flaky(['Throttling.User', 'ServiceUnavailable', 'InternalError']);
    const { sleep, delays } = recordingSleep();
    const result = await withRetry(call.fn, { maxAttempts: 6, budget: new RetryBudget(), sleep });
    expect(result).toEqual({ value: 'ok', attempts: 4 });
    expect(delays).toHaveLength(3);
  });

  it('backs off throttling from the longer base delay', async () => {
    const call = flaky(['Throttling']);
    const { sleep, delays } = recordingSleep();
    await withRetry(call.fn, {
      maxAttempts: 3,
      budget: new RetryBudget(),
      sleep,
      random: () => 0.999,
    });
    expect(delays[0]).toBeGreaterThan(RETRY_DEFAULTS.baseDelayMs);
  });

  it('does not retry an error of another class', async () => {
    const call = flaky(['InvalidSnapshotId.NotReady']);
    const { sleep } = recordingSleep();
    await expect(
      withRetry(call.fn, { maxAttempts: 6, budget: new RetryBudget(), sleep }),
    ).rejects.toMatchObject({ code: 'InvalidSnapshotId.NotReady' });
    expect(call.calls).toBe(1);
  });

  it('gives up after maxAttempts and says how many it made', async () => {
    const call = flaky(Array(10).fill('Throttling'));
    const { sleep } = recordingSleep();
    const error = await withRetry(call.fn, {
      maxAttempts: 3,
      budget: new RetryBudget(),
      sleep,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect((error as RetriesExhaustedError).attempts).toBe(3);
    expect(call.calls).toBe(3);
  });

  it('stops retrying when the shared retry budget is spent', async () => {
    const budget = new RetryBudget({ ...RETRY_DEFAULTS, initialRetryTokens: 10 });
    const call = flaky(Array(10).fill('InternalError'));
    const { sleep } = recordingSleep();
    await expect(withRetry(call.fn, { maxAttempts: 10, budget, sleep })).rejects.toThrow(/budget/);
    expect(call.calls).toBe(3);
  });

  it('refunds the budget when a retried call succeeds', async () => {
    const budget = new RetryBudget();
    const call = flaky(['InternalError']);
    const { sleep } = recordingSleep();
    await withRetry(call.fn, { maxAttempts: 3, budget, sleep });
    expect(budget.tokens).toBe(RETRY_DEFAULTS.initialRetryTokens);
  });
});
