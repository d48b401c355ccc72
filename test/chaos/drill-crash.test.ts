import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator, syntheticWorld } from '../../emulator/index.ts';
import { DRILL_TAG } from '../../lib/engine/restore-drill.ts';
import { PROVENANCE_TAG_KEYS } from '../../lib/policy/render.ts';
import { type CliRun, killWhen, startRun, stopIfRunning } from './support/cli-run.ts';

/**
 * Issue 18: kill -9 of `dr-replicator run` while its restore drill's disk is Creating. The
 * emulator keeps its cloud in a state folder; after the kill that emulator stops and another
 * opens the same folder (the cloud outlives both the run and the process serving it), and one
 * more run must: delete the drill disk left behind, never meet SnapshotCreatedDisk, and record
 * the drill's outcome exactly once. The drilled copy is the copy of the disk's older snapshot
 * and the destination keeps one: once the newer snapshot's copy completes, the drilled copy is
 * a prune candidate, so the last run does send DeleteSnapshot (only DeleteSnapshot can answer
 * SnapshotCreatedDisk) and must send it only after the drill disk is gone.
 */

const SOURCE = 'cn-hangzhou';
const DEST = 'cn-beijing';
const POLICY_NAME = 'drill-crash';
/** A drill disk stays Creating this long (virtual seconds): the kill lands mid-drill. */
const RESTORE_SECONDS = 1_800;

let stateDir: string;
let workDir: string;
let first: RunningEmulator | undefined;
let second: RunningEmulator | undefined;
let kill: { killed: boolean; exitCode: number | null };
let leftBehind: { diskId: string; status: string | undefined; sourceSnapshotId?: string }[];
let finalRun: { exitCode: number | null; stderr: string };
let runs: CliRun[] = [];
/** The runs' own spool and run lease folder. */
const spoolEnv = () => ({ DR_REPLICATOR_SPOOL_DIR: path.join(workDir, 'spool') });

const drillDisks = (emulator: RunningEmulator) =>
  emulator.admin.disks(DEST).filter((d) => d.tags[DRILL_TAG] === POLICY_NAME);

beforeAll(async () => {
  stateDir = mkdtempSync(path.join(tmpdir(), 'dr-drill-state-'));
  workDir = mkdtempSync(path.join(tmpdir(), 'dr-drill-crash-'));
  const now = new Date();
  const world = syntheticWorld({
    regions: [SOURCE],
    disksPerRegion: 1,
    // Two snapshots: the older one's copy is drilled, the newer one's copy makes it prunable.
    snapshotsPerDisk: 2,
    now,
    destinations: [DEST],
    seed: 18,
  });
  // The older source snapshot's completed copy is already in the destination: the drill's
  // subject (the only completed copy when the first run drills; the newer one's is copied then).
  const [source, newer] = world.snapshots;
  if (source === undefined || newer === undefined || source.creationTime >= newer.creationTime) {
    throw new Error('expected two snapshots of one disk, oldest first');
  }
  world.snapshots.push({
    snapshotId: 's-copy-drilled',
    regionId: DEST,
    diskId: source.diskId,
    creationTime: new Date(now.getTime() - 3_600_000).toISOString(),
    sourceSnapshotId: source.snapshotId,
    sourceRegionId: SOURCE,
    tags: {
      [PROVENANCE_TAG_KEYS.policy]: POLICY_NAME,
      [PROVENANCE_TAG_KEYS.sourceSnapshot]: source.snapshotId,
      [PROVENANCE_TAG_KEYS.sourceRegion]: SOURCE,
      [PROVENANCE_TAG_KEYS.sourceDisk]: source.diskId,
    },
  });
  writeFileSync(
    path.join(workDir, 'policy.yaml'),
    JSON.stringify({
      name: POLICY_NAME,
      schedule: '0 0 * * * *',
      source: { regions: [SOURCE], lookbackHours: 72 },
      destinations: [{ region: DEST, keepLast: 1 }],
      restoreDrill: { everyDays: 7, diskCategory: 'cloud_essd' },
      log: { type: 'file', path: 'records.jsonl' },
    }),
  );

  first = await startEmulator({ world, stateDir, startTime: now, speed: 1, seed: 18 });
  first.admin.setCopyModel({ restoreMinSeconds: RESTORE_SECONDS, restoreGiBps: 1_000 });
  const run = startRun(path.join(workDir, 'policy.yaml'), first, spoolEnv());
  runs.push(run);
  const emulator = first;
  kill = await killWhen(run, () => drillDisks(emulator).some((d) => d.status === 'Creating'));
  leftBehind = drillDisks(first).map((d) => ({
    diskId: d.diskId,
    status: d.status,
    ...(d.sourceSnapshotId === undefined ? {} : { sourceSnapshotId: d.sourceSnapshotId }),
  }));
  await first.stop();

  // Another emulator process on the same folder: the cloud, the half-made disk included.
  second = await startEmulator({ stateDir, speed: 1, seed: 19 });
  second.admin.advanceClock(RESTORE_SECONDS + 60);
  const last = startRun(path.join(workDir, 'policy.yaml'), second, spoolEnv());
  runs.push(last);
  finalRun = { exitCode: await last.exited, stderr: last.stderr() };
}, 60_000);

afterAll(async () => {
  for (const run of runs) stopIfRunning(run);
  runs = [];
  await first?.stop();
  await second?.stop();
  for (const dir of [stateDir, workDir]) if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Item records of the drill, from the JSON-lines log both runs appended to. */
function drillRecords(): { outcome: string; drillDiskId?: string; copySnapshotId?: string }[] {
  const out = [];
  for (const line of readFileSync(path.join(workDir, 'records.jsonl'), 'utf8').split('\n')) {
    if (!line.startsWith('{') || !line.endsWith('}')) continue; // a line torn by kill -9
    const r = JSON.parse(line) as {
      kind?: string;
      outcome?: string;
      drillDiskId?: string;
      copySnapshotId?: string;
    };
    if (r.kind === 'item' && (r.outcome === 'restored' || r.outcome === 'restore-failed')) {
      out.push({ ...r, outcome: r.outcome });
    }
  }
  return out;
}

describe('dr-replicator run killed -9 while its drill disk is Creating, then run once more', () => {
  it('was killed mid-drill, with the drill disk Creating', () => {
    expect(kill).toEqual({ killed: true, exitCode: null });
    expect(leftBehind).toEqual([
      expect.objectContaining({ status: 'Creating', sourceSnapshotId: 's-copy-drilled' }),
    ]);
  });

  it('finishes the next run cleanly', () => {
    expect({ exitCode: finalRun.exitCode, stderr: finalRun.stderr }).toMatchObject({ exitCode: 0 });
  });

  it('deletes the drill disk left behind, and makes no second one', () => {
    expect(drillDisks(second!)).toEqual([]);
    expect(second!.admin.disks(DEST).map((d) => d.diskId)).not.toContain(leftBehind[0]?.diskId);
    const deleted = second!.admin
      .calls({ action: 'DeleteDisk' })
      .filter((c) => c.code === 'OK')
      .map((c) => c.params.DiskId);
    expect(deleted).toEqual([leftBehind[0]?.diskId]);
    expect(second!.admin.calls({ action: 'CreateDisk' })).toEqual([]);
  });

  it('never gets SnapshotCreatedDisk back, and prunes the drilled copy once its disk is gone', () => {
    const codes = [...first!.admin.calls({}), ...second!.admin.calls({})].map((c) => c.code);
    expect(codes.length).toBeGreaterThan(0);
    expect(codes).not.toContain('SnapshotCreatedDisk');
    // Only DeleteSnapshot answers SnapshotCreatedDisk: the run must have sent it, for the drilled
    // copy, and after the DeleteDisk of the disk made from it.
    const deletes = second!.admin.calls({ action: 'DeleteSnapshot' });
    expect(deletes.length).toBeGreaterThan(0);
    expect(deletes.map((c) => [c.params.SnapshotId, c.code])).toEqual([['s-copy-drilled', 'OK']]);
    expect(second!.admin.snapshots(DEST).map((s) => s.snapshotId)).not.toContain('s-copy-drilled');
    const order = second!.admin
      .calls({})
      .filter(
        (c) => c.code === 'OK' && (c.action === 'DeleteDisk' || c.action === 'DeleteSnapshot'),
      )
      .map((c) => c.action);
    expect(order).toEqual(['DeleteDisk', 'DeleteSnapshot']);
  });

  it("records the drill's outcome once: restored, from the disk the killed run made", () => {
    expect(drillRecords()).toEqual([
      expect.objectContaining({
        outcome: 'restored',
        drillDiskId: leftBehind[0]?.diskId,
        copySnapshotId: 's-copy-drilled',
      }),
    ]);
  });
});
