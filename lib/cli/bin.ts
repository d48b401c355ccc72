#!/usr/bin/env node
// The entry `npm run build:cli` compiles to build/cli/dr-replicator.mjs, the package's bin.
import { main } from './main.ts';

process.exitCode = await main(process.argv);
