import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { outFileError } from '../../lib/cli/out-file.ts';
import { captureIo, cli, emulatorEnv, useDemoCloud } from '../cli/run-fixtures.ts';

describe('hostile or mistaken command-line input', () => {
  const bed = useDemoCloud();

  describe('run --budget', () => {
    it.each(['0', '0s', '0.0'])(
      'refuses --budget %s with exit 2 before any call',
      async (budget) => {
        const policy = await bed.ws.policy('p.yaml');
        const io = captureIo(emulatorEnv(bed.emulator));
        expect(await cli(io, 'run', '--policy', policy, '--budget', budget)).toBe(2);
        expect(io.stderrText()).toMatch(/must be longer than zero/);
        expect(bed.emulator.admin.calls()).toHaveLength(0);
      },
    );
  });

  describe('run --run-id', () => {
    it.each([
      ['a newline', 'run-1\nkind=run outcome=completed'],
      ['an ESC', 'run-\u001b[2Jx'],
      ['a space', 'run 1'],
      ['129 characters', 'r'.repeat(129)],
    ])('refuses a run id with %s (exit 2, no call, no record)', async (_what, id) => {
      const policy = await bed.ws.policy('p.yaml');
      const io = captureIo(emulatorEnv(bed.emulator));
      expect(await cli(io, 'run', '--policy', policy, '--run-id', id)).toBe(2);
      expect(io.stderrText()).toMatch(/run id/);
      expect(io.stderrText()).not.toContain('\u001b');
      expect(bed.emulator.admin.calls()).toHaveLength(0);
      expect(await bed.ws.records()).toEqual([]);
    });

    it('accepts a run id of 128 printable characters', async () => {
      const policy = await bed.ws.policy('p.yaml');
      const io = captureIo(emulatorEnv(bed.emulator));
      const id = `run-${'x'.repeat(124)}`;
      expect(await cli(io, 'run', '--policy', policy, '--run-id', id, '--dry-run')).toBe(0);
      expect((await bed.ws.records()).every((r) => r.runId === id)).toBe(true);
    });
  });

  describe('status --out', () => {
    async function status(...extra: string[]) {
      const policy = await bed.ws.policy('p.yaml');
      const io = captureIo(emulatorEnv(bed.emulator), { cwd: bed.ws.dir });
      const code = await cli(
        io,
        'status',
        '--policy',
        policy,
        '--no-alerts',
        '--output',
        'html',
        ...extra,
      );
      return { code, stderr: io.stderrText() };
    }

    it('refuses to write through a symlink unless --follow-symlinks is given', async () => {
      const elsewhere = path.join(bed.ws.dir, 'elsewhere.txt');
      await writeFile(elsewhere, 'keep me', 'utf8');
      await symlink(elsewhere, path.join(bed.ws.dir, 'page.html'));

      const refused = await status('--out', 'page.html');
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/symbolic link.*--follow-symlinks/);
      expect(await readFile(elsewhere, 'utf8')).toBe('keep me');
      expect(bed.emulator.admin.calls()).toHaveLength(0);

      const followed = await status('--out', 'page.html', '--follow-symlinks');
      expect(followed.code).not.toBe(2);
      expect(await readFile(elsewhere, 'utf8')).toMatch(/^<!doctype html>/i);
    });

    it('names the missing folder before doing the work (no listing call)', async () => {
      const { code, stderr } = await status('--out', 'no-such-folder/page.html');
      expect(code).toBe(2);
      expect(stderr).toMatch(/OutFile\.ENOENT: .*folder .*no-such-folder does not exist/);
      expect(stderr).not.toMatch(/Unexpected/);
      expect(bed.emulator.admin.calls()).toHaveLength(0);
    });

    it('says the target is a folder before doing the work', async () => {
      await mkdir(path.join(bed.ws.dir, 'page.html'));
      const { code, stderr } = await status('--out', 'page.html');
      expect(code).toBe(2);
      expect(stderr).toMatch(/OutFile\.EISDIR: .*is a folder/);
      expect(bed.emulator.admin.calls()).toHaveLength(0);
    });

    it('writes atomically: the page replaces the old one and no temp file is left', async () => {
      await writeFile(path.join(bed.ws.dir, 'page.html'), 'old', 'utf8');
      const { code } = await status('--out', 'page.html');
      expect(code).not.toBe(2);
      expect(await readFile(path.join(bed.ws.dir, 'page.html'), 'utf8')).toMatch(/<html/i);
      expect((await readdir(bed.ws.dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    });

    it('turns a full disk into a clear error that says the old page was kept', () => {
      const error = outFileError(
        '/srv/page.html',
        Object.assign(new Error('ENOSPC: no space'), { code: 'ENOSPC' }),
      );
      expect(error.code).toBe('OutFile.ENOSPC');
      expect(error.message).toBe(
        'cannot write /srv/page.html: no space left on the device holding /srv; /srv/page.html was left as it was',
      );
    });
  });
});
