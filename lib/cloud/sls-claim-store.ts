import type { Claim, ClaimStore } from '../ports.ts';
import type { LogRecord } from '../records/types.ts';
import { createSlsReader, createSlsSink, type SlsReaderOptions } from './sls.ts';

/**
 * The claim board (lib/engine/claim-board.ts) in the policy's SLS records logstore: a claim is
 * one log line `kind: claim` and the board is a GetLogs query. Status, the heartbeat and the
 * alert rules select other kinds, so claims never count as runs or alerts.
 */
export const CLAIM_KIND = 'claim';
/** Claims of one scope read back at most: a few per run and renewal. */
const READ_LIMIT = 1000;
/** A claim is small and the run waits for it: a store that does not answer fast is "down". */
const CLAIM_RETRY = { attempts: 2, maxTotalMs: 3_000 } as const;
const CLAIM_TIMEOUT_MS = 2_000;

export function createSlsClaimStore(opts: SlsReaderOptions): ClaimStore {
  const options: SlsReaderOptions = {
    timeoutMs: CLAIM_TIMEOUT_MS,
    ...opts,
    retry: { ...CLAIM_RETRY, ...opts.retry },
  };
  const reader = createSlsReader(options);
  return {
    async put(claim) {
      const sink = createSlsSink(options);
      const line = {
        kind: CLAIM_KIND,
        time: new Date(claim.writtenAt).toISOString(),
        scope: claim.scope,
        holder: claim.holder,
        group: claim.group,
        startedAt: String(claim.startedAt),
        expiresAt: String(claim.expiresAt),
        writtenAt: String(claim.writtenAt),
        released: String(claim.released),
      };
      // The sink writes any flat record; a claim is not one of the engine's records.
      await sink.write([line as unknown as LogRecord]);
      await sink.close();
    },
    async read(scope, sinceMs, untilMs) {
      const rows = await reader.query({
        from: new Date(sinceMs),
        to: new Date(untilMs),
        query: `kind: ${CLAIM_KIND} and scope: "${scope.replace(/["\\]/g, '')}"`,
        limit: READ_LIMIT,
      });
      const claims: Claim[] = [];
      for (const row of rows) {
        const claim = parseClaim(row);
        if (claim !== undefined && claim.scope === scope) claims.push(claim);
      }
      return claims;
    },
  };
}

function parseClaim(row: Record<string, string>): Claim | undefined {
  const startedAt = Number(row.startedAt);
  const expiresAt = Number(row.expiresAt);
  const writtenAt = Number(row.writtenAt);
  if (row.kind !== CLAIM_KIND || !row.scope || !row.holder) return undefined;
  if (![startedAt, expiresAt, writtenAt].every(Number.isFinite)) return undefined;
  return {
    scope: row.scope,
    holder: row.holder,
    group: row.group || row.holder,
    startedAt,
    expiresAt,
    writtenAt,
    released: row.released === 'true',
  };
}
