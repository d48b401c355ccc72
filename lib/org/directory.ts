import type { Credentials, DirectoryApi, MemberAccount } from '../ports.ts';
import { popCall } from './pop-rpc.ts';

export const RESOURCE_MANAGER_API_VERSION = '2020-03-31';
export const RESOURCE_MANAGER_ENDPOINT = 'https://resourcemanager.aliyuncs.com';
/** ListAccounts / ListAccountsForParent: PageSize 1-100. */
export const ACCOUNTS_PAGE_SIZE = 100;

interface AccountsPage {
  TotalCount: number;
  PageNumber: number;
  PageSize: number;
  Accounts: {
    Account: { AccountId: string; DisplayName: string; FolderId: string; Status: string }[];
  };
}

export function createDirectoryApi(credentials: Credentials, endpoint?: string): DirectoryApi {
  const init = {
    credentials,
    endpoint: endpoint ?? RESOURCE_MANAGER_ENDPOINT,
    apiVersion: RESOURCE_MANAGER_API_VERSION,
  };
  return {
    async listAccounts(folderId) {
      const out: MemberAccount[] = [];
      // Page by number until TotalCount is reached; a short page also ends it (never loops).
      for (let page = 1; ; page++) {
        const res = await popCall<AccountsPage>(
          init,
          folderId === undefined ? 'ListAccounts' : 'ListAccountsForParent',
          {
            PageNumber: page,
            PageSize: ACCOUNTS_PAGE_SIZE,
            ...(folderId === undefined ? {} : { ParentFolderId: folderId }),
          },
        );
        const accounts = res.Accounts?.Account ?? [];
        for (const a of accounts) {
          out.push({
            accountId: String(a.AccountId),
            displayName: a.DisplayName,
            folderId: a.FolderId,
            status: a.Status,
          });
        }
        if (accounts.length < ACCOUNTS_PAGE_SIZE || out.length >= res.TotalCount) return out;
      }
    },
  };
}
