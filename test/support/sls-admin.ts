/**
 * POSTs `body` as JSON to the SLS emulator's admin route `/_emulator/sls/<route>` (strict,
 * projects, faults, ...) at `url` (an emulator's or a standalone SLS server's); returns the
 * HTTP status and throws on an error answer, so a mistyped route cannot pass unnoticed.
 */
export async function slsAdmin(url: string, route: string, body: unknown): Promise<number> {
  const res = await fetch(`${url}/_emulator/sls/${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`SLS admin ${route}: HTTP ${res.status} ${text}`);
  return res.status;
}
