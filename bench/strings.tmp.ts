import { createRequire } from 'node:module';
import { toSnapshot } from '../lib/cloud/ecs.ts';
const require = createRequire(import.meta.url);
const JSONbig = require('json-bigint');
const page = (p: number) => JSON.stringify({ RequestId: 'x', Snapshots: { Snapshot: Array.from({ length: 100 }, (_, i) => ({ SnapshotId: `s-bp${p}x${i}abcdefghijklm`, RegionId: 'cn-hangzhou', SnapshotName: '', Description: '', Status: 'accomplished', Progress: '100%', CreationTime: '2026-03-01T11:00:00Z', SourceDiskId: `d-bp${p}x${i}abcdefghij`, SourceDiskSize: 40, SourceDiskType: 'system', SnapshotType: 'auto', Category: 'standard', Encrypted: false, Tags: { Tag: [] } })) } });
const mode = process.env.MODE;
const flat = (s: string) => (mode === 'flat' ? Buffer.from(s, 'utf8').toString('utf8') : s);
const keep: unknown[] = [];
global.gc?.();
const h0 = process.memoryUsage().heapUsed;
for (let p = 0; p < 1000; p++) {
  const body = JSONbig.parse(page(p));
  for (const raw of body.Snapshots.Snapshot) {
    const s = toSnapshot(raw, 'cn-hangzhou');

    keep.push(s);
  }
}
global.gc?.();
console.log(mode, 'heap per snapshot', Math.round((process.memoryUsage().heapUsed - h0) / keep.length));
