import { SlsErrors } from './errors.ts';

/**
 * The search part of the SLS query language, enough for `status` and alert rehearsals:
 *   `*`  ·  `key: value`  ·  `a: 1 and b: 2`  ·  `a: 1 or b: 2`  ·  `not key: value`
 *   ·  `(…)`  ·  a full-text term  ·  `"quoted phrase"`  ·  a trailing `*` for a prefix.
 * Matching is token-based and case-insensitive, like an SLS index with the default
 * delimiters: `message: timeout` matches "copy timeout after 3 s". The analytic part
 * (`| select …`) is refused loudly rather than silently ignored.
 */
export type Fields = Readonly<Record<string, string>>;
export type Predicate = (fields: Fields) => boolean;

const DELIMITERS = /[\s,'";=()[\]{}?@&<>/:]+/;

export function compileQuery(text: string | undefined): Predicate {
  const source = (text ?? '').trim();
  if (source === '' || source === '*') return () => true;
  if (source.includes('|')) {
    throw SlsErrors.parameterInvalid(
      'SQL analysis (| select ...) is not supported by the emulator',
    );
  }
  const parser = new Parser(tokenize(source));
  const predicate = parser.parseOr();
  if (!parser.done()) throw syntax(`unexpected ${JSON.stringify(parser.peek())}`);
  return predicate;
}

type Token = { kind: 'word' | 'phrase' | 'lparen' | 'rparen' | 'colon'; text: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '(' || ch === ')') {
      tokens.push({ kind: ch === '(' ? 'lparen' : 'rparen', text: ch });
      i++;
    } else if (ch === ':') {
      tokens.push({ kind: 'colon', text: ch });
      i++;
    } else if (ch === '"') {
      const end = source.indexOf('"', i + 1);
      if (end < 0) throw syntax('unterminated quote');
      tokens.push({ kind: 'phrase', text: source.slice(i + 1, end) });
      i = end + 1;
    } else {
      // `__tag__:name` keeps its inner colon: it is one key in SLS.
      const rest = source.slice(i);
      const word = /^__tag__:[^\s():"]+/.exec(rest)?.[0] ?? /^[^\s():"]+/.exec(rest)![0];
      tokens.push({ kind: 'word', text: word });
      i += word.length;
    }
  }
  return tokens;
}

class Parser {
  private pos = 0;

  constructor(private readonly tokens: Token[]) {}

  done(): boolean {
    return this.pos >= this.tokens.length;
  }

  peek(): string | undefined {
    return this.tokens[this.pos]?.text;
  }

  parseOr(): Predicate {
    const parts = [this.parseAnd()];
    while (this.isKeyword('or')) {
      this.pos++;
      parts.push(this.parseAnd());
    }
    return parts.length === 1 ? parts[0]! : (f) => parts.some((p) => p(f));
  }

  private parseAnd(): Predicate {
    const parts = [this.parseUnary()];
    // Juxtaposition means `and`, as in SLS.
    while (!this.done() && this.tokens[this.pos]!.kind !== 'rparen' && !this.isKeyword('or')) {
      if (this.isKeyword('and')) this.pos++;
      parts.push(this.parseUnary());
    }
    return parts.length === 1 ? parts[0]! : (f) => parts.every((p) => p(f));
  }

  private parseUnary(): Predicate {
    if (this.isKeyword('not')) {
      this.pos++;
      const inner = this.parseUnary();
      return (f) => !inner(f);
    }
    const token = this.tokens[this.pos];
    if (token === undefined) throw syntax('unexpected end of query');
    if (token.kind === 'lparen') {
      this.pos++;
      const inner = this.parseOr();
      if (this.tokens[this.pos]?.kind !== 'rparen') throw syntax('missing )');
      this.pos++;
      return inner;
    }
    if (token.kind === 'word' && this.tokens[this.pos + 1]?.kind === 'colon') {
      const value = this.tokens[this.pos + 2];
      if (value === undefined || (value.kind !== 'word' && value.kind !== 'phrase')) {
        throw syntax(`missing value after ${token.text}:`);
      }
      this.pos += 3;
      return fieldMatcher(token.text, value.text);
    }
    if (token.kind === 'word' || token.kind === 'phrase') {
      this.pos++;
      if (token.text === '*') return () => true;
      const phrase = phraseMatcher(token.text);
      return (f) => Object.values(f).some(phrase);
    }
    throw syntax(`unexpected ${JSON.stringify(token.text)}`);
  }

  private isKeyword(word: string): boolean {
    const token = this.tokens[this.pos];
    return token?.kind === 'word' && token.text.toLowerCase() === word;
  }
}

function fieldMatcher(key: string, value: string): Predicate {
  const phrase = phraseMatcher(value);
  const wanted = key.toLowerCase();
  return (fields) => {
    const direct = fields[key];
    if (direct !== undefined) return phrase(direct);
    const entry = Object.entries(fields).find(([k]) => k.toLowerCase() === wanted);
    return entry !== undefined && phrase(entry[1]);
  };
}

/** True when the value's tokens contain the query's tokens in order (last one may be a prefix*). */
function phraseMatcher(query: string): (value: string) => boolean {
  const wanted = tokens(query);
  if (wanted.length === 0) return () => false;
  const last = wanted.length - 1;
  const prefix = wanted[last]!.endsWith('*');
  if (prefix) wanted[last] = wanted[last]!.slice(0, -1);
  return (value) => {
    const have = tokens(value);
    for (let start = 0; start + wanted.length <= have.length; start++) {
      let ok = true;
      for (let j = 0; j < wanted.length && ok; j++) {
        const h = have[start + j]!;
        ok = j === last && prefix ? h.startsWith(wanted[j]!) : h === wanted[j];
      }
      if (ok) return true;
    }
    return false;
  };
}

function tokens(text: string): string[] {
  return text
    .toLowerCase()
    .split(DELIMITERS)
    .filter((t) => t !== '');
}

function syntax(message: string) {
  return SlsErrors.parameterInvalid(`query syntax error: ${message}`);
}
