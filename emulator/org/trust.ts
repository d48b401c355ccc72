/** A RAM role in a member account: who may assume it (trust) and what it may do. */
export interface RoleSpec {
  name: string;
  /** {"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":[...]}}]} */
  trustPolicy: TrustPolicy;
  /** The role's permission policy (RAM policy document). */
  permissions: unknown;
  /** MaxSessionDuration (3600..43200); default 3600. */
  maxSessionDuration?: number;
}

export interface TrustPolicy {
  Version?: string;
  Statement: {
    Effect: 'Allow' | 'Deny';
    Action: string | string[];
    Principal: { RAM?: string | string[]; Service?: string | string[] };
  }[];
}

/** Who is calling: an account's own key (root) or a session of one of its roles. */
export interface Caller {
  accountId: string;
  role?: string;
}

function list(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function principalMatches(principal: string, caller: Caller): boolean {
  if (principal === caller.accountId) return true;
  const m = /^acs:ram::(\d+):(root|role\/(.+))$/.exec(principal);
  if (m === null || m[1] !== caller.accountId) return false;
  if (m[2] === 'root') return true;
  return caller.role !== undefined && m[3]?.toLowerCase() === caller.role.toLowerCase();
}

/** Whether the trust policy lets `caller` assume the role (an explicit Deny wins). */
export function trusts(policy: TrustPolicy, caller: Caller): boolean {
  let allowed = false;
  for (const st of policy.Statement) {
    if (!list(st.Action).some((a) => a === 'sts:AssumeRole' || a === 'sts:*' || a === '*')) {
      continue;
    }
    if (!list(st.Principal.RAM).some((p) => principalMatches(p, caller))) continue;
    if (st.Effect === 'Deny') return false;
    allowed = true;
  }
  return allowed;
}
