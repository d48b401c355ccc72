import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Listing, listSnapshots } from '../../lib/domain/listing.ts';
import { type Bed, startBed } from '../engine/support/harness.ts';

const SNAPSHOTS = 20_000;
/**
 * What one listed snapshot may keep on the heap while the listing goes on: its object and its
 * own strings (~120 bytes measured here). A string still pointing into its response text
 * keeps that page's 63 KB alive, ~630 bytes more per snapshot (757 measured when each page's
 * NextToken did), which this bound catches.
 */
const MAX_BYTES_PER_SNAPSHOT = 500;

// A full collection on demand, so the figure is what is held, not what is not yet collected.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heldBytes = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

let bed: Bed;

beforeAll(async () => {
  bed = await startBed({ disksPerRegion: SNAPSHOTS / 5, snapshotsPerDisk: 5 });
});
afterAll(() => bed.stop());

describe('a listing in progress', () => {
  it('holds its snapshots, not the response texts they were parsed from', async () => {
    // Measured before the page MEASURED_AT is asked for: the pages before it are held.
    const MEASURED_AT = 150;
    let calls = 0;
    let during = 0;
    let before = 0;
    const deps = {
      ecs: bed.cloud.ecs,
      call: async <T>(_api: string, _region: string, fn: () => Promise<T>) => {
        calls += 1;
        if (calls === MEASURED_AT) during = heldBytes();
        return { value: await fn() };
      },
    };
    // One page first: the clients, the agent and the parser are warm before the baseline.
    await bed.cloud.ecs.describeSnapshots({ regionId: 'cn-hangzhou', maxResults: 100 });
    before = heldBytes();
    const listing: Listing = await listSnapshots(deps, { regionId: 'cn-hangzhou', status: 'all' });
    const perSnapshot = (during - before) / ((MEASURED_AT - 1) * 100);

    expect(listing.snapshots).toHaveLength(SNAPSHOTS);
    expect(calls).toBe(SNAPSHOTS / 100);
    expect(perSnapshot).toBeLessThan(MAX_BYTES_PER_SNAPSHOT);
  });
});
