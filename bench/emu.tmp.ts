import { startEmulator, syntheticWorld } from '../emulator/index.ts';
const SOURCES = ['cn-hangzhou', 'cn-shanghai', 'cn-shenzhen', 'cn-qingdao'];
const now = new Date();
const world = syntheticWorld({ regions: SOURCES, disksPerRegion: 5000, snapshotsPerDisk: 5, now, destinations: ['cn-beijing', 'ap-southeast-1', 'us-west-1'] });
const emulator = await startEmulator({ world, startTime: now, speed: 1, seed: 1 });
process.stdout.write(`${emulator.url}\n`);
await new Promise(() => {});
