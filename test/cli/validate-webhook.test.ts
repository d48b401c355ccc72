import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePolicyText } from '../../lib/policy/load.ts';
import { captureIo, cli } from './run-fixtures.ts';

const BASE = `name: p
schedule: "0 0 */4 * * *"
source: {regions: [cn-hangzhou]}
destinations: [{region: cn-beijing}]
`;

const withWebhook = (lines: string): string => `${BASE}alerts:\n  webhook:\n${lines}`;

describe('alerts.webhook in a policy', () => {
  it('accepts the URL and secret from named environment variables, with no warning', () => {
    const result = parsePolicyText(
      withWebhook('    urlEnv: DR_WEBHOOK_URL\n    secretEnv: DR_WEBHOOK_SECRET\n'),
      'p.yaml',
    );
    expect(result.problems).toEqual([]);
    expect(result.policy?.alerts.webhook).toEqual({
      urlEnv: 'DR_WEBHOOK_URL',
      secretEnv: 'DR_WEBHOOK_SECRET',
    });
    expect(result.warnings).toBeUndefined();
  });

  it('needs exactly one of url and urlEnv, at most one of secret and secretEnv', () => {
    const both = parsePolicyText(
      withWebhook('    url: https://example.com/hook\n    urlEnv: DR_WEBHOOK_URL\n'),
      'p.yaml',
    );
    expect(both.problems.map((p) => p.message)).toContain('give exactly one of url and urlEnv');
    const neither = parsePolicyText(withWebhook('    secretEnv: S\n'), 'p.yaml');
    expect(neither.problems.map((p) => p.message)).toContain('give exactly one of url and urlEnv');
    const secrets = parsePolicyText(
      withWebhook('    urlEnv: U\n    secret: x\n    secretEnv: S\n'),
      'p.yaml',
    );
    expect(secrets.problems.map((p) => p.message)).toContain(
      'give at most one of secret and secretEnv',
    );
  });

  it('refuses a variable name a shell could not set', () => {
    const result = parsePolicyText(withWebhook('    urlEnv: "DR-URL"\n'), 'p.yaml');
    expect(result.problems.map((p) => p.path)).toContain('alerts.webhook.urlEnv');
  });

  it('warns, without failing, about a secret written inline, at its line', () => {
    const result = parsePolicyText(
      withWebhook('    url: https://example.com/hook\n    secret: SEC-inline\n'),
      'p.yaml',
    );
    expect(result.policy).toBeDefined();
    expect(result.warnings).toEqual([
      expect.objectContaining({ line: 8, path: 'alerts.webhook.secret' }),
    ]);
    expect(result.warnings?.[0]?.message).toMatch(/secretEnv/);
    expect(result.warnings?.[0]?.message).not.toContain('SEC-inline');
  });
});

describe('dr-replicator validate: warnings', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'validate-webhook-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints the inline-secret warning on stderr and still exits 0; JSON stdout stays the problem list', async () => {
    const file = join(dir, 'inline.yaml');
    await writeFile(
      file,
      withWebhook('    url: https://example.com/hook\n    secret: SEC-inline\n'),
    );

    const text = captureIo({}, { cwd: dir });
    expect(await cli(text, 'validate', 'inline.yaml')).toBe(0);
    expect(text.stderrText()).toMatch(/^warning: inline\.yaml:8:5: alerts\.webhook\.secret: /m);
    expect(text.stdoutText()).toBe('');

    const json = captureIo({}, { cwd: dir });
    expect(await cli(json, 'validate', 'inline.yaml', '--output', 'json')).toBe(0);
    expect(JSON.parse(json.stdoutText())).toEqual([]);
    expect(json.stderrText()).toContain('warning: ');
  });
});
