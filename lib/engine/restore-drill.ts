import { createHash } from 'node:crypto';
import { CloudApiError } from '../cloud/errors.ts';
import { Code } from '../codes.ts';
import { byNewestPoint, ms, type RecoveryPoint, recoveryPoint } from '../domain/recovery-point.ts';
import { PROVENANCE_TAG_KEYS } from '../policy/render.ts';
import type { Policy } from '../policy/schema.ts';
import type { Disk, Snapshot } from '../ports.ts';
import { AlertKind, Outcome } from '../records/types.ts';
import { CallStep, Escalation, escalateCallError } from './call-outcome.ts';
import { describeCallError } from './escalate.ts';
import type { DestinationInput, WorkItem } from './plan/index.ts';
import { copySource } from './reconcile.ts';
import type { PlanSession, RunSession } from './session.ts';

/** On every drill disk, valued with the policy name: how a later run finds a disk left behind. */
export const DRILL_TAG = 'dr-replicator:drill';
/**
 * On a drilled copy: ISO time of its last drill result, followed by ` failed` when the restore
 * failed. The cadence and status's tested RPO are read from it.
 */
export const DRILLED_TAG = 'dr-replicator:drilled';
const FAILED_SUFFIX = ' failed';

/** The drill time and result a copy's DRILLED_TAG holds, if any. */
export function drillMark(copy: Snapshot): { at: string; restored: boolean } | undefined {
  const value = copy.tags[DRILLED_TAG];
  if (value === undefined) return undefined;
  const at = value.split(' ')[0] ?? '';
  if (Number.isNaN(ms(at))) return undefined;
  return { at, restored: !value.endsWith(FAILED_SUFFIX) };
}
const DAY_MS = 86_400_000;
const Status = { Creating: 'Creating', Available: 'Available' } as const;
/** Polls of a Creating disk: 5 s, doubling to at most a minute apart. */
const FIRST_POLL_MS = 5_000;
const MAX_POLL_MS = 60_000;
/** Without a time budget a wait still ends: the next run resumes it. */
const MAX_WAIT_MS = 30 * 60_000;

type RestoreDrill = NonNullable<Policy['restoreDrill']>;

/** The drill the plan shows for one destination. */
export interface DrillPlan {
  destRegion: string;
  /** The copy a due drill restores (the destination's newest completed recovery point). */
  point?: RecoveryPoint;
  due: boolean;
  /** ISO time of the last drill result read from the copies' DRILLED_TAG, if any. */
  lastDrill?: string;
  reason: string;
}

/** What the drill step leaves for prune: copies a drill disk still comes from. */
export interface DrillOutcome {
  /** Per destination: copy ids that disks still come from; `all` when unknown (listing failed). */
  blocked: Map<string, Set<string> | 'all'>;
}

function newestPoint(input: DestinationInput): RecoveryPoint | undefined {
  const points: RecoveryPoint[] = [];
  for (const copies of input.copies.byDisk.values()) {
    for (const c of copies)
      if (c.status === 'accomplished') points.push(recoveryPoint(c, undefined));
  }
  return points.sort(byNewestPoint)[0];
}

function lastDrill(input: DestinationInput): string | undefined {
  let last: string | undefined;
  let lastMs = Number.NEGATIVE_INFINITY;
  for (const copies of input.copies.byDisk.values()) {
    for (const c of copies) {
      const at = drillMark(c)?.at;
      if (at === undefined) continue;
      const atMs = ms(at);
      if (last === undefined || atMs > lastMs) {
        last = at;
        lastMs = atMs;
      }
    }
  }
  return last;
}

/**
 * Which destinations a drill is due in: none was recorded on its copies within everyDays (read
 * from the DRILLED_TAG the last drill left on its copy: the cloud is the state store). The drill
 * restores the destination's newest completed recovery point.
 */
export function planDrills(policy: Policy, inputs: DestinationInput[], now: Date): DrillPlan[] {
  const drill = policy.restoreDrill;
  if (drill === undefined) return [];
  return inputs.map((input) => {
    const destRegion = input.dest.region;
    const last = lastDrill(input);
    const point = newestPoint(input);
    const base = { destRegion, ...(last ? { lastDrill: last } : {}), ...(point ? { point } : {}) };
    if (input.stopped) return { ...base, due: false, reason: `destination stopped: no drill` };
    if (point === undefined) return { ...base, due: false, reason: 'no completed copy to drill' };
    const age = last === undefined ? Number.POSITIVE_INFINITY : now.getTime() - ms(last);
    if (age < drill.everyDays * DAY_MS) {
      return {
        ...base,
        due: false,
        reason: `last drill ${last}; next due after ${new Date(ms(last) + drill.everyDays * DAY_MS).toISOString()}`,
      };
    }
    return {
      ...base,
      due: true,
      reason: `restore drill due (every ${drill.everyDays} d${last ? `, last ${last}` : ', never drilled'}): will restore ${point.copy.snapshotId} to a ${drill.diskCategory} disk, time it until Available, then delete the disk`,
    };
  });
}

/** Adds the drill step to the plan: a note on the drilled copy's item. */
export function notePlannedDrills(items: WorkItem[], drills: DrillPlan[]): void {
  for (const d of drills) {
    if (d.point === undefined) continue;
    const item = items.find(
      (i) =>
        i.destRegion === d.destRegion &&
        i.copySnapshotId === d.point?.copy.snapshotId &&
        i.action === 'already-copied',
    );
    if (item) item.reason = `${item.reason}; ${d.reason}`;
  }
}

function drillToken(policy: string, region: string, copyId: string, runId: string): string {
  return createHash('sha256')
    .update(['drill', policy, region, copyId, runId].join('|'))
    .digest('hex')
    .slice(0, 64);
}

/** A tidy disk name from the copy id (CreateDisk DiskName: a letter first, [A-Za-z0-9:_.-]). */
function diskName(copyId: string): string {
  return `dr-drill-${copyId.replace(/[^A-Za-z0-9:_.-]/g, '-')}`.slice(0, 128);
}

async function listDrillDisks(session: PlanSession, region: string): Promise<Disk[]> {
  const out: Disk[] = [];
  let token: string | undefined;
  do {
    const page = await session.call('DescribeDisks', region, () =>
      session.ecs.describeDisks(
        { regionId: region, tags: { [DRILL_TAG]: session.policy.name } },
        token,
      ),
    );
    out.push(...page.value.disks);
    token = page.value.nextToken;
  } while (token);
  return out;
}

interface Destination {
  input: DestinationInput;
  plan: DrillPlan | undefined;
}

/**
 * The drill step, per destination and side by side: finish what an earlier run left (a drill
 * disk found by its tag: record its result if it became Available, wait for it while the budget
 * lasts, delete it), then, when due, restore the newest completed copy to a new disk
 * (CreateDisk in the policy's zone or the first of DescribeZones, encrypted copies with the
 * destination's key), wait for Available, record the duration, delete the disk and tag the copy
 * with the drill time. A failed drill records restore-failed and a drill-failed alert. Returns
 * the copies a disk still comes from, which prune must not delete this run (SnapshotCreatedDisk;
 * the product never sends Force).
 */
export async function runDrills(
  session: RunSession,
  inputs: DestinationInput[],
  plans: DrillPlan[],
): Promise<DrillOutcome> {
  const outcome: DrillOutcome = { blocked: new Map() };
  const drill = session.policy.restoreDrill;
  if (drill === undefined || session.dryRun) return outcome;
  const work: Destination[] = inputs
    .filter((input) => !input.stopped && !input.copies.error)
    .map((input) => ({ input, plan: plans.find((p) => p.destRegion === input.dest.region) }));
  await Promise.all(work.map((d) => drillDestination(session, drill, d, outcome)));
  return outcome;
}

async function drillDestination(
  session: RunSession,
  drill: RestoreDrill,
  { input, plan }: Destination,
  outcome: DrillOutcome,
): Promise<void> {
  const { stop } = session;
  const region = input.dest.region;
  if (stop.aborted || stop.destinations.has(region)) return;
  let disks: Disk[];
  try {
    disks = await listDrillDisks(session, region);
  } catch (error) {
    if (!(error instanceof CloudApiError)) throw error;
    // Unknown drill disks: pruning here could meet SnapshotCreatedDisk, so none this run.
    outcome.blocked.set(region, 'all');
    if (escalateCallError(session, CallStep.Drill, region, error) === Escalation.None)
      failDrill(
        session,
        input,
        undefined,
        undefined,
        error.code,
        `drill disks in ${region} could not be listed: ${describeCallError(error)}; no drill and no prune there this run`,
      );
    return;
  }
  const left = new Set<string>();
  const copyOf = (id: string | undefined) => findCopy(input, id);
  // Disks earlier runs left (crash, time budget): finish their drills first.
  for (const disk of disks) {
    const done = await finishDisk(session, input, disk, copyOf(disk.sourceSnapshotId), undefined);
    if (!done && disk.sourceSnapshotId) left.add(disk.sourceSnapshotId);
  }
  // A disk an earlier run left is this cycle's drill (finished above, or still pending).
  if (plan?.due && plan.point && disks.length === 0 && !stop.reason(region)) {
    const diskId = await createDrillDisk(session, drill, input, plan.point.copy);
    if (diskId !== undefined) {
      const startedMs = session.now().getTime();
      const disk = await waitForDisk(session, region, diskId);
      if (disk === 'gone') {
        failDrill(
          session,
          input,
          plan.point.copy,
          diskId,
          Code.RestoreFailed,
          `drill disk ${diskId} from ${plan.point.copy.snapshotId} in ${region} never became Available (the service released it): the copy did not restore`,
        );
        await tagDrilled(session, region, plan.point.copy, false);
      } else if (disk !== undefined) {
        const done = await finishDisk(session, input, disk, plan.point.copy, startedMs);
        if (!done) left.add(plan.point.copy.snapshotId);
      } else left.add(plan.point.copy.snapshotId);
    }
  }
  if (left.size > 0) outcome.blocked.set(region, left);
}

function findCopy(input: DestinationInput, id: string | undefined): Snapshot | undefined {
  if (id === undefined) return undefined;
  for (const copies of input.copies.byDisk.values()) {
    const c = copies.find((x) => x.snapshotId === id);
    if (c) return c;
  }
  return undefined;
}

async function createDrillDisk(
  session: RunSession,
  drill: RestoreDrill,
  input: DestinationInput,
  copy: Snapshot,
): Promise<string | undefined> {
  const region = input.dest.region;
  const policy = session.policy.name;
  try {
    let zoneId = drill.zoneId?.startsWith(`${region}-`) ? drill.zoneId : undefined;
    if (zoneId === undefined) {
      const zones = await session.call('DescribeZones', region, () =>
        session.ecs.describeZones(region),
      );
      zoneId = zones.value.zones[0];
      if (zoneId === undefined) {
        failDrill(
          session,
          input,
          copy,
          undefined,
          Code.NoZone,
          `DescribeZones lists no zone in ${region}: no drill disk can be made`,
        );
        return undefined;
      }
    }
    const kmsKeyId = copy.encrypted ? (input.dest.kmsKeyId ?? copy.kmsKeyId) : undefined;
    const created = await session.call('CreateDisk', region, () =>
      session.ecs.createDisk({
        regionId: region,
        zoneId: zoneId!,
        snapshotId: copy.snapshotId,
        diskCategory: drill.diskCategory,
        name: diskName(copy.snapshotId),
        description: `dr-replicator restore drill of ${copy.snapshotId} (policy ${policy}); deleted after the drill`,
        encrypted: copy.encrypted,
        ...(kmsKeyId ? { kmsKeyId } : {}),
        tags: { [DRILL_TAG]: policy, [PROVENANCE_TAG_KEYS.policy]: policy },
        clientToken: drillToken(policy, region, copy.snapshotId, session.runId),
      }),
    );
    return created.value.diskId;
  } catch (error) {
    if (!(error instanceof CloudApiError)) throw error;
    if (escalateCallError(session, CallStep.Drill, region, error) !== Escalation.None) {
      return undefined;
    }
    failDrill(
      session,
      input,
      copy,
      undefined,
      error.code,
      `restore drill of ${copy.snapshotId} in ${region} failed: ${describeCallError(error)}`,
    );
    await tagDrilled(session, region, copy, false);
    return undefined;
  }
}

/** Polls one disk until Available, gone, or the run may wait no longer (undefined). */
async function waitForDisk(
  session: RunSession,
  region: string,
  diskId: string,
): Promise<Disk | 'gone' | undefined> {
  const { stop } = session;
  const started = session.now().getTime();
  let delay = FIRST_POLL_MS;
  for (;;) {
    const page = await session.call('DescribeDisks', region, () =>
      session.ecs.describeDisks({ regionId: region, diskIds: [diskId] }),
    );
    const disk = page.value.disks.find((d) => d.diskId === diskId);
    if (disk === undefined) return 'gone';
    if (disk.status !== Status.Creating) return disk;
    const waited = session.now().getTime() - started;
    if (stop.reason(region) || waited + delay > MAX_WAIT_MS) return undefined;
    await session.sleep(delay);
    if (stop.reason(region)) return undefined;
    delay = Math.min(delay * 2, MAX_POLL_MS);
  }
}

/**
 * Records the result of a drill disk that is no longer Creating and deletes it. A Creating disk
 * an earlier run left is waited for first (within the budget). Returns false when the disk is
 * still there (Creating past the budget, or DeleteDisk refused): the next run finishes it.
 */
async function finishDisk(
  session: RunSession,
  input: DestinationInput,
  found: Disk,
  copy: Snapshot | undefined,
  startedMs: number | undefined,
): Promise<boolean> {
  const region = input.dest.region;
  let disk: Disk | 'gone' | undefined = found;
  if (found.status === Status.Creating && startedMs === undefined) {
    disk = await waitForDisk(session, region, found.diskId);
  }
  if (disk === undefined) return false;
  if (disk === 'gone') {
    failDrill(
      session,
      input,
      copy,
      found.diskId,
      Code.RestoreFailed,
      `drill disk ${found.diskId} from ${found.sourceSnapshotId ?? 'an unknown copy'} in ${region} never became Available (the service released it): the copy did not restore`,
    );
    if (copy) await tagDrilled(session, region, copy, false);
    return true;
  }
  if (disk.status === Status.Available) {
    const doneMs = session.now().getTime();
    // A disk an earlier run made: measured from its CreationTime, so an upper bound.
    const fromMs = startedMs ?? ms(disk.creationTime);
    const durationMs = Math.max(0, Math.round(doneMs - (Number.isNaN(fromMs) ? doneMs : fromMs)));
    recordRestored(session, input, copy, disk, durationMs, startedMs === undefined);
  } else {
    failDrill(
      session,
      input,
      copy,
      disk.diskId,
      Code.RestoreFailed,
      `drill disk ${disk.diskId} in ${region} is ${disk.status}, not Available`,
    );
  }
  const deleted = await deleteDrillDisk(session, region, disk.diskId);
  if (copy) await tagDrilled(session, region, copy, disk.status === Status.Available);
  return deleted;
}

async function deleteDrillDisk(
  session: RunSession,
  region: string,
  diskId: string,
): Promise<boolean> {
  try {
    await session.call('DeleteDisk', region, () => session.ecs.deleteDisk(region, diskId));
    return true;
  } catch (error) {
    if (!(error instanceof CloudApiError)) throw error;
    escalateCallError(session, CallStep.Drill, region, error);
    // A disk left (IncorrectDiskStatus, a 5xx past retries): the next run finds it by its tag.
    return false;
  }
}

/** Leaves the drill time on the copy: the next drill is due everyDays after it. */
async function tagDrilled(
  session: RunSession,
  region: string,
  copy: Snapshot,
  restored: boolean,
): Promise<void> {
  const at = `${session.now().toISOString()}${restored ? '' : FAILED_SUFFIX}`;
  try {
    await session.call('TagResources', region, () =>
      session.ecs.tagSnapshots(region, [copy.snapshotId], { [DRILLED_TAG]: at }),
    );
    copy.tags[DRILLED_TAG] = at;
  } catch (error) {
    if (!(error instanceof CloudApiError)) throw error;
    escalateCallError(session, CallStep.Drill, region, error);
    // Untagged: the next run drills again, which costs a disk-minute, not a recovery point.
  }
}

function pointIso(copy: Snapshot | undefined): Record<string, string> {
  if (copy === undefined) return {};
  const point = recoveryPoint(copy, undefined).pointMs;
  return point > 0 ? { recoveryPoint: new Date(point).toISOString() } : {};
}

function recordRestored(
  session: RunSession,
  input: DestinationInput,
  copy: Snapshot | undefined,
  disk: Disk,
  durationMs: number,
  resumed: boolean,
): void {
  const source = copy ? copySource(copy) : { region: '', snapshotId: '', diskId: '' };
  session.book.item({
    sourceRegion: source.region,
    sourceSnapshotId: source.snapshotId,
    diskId: source.diskId,
    destRegion: input.dest.region,
    copySnapshotId: copy?.snapshotId ?? disk.sourceSnapshotId ?? '',
    outcome: Outcome.Restored,
    attempts: 1,
    durationMs,
    drillDiskId: disk.diskId,
    ...pointIso(copy),
    message: `restore drill: ${copy?.snapshotId ?? disk.sourceSnapshotId} restored to ${disk.category} disk ${disk.diskId} (${disk.sizeGiB} GiB${disk.encrypted ? ', encrypted' : ''}) in ${Math.round(durationMs / 1000)} s${resumed ? ' (at most: an earlier run started it)' : ''}; the disk is deleted`,
  });
}

function failDrill(
  session: RunSession,
  input: DestinationInput,
  copy: Snapshot | undefined,
  drillDiskId: string | undefined,
  errorCode: string,
  message: string,
): void {
  const region = input.dest.region;
  const source = copy ? copySource(copy) : { region: '', snapshotId: '', diskId: '' };
  session.book.item({
    sourceRegion: source.region,
    sourceSnapshotId: source.snapshotId,
    diskId: source.diskId,
    destRegion: region,
    ...(copy ? { copySnapshotId: copy.snapshotId } : {}),
    outcome: Outcome.RestoreFailed,
    errorCode,
    attempts: 1,
    durationMs: 0,
    ...(drillDiskId ? { drillDiskId } : {}),
    ...pointIso(copy),
    message,
  });
  session.book.alert(AlertKind.DrillFailed, {
    destRegion: region,
    ...(source.diskId ? { diskId: source.diskId } : {}),
    errorCode,
    message,
  });
}

/**
 * Prune items of copies a drill disk still comes from are deferred (SnapshotCreatedDisk
 * otherwise; Force is never sent): each gets a deferred record, and the next run prunes it.
 */
export function deferBlockedPrunes(
  session: RunSession,
  items: WorkItem[],
  outcome: DrillOutcome,
): WorkItem[] {
  return items.filter((item) => {
    if (item.action !== 'prune' || item.copySnapshotId === undefined) return true;
    const blocked = outcome.blocked.get(item.destRegion);
    if (blocked === undefined || (blocked !== 'all' && !blocked.has(item.copySnapshotId)))
      return true;
    session.book.item({
      sourceRegion: item.sourceRegion,
      sourceSnapshotId: item.sourceSnapshotId,
      diskId: item.diskId,
      destRegion: item.destRegion,
      copySnapshotId: item.copySnapshotId,
      outcome: Outcome.Deferred,
      errorCode: Code.DrillDiskPresent,
      attempts: 0,
      durationMs: 0,
      message: `not pruned this run: ${blocked === 'all' ? 'drill disks could not be listed' : 'a restore drill disk made from it still exists'} (deleting it now would meet SnapshotCreatedDisk); the next run prunes it`,
    });
    return false;
  });
}
