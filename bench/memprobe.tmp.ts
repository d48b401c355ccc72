import { startEmulator, syntheticWorld } from '/work/main/emulator/index.ts';
const SOURCES = ['cn-hangzhou', 'cn-shanghai', 'cn-shenzhen', 'cn-qingdao'];
const DESTINATIONS = ['cn-beijing', 'ap-southeast-1', 'us-west-1'];
const now = new Date();
const world = syntheticWorld({ regions: SOURCES, disksPerRegion: 5000, snapshotsPerDisk: 5, now, destinations: DESTINATIONS });
const emulator = await startEmulator({ world, startTime: now, speed: 1, seed: 1 });
console.log(emulator.url);
await new Promise(() => {});
