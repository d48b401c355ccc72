import { type Document, isAlias, isMap, isScalar, isSeq, type LineCounter, type Node } from 'yaml';

/** Where a problem points: the value at the path, the key naming it, or the enclosing mapping. */
export type Anchor = 'value' | 'key' | 'parent';
export type PathSegment = string | number;

function start(node: unknown, lc: LineCounter): { line: number; col: number } | undefined {
  const range = (node as Node | null | undefined)?.range;
  if (!range) return undefined;
  return lc.linePos(range[0]);
}

function isEmptyScalar(node: unknown): boolean {
  return isScalar(node) && node.value === null && node.range?.[0] === node.range?.[1];
}

/**
 * Maps a data path back to a position in the YAML source. When the path leaves the document
 * (a missing field), the deepest node that exists is used, so the user lands next to it.
 */
export function locate(
  doc: Document,
  lc: LineCounter,
  path: readonly PathSegment[],
  anchor: Anchor,
): { line: number; col: number } {
  const target = anchor === 'parent' ? path.slice(0, -1) : path;
  let node: unknown = doc.contents;
  let key: unknown;
  let found = true;
  for (const seg of target) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) {
        found = false;
        break;
      }
      key = pair.key;
      node = pair.value;
    } else if (isSeq(node) && Number.isInteger(Number(seg)) && node.items[Number(seg)]) {
      key = undefined;
      node = node.items[Number(seg)];
    } else {
      found = false;
      break;
    }
  }
  const keyPos = start(key, lc);
  if (found && anchor === 'key' && keyPos) return keyPos;
  if (!node || isEmptyScalar(node)) return keyPos ?? { line: 1, col: 1 };
  return start(node, lc) ?? keyPos ?? { line: 1, col: 1 };
}

export function pathToString(path: readonly PathSegment[]): string {
  return path.map(String).join('.');
}
