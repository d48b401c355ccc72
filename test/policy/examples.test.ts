import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { loadPolicyFile } from '../../lib/policy/load.ts';

const MODELINE = '# yaml-language-server: $schema=./policy.schema.json';

describe('the example policies', () => {
  it.each(readdirSync('policies').filter((f) => f.endsWith('.yaml')))(
    '%s is valid and carries the schema modeline',
    async (file) => {
      await expect(loadPolicyFile(`policies/${file}`)).resolves.toBeDefined();
      expect((await readFile(`policies/${file}`, 'utf8')).split('\n')[0]).toBe(MODELINE);
    },
  );

  // The emulator's demo world is built to match these values; `npm start` runs this policy.
  it('example.yaml is the demo policy npm start runs', async () => {
    const p = await loadPolicyFile('policies/example.yaml');
    expect(p).toMatchObject({
      name: 'demo-dr',
      schedule: 'CRON_TZ=Asia/Shanghai 0 0 */4 * * *',
      source: {
        regions: ['cn-hangzhou', 'cn-shanghai'],
        select: { tags: { dr: 'true' } },
        copyMode: 'all',
        lookbackHours: 168,
      },
      log: { type: 'stdout' },
    });
    expect(p.destinations).toEqual([
      expect.objectContaining({
        region: 'cn-beijing',
        encrypted: true,
        kmsKeyId: 'key-demo-beijing',
        retentionDays: 30,
        keepLast: 7,
        rpoHours: 26,
      }),
      expect.objectContaining({ region: 'ap-southeast-1', encrypted: false, rpoHours: 26 }),
    ]);
  });

  it('include encrypted copies to two destinations with their own keys', async () => {
    const p = await loadPolicyFile('policies/encrypted-two-destinations.yaml');
    const keys = p.destinations.filter((d) => d.encrypted).map((d) => d.kmsKeyId);
    expect(keys).toHaveLength(2);
    expect(new Set(keys).size).toBe(2);
  });

  it('include tag-selected production databases with keepLast and rpoHours', async () => {
    const p = await loadPolicyFile('policies/production-databases.yaml');
    expect(p.source.select.tags).toMatchObject({ env: 'production', role: 'database' });
    expect(p.destinations[0]).toMatchObject({ keepLast: 24, rpoHours: 2 });
  });
});
