import { HeartbeatState } from '../../lib/ops/heartbeat.ts';
import { buildStatusReport, type StatusInputs } from '../../lib/ops/status-model.ts';
import { PROVENANCE_TAG_KEYS } from '../../lib/policy/render.ts';
import type { Snapshot } from '../../lib/ports.ts';
import type { LogRecord } from '../../lib/records/types.ts';
import { round, type ScenarioResult } from '../support/report.ts';

const DESTINATIONS = [
  'cn-beijing',
  'cn-shanghai',
  'cn-shenzhen',
  'ap-southeast-1',
  'cn-qingdao',
  'cn-zhangjiakou',
];
const HOUR = 3_600_000;

/** A status input of `cells` (disk, destination) cells: one copy each, `runs` runs of records. */
function inputs(cells: number, runs: number, now: Date): StatusInputs {
  const disks = Math.ceil(cells / DESTINATIONS.length);
  const copies: Snapshot[] = [];
  const records: LogRecord[] = [];
  const at = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * HOUR).toISOString();
  for (let d = 0; d < disks; d++) {
    const diskId = `d-bench${d}`;
    const source = `s-src${d}`;
    for (const region of DESTINATIONS) {
      copies.push({
        snapshotId: `s-copy${d}-${region}`,
        regionId: region,
        name: 'copy',
        description: '',
        status: 'accomplished',
        progress: 100,
        creationTime: at(3),
        sourceDiskId: diskId,
        sourceDiskSize: 40,
        snapshotType: 'user',
        category: 'standard',
        encrypted: false,
        sourceSnapshotId: source,
        sourceRegionId: 'cn-hangzhou',
        tags: {
          [PROVENANCE_TAG_KEYS.policy]: 'bench',
          [PROVENANCE_TAG_KEYS.sourceSnapshot]: source,
          [PROVENANCE_TAG_KEYS.sourceRegion]: 'cn-hangzhou',
          [PROVENANCE_TAG_KEYS.sourceDisk]: diskId,
          [PROVENANCE_TAG_KEYS.sourceTime]: at(4).replace(/\.\d{3}Z$/, 'Z'),
        },
      });
      for (let r = 0; r < runs; r++) {
        records.push({
          kind: 'item',
          runId: `run-${r}`,
          policy: 'bench',
          time: at(4 * r + 1),
          sourceRegion: 'cn-hangzhou',
          sourceSnapshotId: source,
          diskId,
          destRegion: region,
          outcome: r === runs - 1 ? 'started' : 'already-copied',
          attempts: 1,
          durationMs: 5,
          message: 'bench',
        });
      }
    }
  }
  return {
    policy: {
      name: 'bench',
      destinations: DESTINATIONS.map((region) => ({ region, rpoHours: 24 })),
    },
    copies,
    records,
    heartbeat: { state: HeartbeatState.Ok } as StatusInputs['heartbeat'],
    now,
  };
}

function timeBuild(cells: number, runs: number): { ms: number; heapMiB: number; records: number } {
  const input = inputs(cells, runs, new Date());
  const before = process.memoryUsage().heapUsed;
  const started = performance.now();
  const report = buildStatusReport(input);
  const ms = performance.now() - started;
  const heapMiB = (process.memoryUsage().heapUsed - before) / 2 ** 20;
  if (report.summary.cells < cells)
    throw new Error(`status built ${report.summary.cells} of ${cells} cells`);
  return { ms, heapMiB, records: input.records.length };
}

/**
 * `status` at 10,000 and 100,000 cells (disks × 6 destinations, one copy each, `runs` runs of
 * item records): the report is built from indexes made once, so time per cell stays flat.
 */
export function statusScale(size: { cells: number; runs: number }): ScenarioResult {
  const small = timeBuild(size.cells / 10, size.runs);
  const large = timeBuild(size.cells, size.runs);
  const perCellSmall = small.ms / (size.cells / 10);
  const perCellLarge = large.ms / size.cells;
  return {
    id: 'status-scale',
    title: `Status at ${(size.cells / 10).toLocaleString('en-US')} and ${size.cells.toLocaleString('en-US')} cells`,
    method: `buildStatusReport (the whole status model, no I/O) over ${size.runs} runs of item records per cell, in this process; time per cell at ${size.cells.toLocaleString('en-US')} cells against time per cell at a tenth of that. The heap figure is heapUsed growth across the build (a lower bound: GC may run).`,
    figures: [
      {
        label: `${(size.cells / 10).toLocaleString('en-US')} cells: records`,
        value: small.records,
      },
      {
        label: `${(size.cells / 10).toLocaleString('en-US')} cells: build time`,
        value: round(small.ms / 1000, 2),
        unit: 's',
      },
      { label: `${size.cells.toLocaleString('en-US')} cells: records`, value: large.records },
      {
        label: `${size.cells.toLocaleString('en-US')} cells: build time`,
        value: round(large.ms / 1000, 2),
        unit: 's',
      },
      {
        label: `${size.cells.toLocaleString('en-US')} cells: heap growth`,
        value: round(large.heapMiB, 0),
        unit: 'MiB',
      },
    ],
    ratios: [
      {
        label: 'time per cell at 10× the cells / time per cell',
        value: round(perCellLarge / perCellSmall, 2),
        meaning: '≈1 = linear (per-cell filters took 32× the time at 4× the cells before)',
      },
    ],
  };
}
