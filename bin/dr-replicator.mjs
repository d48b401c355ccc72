#!/usr/bin/env node
// Development launcher: runs the TypeScript sources through tsx (a devDependency), so an edit
// needs no rebuild. The package's bin is the compiled build/cli/dr-replicator.mjs (npm run build:cli).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../lib/cli/main.ts');
process.exitCode = await main(process.argv);
