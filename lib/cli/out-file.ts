import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import {
  access,
  lstat,
  readlink,
  realpath,
  rename,
  stat,
  unlink,
  writeFile,
} from 'node:fs/promises';
import path from 'node:path';
import { Code } from '../codes.ts';
import { InvalidInputError } from '../errors.ts';

/**
 * Where a command writes a report file (`status --out`). Checked before the work, so a typo in
 * the folder does not cost a full status collection; written to a temp file beside the target
 * and renamed over it, so a reader never sees half a page and a full disk leaves the old page;
 * a symlink at the target is refused unless the operator asked to follow it (a link planted in
 * a shared folder would otherwise redirect the write anywhere the user can write).
 */
export class OutFileError extends InvalidInputError {}

export interface OutTarget {
  /** The path the user gave, resolved. */
  requested: string;
  /** The file actually replaced (the link's target when following symlinks). */
  file: string;
}

const ERRNO_MESSAGES: Record<string, (file: string) => string> = {
  ENOENT: (file) => `the folder ${path.dirname(file)} does not exist`,
  ENOTDIR: (file) => `a part of ${path.dirname(file)} is not a folder`,
  EISDIR: (file) => `${file} is a folder; give a file name`,
  EACCES: (file) => `no permission to write in ${path.dirname(file)}`,
  EPERM: (file) => `no permission to write in ${path.dirname(file)}`,
  EROFS: (file) => `${path.dirname(file)} is on a read-only file system`,
  ENOSPC: (file) =>
    `no space left on the device holding ${path.dirname(file)}; ${file} was left as it was`,
  EDQUOT: (file) => `disk quota exceeded in ${path.dirname(file)}; ${file} was left as it was`,
  ELOOP: (file) => `too many levels of symbolic links at ${file}`,
};

/** A clear, located error for what the file system said. */
export function outFileError(file: string, error: unknown): OutFileError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? '';
  const describe = ERRNO_MESSAGES[code];
  const message = describe
    ? `cannot write ${file}: ${describe(file)}`
    : `cannot write ${file}: ${(error as Error).message}`;
  return new OutFileError(`OutFile.${code || 'Failed'}`, message, { cause: error });
}

/** Checks the target before any work: the folder exists and is writable, no symlink unless allowed. */
export async function checkOutTarget(
  requested: string,
  options: { followSymlinks: boolean },
): Promise<OutTarget> {
  let file = requested;
  const existing = await lstat(requested).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw outFileError(requested, error);
  });
  if (existing?.isSymbolicLink()) {
    if (!options.followSymlinks) {
      throw new OutFileError(
        Code.OutFileSymlink,
        `cannot write ${requested}: it is a symbolic link; pass --follow-symlinks to write to where it points`,
      );
    }
    file = await realpath(requested).catch((error: NodeJS.ErrnoException) => {
      // A dangling link: write where it points, as the shell's > would.
      if (error.code === 'ENOENT') return danglingTarget(requested);
      throw outFileError(requested, error);
    });
  }
  const target = await stat(file).catch(() => undefined);
  if (target?.isDirectory())
    throw outFileError(file, Object.assign(new Error(), { code: 'EISDIR' }));
  if (target && !target.isFile()) {
    throw new OutFileError(Code.OutFileNotAFile, `cannot write ${file}: it is not a regular file`);
  }
  const folder = path.dirname(file);
  const folderStat = await stat(folder).catch((error: unknown) => {
    throw outFileError(file, error);
  });
  if (!folderStat.isDirectory()) {
    throw outFileError(file, Object.assign(new Error(), { code: 'ENOTDIR' }));
  }
  await access(folder, constants.W_OK).catch((error: unknown) => {
    throw outFileError(file, error);
  });
  return { requested, file };
}

async function danglingTarget(link: string): Promise<string> {
  return path.resolve(path.dirname(link), await readlink(link));
}

/** Writes the whole content to a temp file beside the target, then renames it over the target. */
export async function writeOutFile(target: OutTarget, content: string): Promise<void> {
  const temp = path.join(
    path.dirname(target.file),
    `.${path.basename(target.file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    // wx: never through a file (or link) someone placed at the temp name.
    await writeFile(temp, content, { encoding: 'utf8', flag: 'wx', mode: 0o644 });
    await rename(temp, target.file);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw outFileError(target.file, error);
  }
}
