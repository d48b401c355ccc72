import { createRequire } from 'node:module';
import type { RE2 as RE2Class } from 're2-wasm';

declare const require: NodeJS.Require | undefined;

let engine: typeof RE2Class | undefined;

/**
 * re2-wasm compiles its WebAssembly when it is loaded (tens of milliseconds), so it loads on
 * the first pattern, not with the module: a policy without namePattern never pays for it. The
 * literal require() call is what lets esbuild bundle it into the FC function (lazily); the
 * TypeScript sources run as ES modules (tsx, vitest), which have no require, and make one.
 */
function re2(): typeof RE2Class {
  engine ??= (
    (typeof require === 'function'
      ? require('re2-wasm')
      : createRequire(import.meta.url)('re2-wasm')) as typeof import('re2-wasm')
  ).RE2;
  return engine;
}

/**
 * `select.namePattern` runs against every source snapshot name, and a name is whatever anyone
 * with CreateSnapshot typed. JavaScript's backtracking engine takes exponential time on patterns
 * like ^(a+)+$ (118 s for one 34-character name), so the pattern is compiled with RE2, whose
 * time is linear in the name. RE2 has no backreferences or lookaround; such a pattern is refused
 * when the policy is validated. re2-wasm ships its engine as WebAssembly inside the npm package,
 * so no native build or download is needed.
 */
export interface NameMatcher {
  test(name: string): boolean;
}

export class UnsupportedPatternError extends Error {}

const compiled = new Map<string, NameMatcher>();

/** Compiles (once per pattern) or throws with a message fit for a policy problem. */
export function compileNamePattern(pattern: string): NameMatcher {
  const hit = compiled.get(pattern);
  if (hit) return hit;
  let re: RE2Class;
  try {
    // re2-wasm requires the u flag; names are plain ASCII, so it changes nothing for them.
    re = new (re2())(pattern, 'u');
  } catch (error) {
    throw new UnsupportedPatternError(
      `not a valid regular expression for the linear-time engine (RE2): ${(error as Error).message.replace(/^Invalid regular expression: /, '')} (backreferences and lookaround are not supported)`,
    );
  }
  const matcher: NameMatcher = { test: (name) => re.test(name) };
  compiled.set(pattern, matcher);
  return matcher;
}
