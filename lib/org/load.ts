import { LineCounter, parseDocument } from 'yaml';
import { Code } from '../codes.ts';
import { InvalidInputError } from '../errors.ts';
import { describeIssues } from '../policy/issues.ts';
import { locate, pathToString } from '../policy/locate.ts';
import { compareProblems, formatProblem, oneLine, type PolicyProblem } from '../policy/problems.ts';
import { readPolicySource } from '../policy/read.ts';
import { type Org, OrgSchema } from './schema.ts';

/** The organisation file failed validation; `problems` lists every one, located. */
export class OrgValidationError extends InvalidInputError {
  readonly problems: PolicyProblem[];

  constructor(file: string, problems: PolicyProblem[], options?: { cause?: unknown }) {
    const n = problems.length;
    super(
      Code.OrgInvalid,
      `organisation ${file} is invalid (${n} problem${n === 1 ? '' : 's'}):\n${problems.map(formatProblem).join('\n')}`,
      options,
    );
    this.problems = problems;
  }
}

/** Parses organisation YAML; every problem located at file:line:col (the policy loader's rules). */
export function parseOrgText(text: string, file: string): { org?: Org; problems: PolicyProblem[] } {
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
    logLevel: 'error',
  });
  const yamlProblems = [...doc.errors, ...doc.warnings].map((e) => {
    const pos = lc.linePos(e.pos[0]);
    return at(pos.line, pos.col, '', `YAML: ${e.message}`);
  });
  if (yamlProblems.length > 0) return { problems: yamlProblems };
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    return { problems: [at(1, 1, '', `YAML: ${(error as Error).message}`)] };
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return { problems: [at(1, 1, '', 'an organisation file must be a mapping (key: value)')] };
  }
  const parsed = OrgSchema.safeParse(data);
  if (parsed.success) return { org: parsed.data, problems: [] };
  const problems = describeIssues(parsed.error.issues, OrgSchema, data)
    .map((p) => {
      const pos = locate(doc, lc, p.path, p.anchor);
      return at(pos.line, pos.col, pathToString(p.path), p.message);
    })
    .sort(compareProblems);
  return { problems };
}

export async function checkOrgFile(
  path: string,
): Promise<{ org?: Org; problems: PolicyProblem[] }> {
  const read = await readPolicySource(path);
  if (!read.ok)
    return { problems: [{ file: path, line: 0, col: 0, path: '', message: read.message }] };
  return parseOrgText(read.text, path);
}

export async function loadOrgFile(path: string): Promise<Org> {
  const { org, problems } = await checkOrgFile(path);
  if (!org) throw new OrgValidationError(path, problems);
  return org;
}
