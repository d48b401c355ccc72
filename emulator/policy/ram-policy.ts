/**
 * A RAM policy document, the format of policies/*.json. Conditions are modelled for the one
 * key family the product's policy uses, `acs:ResourceTag/<key>`, under StringEquals,
 * StringLike and StringNotEquals; any other operator or key is refused when the policy is set.
 */
export interface RamPolicy {
  Version: string;
  Statement: RamStatement[];
}

export interface RamStatement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: string | string[];
  Condition?: RamCondition;
}

/** `{ operator: { conditionKey: value | [values] } }` */
export type RamCondition = Record<string, Record<string, string | string[]>>;

/** What RAM knows about the request beyond action and resource. */
export interface RamRequestContext {
  /** Tags of the resource acted on; undefined when the call names no single tagged resource. */
  resourceTags?: Readonly<Record<string, string>>;
}

/** The condition operators the emulator evaluates (RAM's names, case-sensitive). */
export const ConditionOperator = {
  StringEquals: 'StringEquals',
  StringLike: 'StringLike',
  StringNotEquals: 'StringNotEquals',
} as const;
type ConditionOperator = (typeof ConditionOperator)[keyof typeof ConditionOperator];

const RESOURCE_TAG_KEY = /^acs:ResourceTag\/(.+)$/i;

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

function isOperator(name: string): name is ConditionOperator {
  return Object.hasOwn(ConditionOperator, name);
}

function isStringOrStrings(v: unknown): v is string | string[] {
  return (
    typeof v === 'string' ||
    (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string'))
  );
}

/** Strict: a condition the emulator cannot evaluate must not silently grant or deny. */
function checkCondition(condition: unknown): void {
  if (typeof condition !== 'object' || condition === null || Array.isArray(condition)) {
    throw new TypeError('Statement.Condition must be an object of operators');
  }
  const operators = Object.entries(condition as Record<string, unknown>);
  if (operators.length === 0) throw new TypeError('Statement.Condition names no operator');
  for (const [operator, keys] of operators) {
    if (!isOperator(operator)) {
      throw new TypeError(
        `Statement.Condition operator ${operator} is not supported by the emulator ` +
          `(supported: ${Object.keys(ConditionOperator).join(', ')})`,
      );
    }
    if (typeof keys !== 'object' || keys === null || Array.isArray(keys)) {
      throw new TypeError(`Statement.Condition.${operator} must map condition keys to values`);
    }
    for (const [key, value] of Object.entries(keys as Record<string, unknown>)) {
      if (!RESOURCE_TAG_KEY.test(key)) {
        throw new TypeError(
          `Statement.Condition key ${key} is not supported by the emulator (only acs:ResourceTag/<key>)`,
        );
      }
      if (!isStringOrStrings(value)) {
        throw new TypeError(`Statement.Condition.${operator}.${key} must be a string or strings`);
      }
    }
  }
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
    if (s.Condition !== undefined) checkCondition(s.Condition);
  }
  return p;
}

/** The value a condition key has for this request, or undefined when the request lacks it. */
function conditionValue(key: string, context: RamRequestContext): string | undefined {
  const tag = RESOURCE_TAG_KEY.exec(key)?.[1];
  const tags = context.resourceTags;
  if (tag === undefined || tags === undefined || !Object.hasOwn(tags, tag)) return undefined;
  return tags[tag];
}

/**
 * RAM semantics: every operator and every key must hold (AND), any of a key's values may
 * match (OR). A key the request lacks fails StringEquals / StringLike and passes
 * StringNotEquals, so an untagged snapshot is outside a tag-scoped Allow.
 */
function conditionHolds(condition: RamCondition, context: RamRequestContext): boolean {
  return Object.entries(condition).every(([operator, keys]) =>
    Object.entries(keys).every(([key, expected]) => {
      const actual = conditionValue(key, context);
      const values = toList(expected);
      switch (operator) {
        case ConditionOperator.StringEquals:
          return actual !== undefined && values.includes(actual);
        case ConditionOperator.StringLike:
          return actual !== undefined && values.some((v) => globToRegExp(v, '').test(actual));
        case ConditionOperator.StringNotEquals:
          return actual === undefined || !values.includes(actual);
        default:
          // parseRamPolicy admits no other operator; a document that bypassed it grants nothing.
          return false;
      }
    }),
  );
}

/**
 * Evaluates like RAM: an explicit Deny wins, then any Allow, else implicit deny. Actions match
 * case-insensitively (ecs:copysnapshot = ecs:CopySnapshot), resources case-sensitively; `*`
 * and `?` are wildcards in both. A statement applies only when its Condition holds.
 */
export function isAllowed(
  policy: RamPolicy,
  action: string,
  resource: string,
  context: RamRequestContext = {},
): boolean {
  let allowed = false;
  for (const s of policy.Statement) {
    const actionMatch = toList(s.Action).some((a) => globToRegExp(a, 'i').test(action));
    const resourceMatch = toList(s.Resource).some((r) => globToRegExp(r, '').test(resource));
    if (!actionMatch || !resourceMatch) continue;
    if (s.Condition !== undefined && !conditionHolds(s.Condition, context)) continue;
    if (s.Effect === 'Deny') return false;
    allowed = true;
  }
  return allowed;
}
