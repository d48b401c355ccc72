/**
 * Snapshot ids, disk ids, names, tag values and error messages come from the cloud, where anyone
 * allowed to tag or name a resource can put text in them. A terminal acts on some characters
 * (ESC starts a control sequence that can rewrite the screen or the title, C1 CSI is ESC [),
 * and others hide or reorder text (bidi overrides and isolates, zero-width characters), so
 * an id could print as a different id. Text written to a terminal or a plain-text log shows
 * each of them as a visible escape instead; JSON output keeps the exact values.
 */

/** True for a character a terminal would act on or that would not show as itself. */
export function isUnsafeForTerminal(code: number): boolean {
  return (
    code < 0x20 || // C0 controls: ESC, BEL, BS, CR, LF, TAB...
    (code >= 0x7f && code <= 0x9f) || // DEL and the C1 controls (CSI, OSC...)
    code === 0x061c || // Arabic letter mark
    (code >= 0x200b && code <= 0x200f) || // zero-width space/joiners, LRM, RLM
    (code >= 0x2028 && code <= 0x202e) || // line/paragraph separators, bidi embeddings/overrides
    (code >= 0x2060 && code <= 0x2069) || // word joiner, invisible operators, bidi isolates
    code === 0xfeff // zero-width no-break space (BOM)
  );
}

function escapeCode(code: number): string {
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * The text with every unsafe character shown as `\xHH` or `\uHHHH`. Idempotent (the escapes
 * are printable ASCII), so a line may pass through twice.
 */
export function neutralise(text: string): string {
  let out: string | undefined;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (!isUnsafeForTerminal(code)) continue;
    out = (out ?? '') + text.slice(from, i) + escapeCode(code);
    from = i + 1;
  }
  return out === undefined ? text : out + text.slice(from);
}

/** A template tag for one line of terminal text: every interpolated value is neutralised. */
export function term(strings: TemplateStringsArray, ...values: unknown[]): string {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += neutralise(String(value)) + (strings[i + 1] ?? '');
  });
  return out;
}

/**
 * JSON.stringify, with the unsafe characters it leaves raw (DEL, C1, bidi, zero-width) written
 * as `\uHHHH` escapes: the same JSON value when parsed, harmless when it lands on a terminal.
 */
export function toSafeJson(value: unknown, space?: number): string {
  const json = JSON.stringify(value, null, space);
  let out: string | undefined;
  let from = 0;
  for (let i = 0; i < json.length; i++) {
    const code = json.charCodeAt(i);
    // Below 0x20 JSON.stringify has escaped everything inside strings; what is left is layout.
    if (code < 0x20 || !isUnsafeForTerminal(code)) continue;
    out = `${out ?? ''}${json.slice(from, i)}\\u${code.toString(16).padStart(4, '0')}`;
    from = i + 1;
  }
  return out === undefined ? json : out + json.slice(from);
}
