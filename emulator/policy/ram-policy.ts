/** A RAM policy document, the format of policies/*.json. Conditions are not modelled. */
export interface RamPolicy {
  Version: string;
  Statement: RamStatement[];
}

export interface RamStatement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: string | string[];
  Condition?: unknown;
}

function toList(v: string | string[]): string[] {
  return Array.isArray(v) ? v : [v];
}

function globToRegExp(pattern: string, flags: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, flags);
}

/** Throws TypeError when `doc` is not a policy the evaluator understands. */
export function parseRamPolicy(doc: unknown): RamPolicy {
  const p = doc as RamPolicy;
  if (typeof p !== 'object' || p === null || !Array.isArray(p.Statement)) {
    throw new TypeError('RAM policy must be {"Version":"1","Statement":[...]}');
  }
  for (const s of p.Statement) {
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny')
      throw new TypeError('Statement.Effect must be Allow or Deny');
    if (s.Action === undefined || s.Resource === undefined) {
      throw new TypeError('Statement needs Action and Resource');
    }
    if (s.Condition !== undefined) {
      // Strict: a condition the emulator cannot evaluate must not silently grant or deny.
      throw new TypeError('Statement.Condition is not supported by the emulator');
    }
  }
  return p;
}

/**
 * Evaluates like RAM: an explicit Deny wins, then any Allow, else implicit deny. Actions match
 * case-insensitively (ecs:copysnapshot = ecs:CopySnapshot), resources case-sensitively; `*`
 * and `?` are wildcards in both.
 */
export function isAllowed(policy: RamPolicy, action: string, resource: string): boolean {
  let allowed = false;
  for (const s of policy.Statement) {
    const actionMatch = toList(s.Action).some((a) => globToRegExp(a, 'i').test(action));
    const resourceMatch = toList(s.Resource).some((r) => globToRegExp(r, '').test(resource));
    if (!actionMatch || !resourceMatch) continue;
    if (s.Effect === 'Deny') return false;
    allowed = true;
  }
  return allowed;
}
