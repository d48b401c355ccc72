import { describe, expect, it } from 'vitest';
import { createJsonLogger } from '../../functions/replicate/log.ts';

function capture() {
  const lines: string[] = [];
  const logger = createJsonLogger({
    requestId: 'req-1',
    functionName: 'replicator',
    write: (line) => lines.push(line),
    now: () => new Date('2026-11-27T02:00:00Z'),
  });
  return { lines, logger };
}

describe('createJsonLogger', () => {
  it('writes one JSON object per line carrying the request id as correlation id', () => {
    const { lines, logger } = capture();
    logger.info('phase discover', { policy: 'prod' });
    expect(lines).toHaveLength(1);
    expect(lines[0]?.endsWith('\n')).toBe(true);
    expect(JSON.parse(lines[0] ?? '')).toEqual({
      timestamp: '2026-11-27T02:00:00.000Z',
      level: 'INFO',
      message: 'phase discover',
      requestId: 'req-1',
      function: 'replicator',
      policy: 'prod',
    });
  });

  it('scrubs signed URLs and tokens from field values', () => {
    const { lines, logger } = capture();
    logger.error('invocation crashed', {
      errorMessage:
        'socket hang up, URL: http://127.0.0.1:9/?AccessKeyId=STS.abc&SecurityToken=tok123&Signature=sig%3D',
      nested: { detail: 'SecurityToken=tok123' },
    });
    expect(lines[0]).not.toMatch(/tok123|STS\.abc|sig%3D/);
    expect(JSON.parse(lines[0] ?? '').level).toBe('ERROR');
  });

  it('clips a huge field so the line stays readable in the FC console', () => {
    const { lines, logger } = capture();
    logger.error('invocation failed', { errorMessage: 'y'.repeat(1024 * 1024) });
    expect(lines[0]?.length).toBeLessThan(8192);
    expect(JSON.parse(lines[0] ?? '').errorMessage).toMatch(/\.\.\. \(1048576 chars\)$/);
  });
});
