import { ApiError } from '../protocol/api-error.ts';

export interface DirectoryMember {
  accountId: string;
  displayName: string;
  folderId: string;
  status?: string;
}

/** ListAccounts / ListAccountsForParent: PageSize 1-100, default 10; PageNumber from 1. */
export const MAX_PAGE_SIZE = 100;

function intParam(value: string | undefined, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new ApiError(400, `InvalidParameter.${name}`, `The parameter ${name} is invalid.`);
  }
  return n;
}

/** One page of the directory's members (all, or one folder's), in a stable order. */
export function listAccounts(
  action: 'ListAccounts' | 'ListAccountsForParent',
  params: Readonly<Record<string, string>>,
  members: readonly DirectoryMember[],
  directoryId: string,
): Record<string, unknown> {
  const pageSize = intParam(params.PageSize, 'PageSize', 10, MAX_PAGE_SIZE);
  const pageNumber = intParam(params.PageNumber, 'PageNumber', 1, Number.MAX_SAFE_INTEGER);
  let selected = [...members];
  if (action === 'ListAccountsForParent') {
    const folder = params.ParentFolderId;
    if (!folder)
      throw new ApiError(
        400,
        'MissingParameter',
        'The input parameter "ParentFolderId" that is mandatory for processing this request is not supplied.',
      );
    if (!members.some((m) => m.folderId === folder)) {
      throw new ApiError(404, 'EntityNotExists.Folder', 'The specified folder does not exist.');
    }
    selected = selected.filter((m) => m.folderId === folder);
  }
  selected.sort((a, b) => a.accountId.localeCompare(b.accountId));
  const page = selected.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
  return {
    TotalCount: selected.length,
    PageNumber: pageNumber,
    PageSize: pageSize,
    Accounts: {
      Account: page.map((m) => ({
        AccountId: m.accountId,
        DisplayName: m.displayName,
        FolderId: m.folderId,
        Status: m.status ?? 'CreateSuccess',
        Type: 'ResourceAccount',
        JoinMethod: 'created',
        ResourceDirectoryId: directoryId,
      })),
    },
  };
}
