import { open, stat } from 'node:fs/promises';

/** A policy is a few KB; anything past this is a mistake (or an attack), not a policy. */
export const MAX_POLICY_BYTES = 1024 * 1024;

export type ReadResult = { ok: true; text: string } | { ok: false; message: string };

const OPEN_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied: the file cannot be read',
  EPERM: 'permission denied: the file cannot be read',
  ENOTDIR: 'no such file (a parent of the path is not a directory)',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the path is too long',
};

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * Reads a policy file as UTF-8, never more than MAX_POLICY_BYTES, and turns every failure
 * into one sentence (the CLI prints it as one line, never a stack trace).
 */
export async function readPolicySource(path: string): Promise<ReadResult> {
  try {
    // Only regular files: opening a FIFO would block until a writer appears.
    const info = await stat(path);
    if (info.isDirectory()) return { ok: false, message: 'is a directory, not a policy file' };
    if (!info.isFile()) return { ok: false, message: 'is not a regular file' };
    if (info.size > MAX_POLICY_BYTES) {
      return { ok: false, message: `is ${mib(info.size)}; a policy file may be at most 1 MiB` };
    }
    const handle = await open(path, 'r');
    let bytes: Buffer;
    try {
      const buffer = Buffer.alloc(MAX_POLICY_BYTES + 1);
      let length = 0;
      for (;;) {
        const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
        if (bytesRead === 0 || length + bytesRead >= buffer.length) {
          length += bytesRead;
          break;
        }
        length += bytesRead;
      }
      // The size can grow between stat and read; the cap holds either way.
      if (length > MAX_POLICY_BYTES) {
        return { ok: false, message: 'is larger than 1 MiB; a policy file may be at most 1 MiB' };
      }
      bytes = buffer.subarray(0, length);
    } finally {
      await handle.close();
    }
    if (bytes.includes(0))
      return { ok: false, message: 'contains NUL bytes; is it a binary file?' };
    try {
      return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
    } catch {
      return { ok: false, message: 'is not UTF-8 text' };
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    return {
      ok: false,
      message: OPEN_ERRORS[code] ?? `cannot be read (${code || 'unknown error'})`,
    };
  }
}
