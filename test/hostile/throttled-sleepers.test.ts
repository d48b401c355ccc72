import { afterEach, describe, expect, it } from 'vitest';
import { realSleep } from '../../lib/engine/limiter.ts';

describe('backing off under throttling', () => {
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);
  afterEach(() => {
    process.off('warning', onWarning);
    warnings.length = 0;
  });

  it('prints no MaxListenersExceededWarning when hundreds of calls sleep on the run signal', async () => {
    process.on('warning', onWarning);
    const stop = new AbortController();
    const sleeping = Array.from({ length: 300 }, () => realSleep(60_000, stop.signal));
    // Warnings are emitted on a later tick.
    await new Promise((resolve) => setImmediate(resolve));
    stop.abort();
    await Promise.all(sleeping);
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning');
  });

  it('still wakes only the sleepers of the signal that aborted, and each on its own timer', async () => {
    const a = new AbortController();
    const b = new AbortController();
    let woken = '';
    const sleepA = realSleep(60_000, a.signal).then(() => {
      woken += 'a';
    });
    const sleepB = realSleep(60_000, b.signal).then(() => {
      woken += 'b';
    });
    const short = realSleep(5, b.signal).then(() => {
      woken += 's';
    });
    await short;
    a.abort();
    await sleepA;
    expect(woken).toBe('sa');
    b.abort();
    await sleepB;
    expect(woken).toBe('sab');
  });
});
