import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFileSink, createSink, createStdoutSink } from '../../lib/cloud/sinks.ts';
import type { LogRecord } from '../../lib/records/types.ts';

const record = (n: number): LogRecord => ({
  kind: 'alert',
  runId: 'r',
  policy: 'p',
  time: '2026-03-01T12:00:00.000Z',
  alert: 'rpo-breach',
  message: `alert ${n}`,
});

describe('stdout sink', () => {
  it('writes one JSON object per line', async () => {
    const out: string[] = [];
    const sink = createStdoutSink((text) => out.push(text));

    await sink.write([record(1), record(2)]);

    expect(
      out
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
    ).toEqual([record(1), record(2)]);
  });
});

describe('file sink', () => {
  it('appends JSON lines, creating the folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dr-sink-'));
    try {
      const path = join(dir, 'nested', 'records.jsonl');
      const sink = createFileSink(path);
      await sink.write([record(1)]);
      await sink.write([record(2)]);
      await sink.close();

      const lines = (await readFile(path, 'utf8')).trim().split('\n');
      expect(lines.map((l) => JSON.parse(l))).toEqual([record(1), record(2)]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('resolves a relative path from the base folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dr-sink-'));
    try {
      const sink = await createSink(
        { type: 'file', path: 'out/records.jsonl' },
        { credentials: { accessKeyId: 'a', accessKeySecret: 'b' }, baseDir: dir },
      );
      await sink.write([record(3)]);
      expect(JSON.parse(await readFile(join(dir, 'out', 'records.jsonl'), 'utf8'))).toEqual(
        record(3),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
