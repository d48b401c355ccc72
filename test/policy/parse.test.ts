import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type PolicyProblem, parsePolicyText } from '../../lib/policy/load.ts';

const FILE = 'policy.yaml';

/** A minimal valid policy; tests append or swap lines to break one thing at a time. */
const MINIMAL = `name: demo
schedule: 0 0 */4 * * *
source:
  regions: [cn-hangzhou]
destinations:
  - region: cn-beijing
`;

function problems(text: string): PolicyProblem[] {
  return parsePolicyText(text, FILE).problems;
}

/** The single problem at `path`, failing when there is none or more than one. */
function problemAt(text: string, path: string): PolicyProblem {
  const found = problems(text).filter((p) => p.path === path);
  expect(found, JSON.stringify(problems(text))).toHaveLength(1);
  return found[0] as PolicyProblem;
}

describe('parsePolicyText', () => {
  describe('a valid policy', () => {
    it('yields a typed policy with the defaults filled in', () => {
      const { policy, problems } = parsePolicyText(MINIMAL, FILE);
      expect(problems).toEqual([]);
      expect(policy?.source.copyMode).toBe('all');
      expect(policy?.destinations[0]?.encrypted).toBe(false);
      expect(policy?.log).toEqual({ type: 'stdout' });
    });
  });

  describe('the acceptance policy with six mistakes', () => {
    const text = readFileSync(new URL('../fixtures/six-mistakes.yaml', import.meta.url), 'utf8');
    const found = problems(text);

    it('reports exactly six problems and no policy', () => {
      expect(found).toHaveLength(6);
      expect(parsePolicyText(text, FILE).policy).toBeUndefined();
    });
    it.each([
      [
        7,
        5,
        'destinations.0.retentionDay',
        /unknown key "retentionDay" \(did you mean "retentionDays"\?\)/,
      ],
      [4, 26, 'source.regions.1', /unknown region "cn-nowhere"/],
      [12, 17, 'copy.nameTemplate', /must start with a letter.*\{date\}/],
      [14, 5, 'copy.tags.acs:x', /cannot start with acs: or aliyun/],
      [10, 20, 'destinations.1.retentionDays', /must be at least 1/],
      [9, 16, 'destinations.1.encrypted', /encrypted: true needs kmsKeyId/],
    ])('reports line %i col %i: %s', (line, col, path, message) => {
      expect(found).toContainEqual({
        file: FILE,
        line,
        col,
        path,
        message: expect.stringMatching(message),
      });
    });
  });

  describe('schema problems', () => {
    it('points a missing required field at the mapping that lacks it', () => {
      const p = problemAt(
        MINIMAL.replace('  regions: [cn-hangzhou]\n', '  copyMode: all\n'),
        'source.regions',
      );
      expect(p).toMatchObject({ line: 4, col: 3, message: 'missing required field "regions"' });
    });
    it('names the expected type without echoing the value', () => {
      const p = problemAt(`${MINIMAL}    encrypted: "yes"\n`, 'destinations.0.encrypted');
      expect(p.message).toBe('must be true or false, not a string');
    });
    it('suggests the closest enum value', () => {
      const p = problemAt(
        MINIMAL.replace('source:\n', 'source:\n  copyMode: lastest\n'),
        'source.copyMode',
      );
      expect(p.message).toBe('must be one of: latest, all (did you mean "latest"?)');
    });
    it('rejects an unknown top-level key at the key', () => {
      const p = problemAt(`${MINIMAL}destination: []\n`, 'destination');
      expect(p).toMatchObject({ line: 7, col: 1 });
      expect(p.message).toMatch(/did you mean "destinations"/);
    });
    it('points an empty mapping value at its key', () => {
      const p = problemAt(
        MINIMAL.replace('source:\n  regions: [cn-hangzhou]\n', 'source:\n'),
        'source',
      );
      expect(p).toMatchObject({
        line: 3,
        col: 1,
        message: 'must be a mapping (key: value), not an empty value',
      });
    });
    it('never echoes a webhook URL, which may carry a token', () => {
      const p = problemAt(
        `${MINIMAL}alerts: {webhook: {url: "ftp://hook?access_token=s3cr3t"}}\n`,
        'alerts.webhook.url',
      );
      expect(p.message).toBe('must be an http(s) URL');
    });
    it('rejects an unknown log type', () => {
      expect(problemAt(`${MINIMAL}log: {type: syslog}\n`, 'log.type').message).toBe(
        'must be one of: sls, stdout, file',
      );
    });
  });

  describe('semantic problems', () => {
    it('rejects a destination equal to a source region', () => {
      const p = problemAt(
        MINIMAL.replace('region: cn-beijing', 'region: cn-hangzhou'),
        'destinations.0.region',
      );
      expect(p.message).toMatch(/also a source region/);
    });
    it('rejects a destination listed twice', () => {
      const p = problemAt(`${MINIMAL}  - region: cn-beijing\n`, 'destinations.1.region');
      expect(p).toMatchObject({ line: 7, col: 13, message: expect.stringMatching(/listed twice/) });
    });
    it('rejects a KMS key ARN from another region', () => {
      const p = problemAt(
        `${MINIMAL}    kmsKeyId: acs:kms:cn-shanghai:1:key/k\n`,
        'destinations.0.kmsKeyId',
      );
      expect(p.message).toMatch(/key is in cn-shanghai/);
    });
    it('rejects an unknown region in the SLS log target', () => {
      const log = 'log: {type: sls, project: dr-logs, logstore: runs, region: cn-hongkongg}\n';
      expect(problemAt(`${MINIMAL}${log}`, 'log.region').message).toMatch(
        /did you mean "cn-hongkong"/,
      );
    });
    it('rejects an unparsable cron schedule', () => {
      const p = problemAt(MINIMAL.replace('0 0 */4 * * *', '0 0 */4 * *'), 'schedule');
      expect(p).toMatchObject({ line: 2, col: 11, message: expect.stringMatching(/6 fields/) });
    });
    it('rejects an @every schedule slower than a destination RPO', () => {
      const text = MINIMAL.replace('0 0 */4 * * *', '"@every 1800m"');
      expect(problemAt(text, 'destinations.0.rpoHours').message).toMatch(/30 h between runs/);
    });
    it('rejects a weekday-only cron schedule against a 24 h RPO (the weekend gap)', () => {
      const text = MINIMAL.replace('0 0 */4 * * *', '0 0 9 * * 1-5');
      expect(problemAt(text, 'destinations.0.rpoHours').message).toMatch(/72 h between runs/);
    });
    it('accepts a cron schedule that runs within the RPO', () => {
      expect(
        problems(MINIMAL.replace('0 0 */4 * * *', 'CRON_TZ=Asia/Shanghai 0 0 2 * * *')),
      ).toEqual([]);
    });
    it('rejects an unparsable name pattern', () => {
      const text = MINIMAL.replace('source:\n', 'source:\n  select: {namePattern: "db-(["}\n');
      expect(problemAt(text, 'source.select.namePattern').message).toMatch(
        /not a valid regular expression/,
      );
    });
    it('rejects unknown placeholders', () => {
      const text = `${MINIMAL}copy: {descriptionTemplate: "copy of {snapshot}"}\n`;
      expect(problemAt(text, 'copy.descriptionTemplate').message).toMatch(
        /unknown placeholder \{snapshot\}/,
      );
    });
    it('rejects name template characters a snapshot name cannot have', () => {
      const text = `${MINIMAL}copy: {nameTemplate: "dr {sourceName}"}\n`;
      expect(problemAt(text, 'copy.nameTemplate').message).toMatch(/cannot have \(" "\)/);
    });
    it('rejects a name template that can render fewer than 2 characters', () => {
      const text = `${MINIMAL}copy: {nameTemplate: "d{sourceName}"}\n`;
      expect(problemAt(text, 'copy.nameTemplate').message).toMatch(/shorter than 2/);
    });
    it('rejects a description template starting with a URL', () => {
      const text = `${MINIMAL}copy: {descriptionTemplate: "https://wiki/{snapshotId}"}\n`;
      expect(problemAt(text, 'copy.descriptionTemplate').message).toMatch(/cannot start with http/);
    });
    it('rejects tag values the API refuses', () => {
      const text = `${MINIMAL}copy: {tags: {docs: "see http://wiki"}}\n`;
      expect(problemAt(text, 'copy.tags.docs').message).toMatch(/cannot contain http/);
    });
    it('rejects tag keys reserved for provenance', () => {
      const text = `${MINIMAL}copy: {tags: {"dr-replicator:policy": x}}\n`;
      expect(problemAt(text, 'copy.tags.dr-replicator:policy').message).toMatch(
        /reserved for the provenance/,
      );
    });
    it('rejects duplicate tag keys', () => {
      const p = problems(`${MINIMAL}copy:\n  tags:\n    team: a\n    team: b\n`);
      expect(p).toContainEqual(
        expect.objectContaining({
          line: 10,
          col: 5,
          message: expect.stringMatching(/duplicate key/),
        }),
      );
    });
    it('rejects tag keys that differ only in case', () => {
      const text = `${MINIMAL}copy: {tags: {Team: a, team: b}}\n`;
      expect(problemAt(text, 'copy.tags.team').message).toMatch(/differ only in case/);
    });
    it('rejects 15 tags, since 5 provenance tags and the reported marker are added', () => {
      const tags = Array.from({ length: 15 }, (_, i) => `t${i}: v`).join(', ');
      expect(problemAt(`${MINIMAL}copy: {tags: {${tags}}}\n`, 'copy.tags').message).toMatch(
        /exceed the 20-tag limit/,
      );
    });
    it('accepts 14 tags (20 less the 5 provenance tags and the reported marker)', () => {
      const tags = Array.from({ length: 14 }, (_, i) => `t${i}: v`).join(', ');
      expect(problems(`${MINIMAL}copy: {tags: {${tags}}}\n`)).toEqual([]);
    });
    it('rejects a policy name that is not a valid tag value', () => {
      expect(problemAt(MINIMAL.replace('name: demo', 'name: aliyun-dr'), 'name').message).toMatch(
        /tag value/,
      );
    });
    it('rejects an unknown API in limits.requestsPerMinute', () => {
      const text = `${MINIMAL}limits: {requestsPerMinute: {CopySnapshots: 10}}\n`;
      expect(problemAt(text, 'limits.requestsPerMinute.CopySnapshots').message).toMatch(
        /did you mean "CopySnapshot"/,
      );
    });
  });

  describe('YAML problems', () => {
    it('reports a syntax error with its position', () => {
      const p = problems('name: demo\nsource: [a\n');
      expect(p).toHaveLength(1);
      expect(p[0]).toMatchObject({
        line: 3,
        col: 1,
        path: '',
        message: expect.stringMatching(/^YAML: /),
      });
    });
    it('rejects a second YAML document', () => {
      expect(problems(`${MINIMAL}---\nname: other\n`)[0]?.message).toMatch(/one YAML document/);
    });
    it('rejects a top level that is not a mapping', () => {
      expect(problems('- a\n- b\n')[0]?.message).toMatch(/must be a mapping/);
    });
    it('rejects a file holding only comments as empty', () => {
      expect(problems('# nothing yet\n')[0]?.message).toMatch(/the file is empty/);
    });
    it('refuses alias expansion bombs', () => {
      const bomb = `a: &a [x, x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
`;
      expect(problems(bomb)[0]?.message).toMatch(/YAML: .*alias/i);
    });
  });
});
