/**
 * One thing wrong with a policy file, located in it. `line`/`col` are 1-based; 0 means the
 * problem concerns the whole file (missing, unreadable, too large). `path` is the dotted
 * field path (`destinations.1.kmsKeyId`), empty when the problem has no field.
 */
export type PolicyProblem = {
  file: string;
  line: number;
  col: number;
  path: string;
  message: string;
};

/** `file:line:col: path: message`, the shape editors and CI annotators recognise. */
export function formatProblem(p: PolicyProblem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}:${p.col}` : p.file;
  const message = oneLine(p.message);
  return p.path ? `${where}: ${oneLine(p.path)}: ${message}` : `${where}: ${message}`;
}

/** Messages quote policy values; a newline in one must not break "one line per problem". */
export function oneLine(text: string): string {
  return text.replace(/\r/g, '\\r').replace(/\n/g, '\\n');
}

export function compareProblems(a: PolicyProblem, b: PolicyProblem): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col;
}
