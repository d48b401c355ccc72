import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../emulator/index.ts';
import { createSlsReader, createSlsSink } from '../../lib/cloud/sls.ts';
import { scheduleIntervalMs } from '../../lib/ops/schedule.ts';
import { parseSchedule } from '../../lib/policy/cron.ts';
import { loadPolicyFile } from '../../lib/policy/load.ts';
import type { Policy } from '../../lib/policy/schema.ts';
import { AlertKind, type LogRecord, Outcome } from '../../lib/records/types.ts';
import { policiesOf, readServiceFile } from '../../scripts/deploy/service-file.ts';
import { REPO_ROOT } from './support/paths.ts';

interface AlertRule {
  name: string;
  type: string;
  schedule: { type: string; interval: string };
  configuration: {
    version: string;
    queryList: {
      region: string;
      project: string;
      store: string;
      query: string;
      start: string;
      end: string;
    }[];
    groupConfiguration: { type: string; fields: string[] };
    severityConfigurations: { severity: number; evalCondition: { condition: string } }[];
    annotations: { key: string; value: string }[];
    noDataFire: boolean;
  };
}

const ALERTS_DIR = path.join(REPO_ROOT, 'policies', 'alerts');
const rules = readdirSync(ALERTS_DIR)
  .filter((name) => name.endsWith('.json'))
  .sort()
  .map((name) => ({
    file: name.replace(/\.json$/, ''),
    rule: JSON.parse(readFileSync(path.join(ALERTS_DIR, name), 'utf8')) as AlertRule,
  }));

const queryOf = (rule: AlertRule) => {
  const [query] = rule.configuration.queryList;
  if (!query) throw new Error(`${rule.name} has no query`);
  const [search = '', sql = ''] = query.query.split('|', 2).map((part) => part.trim());
  return { ...query, search, sql };
};

/** "5m", "-3h", "30s" in ms. */
const durationMs = (text: string): number => {
  const match = /^-?(\d+)([smhd])$/.exec(text);
  if (!match) throw new Error(`not a relative duration: ${text}`);
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[
    match[2] as 's' | 'm' | 'h' | 'd'
  ];
  return Number(match[1]) * unit;
};

// One sample of each record kind an alert rule can be about; `message` names the sample.
const time = new Date().toISOString();
const base = { runId: 'run-1', policy: 'prod-databases', time };
const alert = (kind: AlertKind): LogRecord => ({
  ...base,
  kind: 'alert',
  alert: kind,
  sourceRegion: 'cn-hangzhou',
  destRegion: 'ap-southeast-1',
  diskId: 'd-1',
  errorCode: 'Forbidden.RAM',
  message: `sample alert ${kind}`,
});
const item = (outcome: Outcome): LogRecord => ({
  ...base,
  kind: 'item',
  sourceRegion: 'cn-hangzhou',
  sourceSnapshotId: 's-1',
  diskId: 'd-1',
  destRegion: 'ap-southeast-1',
  outcome,
  ...(outcome === Outcome.Failed ? { errorCode: 'QuotaExceed.SnapshotQuota' } : {}),
  attempts: 1,
  durationMs: 5,
  // A completed item that mentions failure must not trip the failed-item rule.
  message: `sample item ${outcome} (earlier attempt failed)`,
});
const run: LogRecord = {
  ...base,
  kind: 'run',
  startedAt: time,
  finishedAt: time,
  durationMs: 10,
  exitCode: 0,
  totals: Object.fromEntries(Object.values(Outcome).map((o) => [o, 0])) as Record<Outcome, number>,
  apiCalls: {},
  message: 'sample run',
};
const SAMPLES: LogRecord[] = [
  ...Object.values(AlertKind).map(alert),
  ...Object.values(Outcome).map(item),
  run,
  // A dry run's records are a rehearsal: no rule may fire on them (nor count them as a run).
  ...[...Object.values(AlertKind).map(alert), ...Object.values(Outcome).map(item), run].map(
    (record) => ({ ...record, dryRun: 'true' as const, message: 'dry run' }),
  ),
];

/** The samples each rule must match, by rule file name. */
const EXPECTED: Record<string, string[]> = {
  'run-aborted': [`sample alert ${AlertKind.RunAborted}`],
  'clock-skew': [`sample alert ${AlertKind.ClockSkew}`],
  'source-stale': [`sample alert ${AlertKind.SourceStale}`],
  'heartbeat-missed': [`sample alert ${AlertKind.HeartbeatMissed}`],
  'destination-stopped': [`sample alert ${AlertKind.DestinationStopped}`],
  'rpo-breach': [`sample alert ${AlertKind.RpoBreach}`],
  'source-unavailable': [`sample alert ${AlertKind.SourceUnavailable}`],
  'listing-incomplete': [`sample alert ${AlertKind.ListingIncomplete}`],
  'copy-lost': [`sample alert ${AlertKind.CopyLost}`],
  'copy-unlocked': [`sample alert ${AlertKind.CopyUnlocked}`],
  'drill-failed': [`sample alert ${AlertKind.DrillFailed}`],
  'outcome-count-mismatch': [`sample alert ${AlertKind.OutcomeCountMismatch}`],
  'item-failed': [`sample item ${Outcome.Failed} (earlier attempt failed)`],
  'no-runs': ['sample run'],
};

describe('policies/alerts', () => {
  it('has a rule for every alert kind and for failed items', () => {
    expect(rules.map((r) => r.file).sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const kind of Object.values(AlertKind)) expect(EXPECTED[kind]).toBeDefined();
  });

  it.each(rules)('$file is an SLS Alert 2.0 rule with one query and a severity', ({ rule }) => {
    expect(rule.type).toBe('Alert');
    expect(rule.configuration.version).toBe('2.0');
    expect(rule.configuration.queryList).toHaveLength(1);
    expect(rule.configuration.severityConfigurations.length).toBeGreaterThan(0);
  });

  it.each(rules)(
    '$file looks back at least one evaluation interval, leaving no gap',
    ({ rule }) => {
      expect(durationMs(queryOf(rule).start)).toBeGreaterThanOrEqual(
        durationMs(rule.schedule.interval),
      );
    },
  );

  it.each(rules)('$file selects what its condition and grouping read', ({ rule }) => {
    const { sql } = queryOf(rule);
    const selected = new Set([...sql.matchAll(/\bas (\w+)/g)].map((m) => m[1]));
    for (const field of rule.configuration.groupConfiguration.fields) {
      expect(sql).toMatch(new RegExp(`group by [\\w, ]*\\b${field}\\b`));
    }
    for (const { evalCondition } of rule.configuration.severityConfigurations) {
      for (const variable of evalCondition.condition.match(/[A-Za-z_]\w*/g) ?? []) {
        expect(selected.has(variable)).toBe(true);
      }
    }
  });

  it.each(rules)('$file groups by fields the records carry', ({ file, rule }) => {
    const sample = SAMPLES.find((r) => r.message === EXPECTED[file]?.[0]);
    for (const field of rule.configuration.groupConfiguration.fields) {
      expect(Object.keys(sample ?? {})).toContain(field);
    }
  });

  describe('against the deployed policies', () => {
    const policies: Policy[] = [];

    beforeAll(async () => {
      const service = await readServiceFile(REPO_ROOT);
      for (const file of new Set(service.functions.flatMap(policiesOf))) {
        policies.push(await loadPolicyFile(path.join(REPO_ROOT, file)));
      }
    });

    it.each(rules)('$file reads a logstore a deployed policy writes to', ({ rule }) => {
      const { region, project, store } = queryOf(rule);
      const targets = policies.flatMap((p) => (p.log.type === 'sls' ? [p.log] : []));
      expect(targets).toContainEqual({ type: 'sls', region, project, logstore: store });
    });

    it('fires no-runs only after two missed runs of every policy logging there', () => {
      const { rule } = rules.find((r) => r.file === 'no-runs') ?? {};
      if (!rule) throw new Error('no no-runs rule');
      const { project, store, start } = queryOf(rule);
      const logging = policies.filter(
        (p) => p.log.type === 'sls' && p.log.project === project && p.log.logstore === store,
      );
      expect(logging.length).toBeGreaterThan(0);
      for (const policy of logging) {
        expect(durationMs(start)).toBeGreaterThanOrEqual(
          2 * scheduleIntervalMs(parseSchedule(policy.schedule)),
        );
      }
      expect(rule.configuration.noDataFire).toBe(true);
    });
  });

  describe('searches, run by the emulated Log Service', () => {
    let emulator: RunningEmulator;
    const target = {
      project: 'prod-dr-logs',
      logstore: 'db-replication',
      region: 'ap-southeast-1',
    };

    beforeAll(async () => {
      emulator = await startEmulator();
      const connection = { ...target, credentials: emulator.credentials, endpoint: emulator.url };
      const sink = createSlsSink(connection);
      await sink.write(SAMPLES);
      await sink.close();
    });

    afterAll(async () => {
      await emulator?.stop();
    });

    it.each(rules)('$file matches the records of its kind and no other', async ({ file, rule }) => {
      const { search, project, store, region } = queryOf(rule);
      const reader = createSlsReader({
        project,
        logstore: store,
        region,
        credentials: emulator.credentials,
        endpoint: emulator.url,
      });
      const now = Date.now();
      const found = await reader.query({
        from: new Date(now - 3_600_000),
        to: new Date(now + 60_000),
        query: search,
      });
      expect(found.map((fields) => fields.message).sort()).toEqual(EXPECTED[file]);
    });
  });
});
