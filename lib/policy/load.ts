import { LineCounter, parseDocument } from 'yaml';
import { PolicyValidationError } from './errors.ts';
import { describeIssues, type RawProblem } from './issues.ts';
import { locate, pathToString } from './locate.ts';
import { compareProblems, formatProblem, oneLine, type PolicyProblem } from './problems.ts';
import { prototypeKeyProblems } from './prototype-keys.ts';
import { readPolicySource } from './read.ts';
import { type Policy, PolicySchema } from './schema.ts';
import { semanticProblems } from './semantic.ts';

export { PolicyValidationError } from './errors.ts';
export { formatProblem, type PolicyProblem } from './problems.ts';

/** Rewordings of yaml's messages that assume the reader knows the library. */
const YAML_MESSAGES: Record<string, string> = {
  MULTIPLE_DOCS: 'a policy file holds one YAML document, but a second one starts here (---)',
  DUPLICATE_KEY: 'duplicate key: each key may appear once in a mapping',
};

// Aliases can expand exponentially ("billion laughs"); a policy needs few if any.
const MAX_ALIAS_COUNT = 100;

const EMPTY_MESSAGE =
  'the file is empty; a policy needs at least name, schedule, source and destinations';

/**
 * Parses and validates policy text. Returns every problem (YAML syntax, schema, semantic),
 * each located at `file:line:col`; `policy` is set only when there are none. `warnings` are
 * things a valid policy should not do (a secret written inline): reported, never fatal.
 */
export function parsePolicyText(
  text: string,
  file: string,
): { policy?: Policy; problems: PolicyProblem[]; warnings?: PolicyProblem[] } {
  const at = (line: number, col: number, path: string, message: string): PolicyProblem => ({
    file,
    line,
    col,
    path: oneLine(path),
    message: oneLine(message),
  });
  const lc = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter: lc,
    prettyErrors: false,
    uniqueKeys: true,
    // The library would print its own warnings on stderr; ours are located problems instead.
    logLevel: 'error',
  });
  const yamlProblems = [...doc.errors, ...doc.warnings].map((e) => {
    const pos = lc.linePos(e.pos[0]);
    return at(pos.line, pos.col, '', `YAML: ${YAML_MESSAGES[e.code] ?? e.message}`);
  });
  // A duplicate key still leaves a well-formed document; anything else would cascade.
  if ([...doc.errors, ...doc.warnings].some((e) => e.code !== 'DUPLICATE_KEY')) {
    return { problems: yamlProblems };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    return { problems: [at(1, 1, '', `YAML: ${(error as Error).message}`)] };
  }
  if (data === null || data === undefined) return { problems: [at(1, 1, '', EMPTY_MESSAGE)] };
  if (typeof data !== 'object' || Array.isArray(data)) {
    return {
      problems: [at(1, 1, '', 'a policy must be a mapping (key: value) at the top level')],
    };
  }
  const parsed = PolicySchema.safeParse(data);
  const schemaProblems = parsed.success
    ? []
    : describeIssues(parsed.error.issues, PolicySchema, data);
  // A field the schema already rejects gets no second, semantic message.
  const flagged = new Set(schemaProblems.map((p) => pathToString(p.path)));
  const semantic = semanticProblems(data).filter((p) => !flagged.has(pathToString(p.path)));
  const located = [...prototypeKeyProblems(data), ...schemaProblems, ...semantic].map(
    (p: RawProblem) => {
      const pos = locate(doc, lc, p.path, p.anchor);
      return at(pos.line, pos.col, pathToString(p.path), p.message);
    },
  );
  const seen = new Set<string>();
  const problems = [...yamlProblems, ...located]
    .filter((p) => {
      const key = formatProblem(p);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort(compareProblems);
  if (problems.length > 0 || !parsed.success) return { problems };
  const warnings = policyWarnings(parsed.data).map((w) => {
    const pos = locate(doc, lc, w.path, w.anchor);
    return at(pos.line, pos.col, pathToString(w.path), w.message);
  });
  return warnings.length === 0
    ? { policy: parsed.data, problems }
    : { policy: parsed.data, problems, warnings };
}

/** What a valid policy should still not do. */
function policyWarnings(policy: Policy): RawProblem[] {
  const out: RawProblem[] = [];
  if (policy.alerts.webhook?.secret !== undefined) {
    out.push({
      path: ['alerts', 'webhook', 'secret'],
      anchor: 'key',
      message:
        'the signing secret is written in the policy file, so it is in every copy of it (repository, FC code package); name an environment variable with secretEnv instead',
    });
  }
  const lookbackDays = policy.source.lookbackHours / 24;
  policy.destinations.forEach((dest, i) => {
    if (dest.retentionDays === undefined || dest.retentionDays >= lookbackDays) return;
    // A copy ECS releases while its source is still in the window is missing to the next run,
    // which copies the source again (re-copy, copy-lost alert) until the source leaves it.
    out.push({
      path: ['destinations', i, 'retentionDays'],
      anchor: 'value',
      message: `retentionDays ${dest.retentionDays} is shorter than the lookback window (lookbackHours ${policy.source.lookbackHours} = ${Math.round(lookbackDays * 10) / 10} days): ECS releases each copy while its source is still selected, so every later run copies it again (a re-copy record and a copy-lost alert each time) until the source is older than the window. Make retentionDays at least ${Math.ceil(lookbackDays)}, or shorten lookbackHours`,
    });
  });
  return out;
}

/** Reads and validates a policy file; never throws for a bad file, returns its problems. */
export async function checkPolicyFile(
  path: string,
  file: string = path,
): Promise<{ policy?: Policy; problems: PolicyProblem[]; warnings?: PolicyProblem[] }> {
  const read = await readPolicySource(path);
  if (!read.ok) return { problems: [{ file, line: 0, col: 0, path: '', message: read.message }] };
  if (read.text.trim() === '') {
    return { problems: [{ file, line: 1, col: 1, path: '', message: EMPTY_MESSAGE }] };
  }
  return parsePolicyText(read.text, file);
}

/** Loads a policy for a run; throws PolicyValidationError listing every problem. */
export async function loadPolicyFile(path: string): Promise<Policy> {
  const { policy, problems } = await checkPolicyFile(path);
  if (!policy) throw new PolicyValidationError(path, problems);
  return policy;
}
