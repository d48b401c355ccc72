import type { Claim, ClaimStore } from '../ports.ts';
import { parseClaimRecord } from '../records/parse.ts';
import type { ClaimRecord } from '../records/types.ts';
import { createSlsReader, createSlsSink, type SlsReaderOptions } from './sls.ts';

/**
 * The claim board (lib/engine/claim-board.ts) in the policy's SLS records logstore: a claim is
 * one log line `kind: claim` (ClaimRecordSchema in lib/records/schema.ts) and the board is a
 * GetLogs query. Status, the heartbeat and the
 * alert rules select other kinds, so claims never count as runs or alerts.
 */
const CLAIM_KIND = 'claim' as const;
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
      const line: ClaimRecord = {
        kind: CLAIM_KIND,
        time: new Date(claim.writtenAt).toISOString(),
        scope: claim.scope,
        holder: claim.holder,
        group: claim.group,
        startedAt: claim.startedAt,
        expiresAt: claim.expiresAt,
        writtenAt: claim.writtenAt,
        released: claim.released,
      };
      await sink.write([line]);
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
        const record = parseClaimRecord(row);
        if (record === undefined || record.scope !== scope) continue;
        const { kind: _kind, ...claim } = record;
        claims.push(claim);
      }
      return claims;
    },
  };
}
