import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type RunningEmulator,
  startEmulator,
  syntheticWorld,
  type World,
  type WorldSnapshot,
} from '../../emulator/index.ts';
import { PROVENANCE_TAG_KEYS } from '../../lib/policy/render.ts';
import { type Policy, PolicySchema } from '../../lib/policy/schema.ts';
import { killWhen, startRun } from './support/cli-run.ts';
import { copyProblems, eligiblePairs, liveCopiesByPair } from './support/copies.ts';
import { chaosSeed, sized } from './support/mode.ts';
import { intBetween, seededRandom } from './support/random.ts';

/**
 * kill -9 of `dr-replicator run` at random points: while listing, right after the emulator
 * accepted a CopySnapshot (before the run could record it), and while pruning. The cloud is
 * the only state, so one more run must leave: no duplicate, no missing copy, and no copy
 * deleted that keepLast says to keep. The run is a real child process; the emulator runs here
 * and its call log tells when to pull the trigger.
 */

const SOURCE = 'cn-hangzhou';
const DESTINATIONS = ['cn-shanghai', 'cn-beijing'];
const DISKS = sized(40, 150);
const KEEP_LAST = 3;
/** Old copies already in each destination per disk: one of them is beyond keepLast. */
const OLD_COPIES = KEEP_LAST;
const POLICY_NAME = 'crash';
const DAY_MS = 86_400_000;

const Phase = { Listing: 'listing', Copy: 'copy', Prune: 'prune' } as const;
type Phase = (typeof Phase)[keyof typeof Phase];

/** Which call to count for each phase, and the range the kill point is drawn from. */
const KILL_POINTS: Record<
  Phase,
  { action: string; acceptedOnly: boolean; range: [number, number] }
> = {
  listing: { action: 'DescribeSnapshots', acceptedOnly: false, range: [1, 3] },
  copy: { action: 'CopySnapshot', acceptedOnly: true, range: [1, 8] },
  prune: { action: 'DeleteSnapshot', acceptedOnly: true, range: [1, 4] },
};

/**
 * Copy kills first while the backlog lasts (a run that reaches pruning finishes every copy
 * first), listing kills among them, prune kills last.
 */
const SCHEDULE: Phase[] = sized(
  [Phase.Listing, Phase.Copy, Phase.Copy, Phase.Prune],
  [
    ...Array.from({ length: 14 }, (_, i) => (i % 2 === 0 ? Phase.Copy : Phase.Listing)),
    ...Array.from({ length: 6 }, () => Phase.Prune),
  ],
);

interface Kill {
  phase: Phase;
  after: number;
  killed: boolean;
  exitCode: number | null;
}

let emulator: RunningEmulator;
let world: World;
let policy: Policy;
let workDir: string;

/** The runs' spool and run lease in the test's own folder, never the user's state folder. */
const ownState = (): NodeJS.ProcessEnv => ({
  DR_REPLICATOR_SPOOL_DIR: path.join(workDir, 'state'),
});
let recordsFile: string;
const oldCopies: WorldSnapshot[] = [];
const foreign: WorldSnapshot[] = [];
const kills: Kill[] = [];
let finalRun: { exitCode: number | null; stderr: string };

function seedDestinations(base: World, now: number): World {
  const random = seededRandom(chaosSeed + 1);
  const id = () =>
    `s-old${Math.floor(random() * 1e12).toString(36)}${oldCopies.length + foreign.length}`;
  for (const disk of base.disks) {
    for (const dest of DESTINATIONS) {
      for (let k = 0; k < OLD_COPIES; k++) {
        const sourceSnapshotId = `s-gone${k}${disk.diskId.slice(2)}`;
        oldCopies.push({
          snapshotId: id(),
          regionId: dest,
          diskId: disk.diskId,
          name: `dr-old-${k}`,
          creationTime: new Date(now - (10 - k) * DAY_MS).toISOString(),
          tags: {
            [PROVENANCE_TAG_KEYS.policy]: POLICY_NAME,
            [PROVENANCE_TAG_KEYS.sourceSnapshot]: sourceSnapshotId,
            [PROVENANCE_TAG_KEYS.sourceRegion]: SOURCE,
            [PROVENANCE_TAG_KEYS.sourceDisk]: disk.diskId,
            [PROVENANCE_TAG_KEYS.sourceTime]: new Date(now - (10 - k) * DAY_MS - 3_600_000)
              .toISOString()
              .replace(/\.\d{3}Z$/, 'Z'),
          },
          sourceSnapshotId,
          sourceRegionId: SOURCE,
        });
      }
    }
  }
  // Not ours to delete: another policy's copy and an operator's own snapshot, both older.
  const disk = base.disks[0]!;
  for (const dest of DESTINATIONS) {
    foreign.push(
      {
        snapshotId: id(),
        regionId: dest,
        diskId: disk.diskId,
        name: 'other-policy-copy',
        creationTime: new Date(now - 30 * DAY_MS).toISOString(),
        tags: {
          [PROVENANCE_TAG_KEYS.policy]: 'someone-else',
          [PROVENANCE_TAG_KEYS.sourceDisk]: disk.diskId,
        },
      },
      {
        snapshotId: id(),
        regionId: dest,
        diskId: disk.diskId,
        name: 'operator-manual',
        creationTime: new Date(now - 40 * DAY_MS).toISOString(),
      },
    );
  }
  return { ...base, snapshots: [...base.snapshots, ...oldCopies, ...foreign] };
}

/** Runs once and kills it -9 as soon as the call log holds `after` matching calls. */
async function runAndKill(phase: Phase, after: number): Promise<Kill> {
  const point = KILL_POINTS[phase];
  const since = emulator.admin.now();
  const run = startRun(path.join(workDir, 'policy.yaml'), emulator, ownState());
  const { killed, exitCode } = await killWhen(
    run,
    () =>
      emulator.admin
        .calls({ action: point.action, since })
        .filter((c) => !point.acceptedOnly || c.code === 'OK').length >= after,
  );
  return { phase, after, killed, exitCode };
}

beforeAll(
  async () => {
    workDir = mkdtempSync(path.join(tmpdir(), 'dr-crash-'));
    recordsFile = path.join(workDir, 'records.jsonl');
    const now = new Date();
    world = seedDestinations(
      syntheticWorld({
        regions: [SOURCE],
        disksPerRegion: DISKS,
        snapshotsPerDisk: 1,
        now,
        destinations: DESTINATIONS,
        seed: chaosSeed,
      }),
      now.getTime(),
    );
    const policyDoc = {
      name: POLICY_NAME,
      schedule: '0 0 * * * *',
      source: { regions: [SOURCE], lookbackHours: 72 },
      destinations: DESTINATIONS.map((region) => ({ region, keepLast: KEEP_LAST })),
      limits: { maxDeletesPerRun: 10_000 },
      log: { type: 'file', path: 'records.jsonl' },
    };
    policy = PolicySchema.parse(policyDoc);
    writeFileSync(path.join(workDir, 'policy.yaml'), JSON.stringify(policyDoc, null, 2));
    emulator = await startEmulator({ world, startTime: now, seed: chaosSeed });

    const random = seededRandom(chaosSeed);
    for (const phase of SCHEDULE) {
      emulator.admin.advanceClock(3_600); // copies from earlier runs finish and become prunable
      kills.push(await runAndKill(phase, intBetween(random, ...KILL_POINTS[phase].range)));
    }
    emulator.admin.advanceClock(3_600);
    const last = startRun(path.join(workDir, 'policy.yaml'), emulator, ownState());
    finalRun = { exitCode: await last.exited, stderr: last.stderr() };
  },
  sized(120_000, 600_000),
);

afterAll(async () => {
  await emulator?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe(`dr-replicator run killed -9 ${SCHEDULE.length} times, then run once more`, () => {
  it('was killed at every scheduled point', () => {
    expect(
      kills.map((k) => `${k.phase}@${k.after}: ${k.killed ? 'killed' : `exited ${k.exitCode}`}`),
    ).toEqual(kills.map((k) => `${k.phase}@${k.after}: killed`));
  });

  it('finishes the last run cleanly', () => {
    expect({ exitCode: finalRun.exitCode, stderr: finalRun.stderr }).toMatchObject({ exitCode: 0 });
  });

  it('leaves no pair without a copy', () => {
    const { missing } = copyProblems(
      eligiblePairs(world, policy),
      liveCopiesByPair(emulator, policy),
    );
    expect(missing).toEqual([]);
  });

  it('leaves no pair with two copies', () => {
    const { duplicated } = copyProblems(
      eligiblePairs(world, policy),
      liveCopiesByPair(emulator, policy),
    );
    expect(duplicated).toEqual([]);
  });

  it('deletes only old copies of this policy, never a new one', () => {
    const oldIds = new Set(oldCopies.map((s) => s.snapshotId));
    const deleted = emulator.admin
      .calls({ action: 'DeleteSnapshot' })
      .filter((c) => c.code === 'OK')
      .map((c) => c.params.SnapshotId ?? '');
    expect(deleted.length).toBeGreaterThan(0); // pruning did run between the kills
    expect(deleted.filter((id) => !oldIds.has(id))).toEqual([]);
  });

  it('keeps the newest keepLast completed copies of every disk in every destination', () => {
    const alive = new Set(
      DESTINATIONS.flatMap((d) => emulator.admin.snapshots(d)).map((s) => s.snapshotId),
    );
    const problems: string[] = [];
    for (const dest of DESTINATIONS) {
      const ours = emulator.admin
        .snapshots(dest)
        .filter(
          (s) => s.tags[PROVENANCE_TAG_KEYS.policy] === POLICY_NAME && s.status === 'accomplished',
        );
      for (const gone of oldCopies.filter((s) => s.regionId === dest && !alive.has(s.snapshotId))) {
        const newer = ours.filter(
          (s) => s.sourceDiskId === gone.diskId && s.creationTime > Date.parse(gone.creationTime),
        );
        if (newer.length < KEEP_LAST) {
          problems.push(
            `${gone.snapshotId} (${gone.diskId} in ${dest}) deleted with only ${newer.length} newer copies`,
          );
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("never touches another policy's copy or an operator's snapshot", () => {
    const alive = new Set(
      DESTINATIONS.flatMap((d) => emulator.admin.snapshots(d)).map((s) => s.snapshotId),
    );
    expect(foreign.filter((s) => !alive.has(s.snapshotId)).map((s) => s.snapshotId)).toEqual([]);
  });

  it('records the completion of every finished copy, even when a kill cut the run that saw it', () => {
    const completed = new Set<string>();
    for (const line of readFileSync(recordsFile, 'utf8').split('\n')) {
      if (!line.startsWith('{') || !line.endsWith('}')) continue; // a line torn by kill -9
      const record = JSON.parse(line) as {
        kind?: string;
        outcome?: string;
        copySnapshotId?: string;
      };
      if (record.kind === 'item' && record.outcome === 'completed' && record.copySnapshotId) {
        completed.add(record.copySnapshotId);
      }
    }
    const oldIds = new Set(oldCopies.map((s) => s.snapshotId));
    const finished = DESTINATIONS.flatMap((d) => emulator.admin.snapshots(d)).filter(
      (s) =>
        s.tags[PROVENANCE_TAG_KEYS.policy] === POLICY_NAME &&
        s.status === 'accomplished' &&
        !oldIds.has(s.snapshotId),
    );
    expect(finished.length).toBeGreaterThan(0);
    expect(finished.filter((s) => !completed.has(s.snapshotId)).map((s) => s.snapshotId)).toEqual(
      [],
    );
  });
});
