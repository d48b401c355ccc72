import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import type { World } from '../../../emulator/model/types.ts';
import { Code } from '../../codes.ts';
import { ExitCode, InvalidInputError } from '../../errors.ts';
import { COMMAND_LIST } from '../command-list.ts';
import type { CommandContext } from '../io.ts';

interface EmulatorFlags {
  port: number;
  state?: string;
  world: string;
  speed: number;
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port 0-65535');
  return n;
}

function parseSpeed(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('a number >= 0');
  return n;
}

async function loadWorldArg(arg: string, cwd: string): Promise<'demo' | 'empty' | World> {
  if (arg === 'demo' || arg === 'empty') return arg;
  const path = resolve(cwd, arg);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new InvalidInputError(Code.WorldNotFound, `cannot read world file ${path}`, {
      cause: error,
    });
  }
  try {
    const { parseWorld } = await import('../../../emulator/world-schema.ts');
    return parseWorld(JSON.parse(text));
  } catch (error) {
    throw new InvalidInputError(
      Code.InvalidWorld,
      `${path}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}

/** Resolves on SIGINT or SIGTERM: the emulator runs until the operator stops it. */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((done) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      done(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

export function registerEmulator(program: Command, ctx: CommandContext): void {
  program
    .command('emulator')
    .description(COMMAND_LIST.emulator.summary)
    .option('--port <n>', 'port on 127.0.0.1 (0 = any free port)', parsePort, 0)
    .option('--state <dir>', 'persist the cloud in this folder (reloaded on restart)')
    .option(
      '--world <demo|empty|file>',
      'world of a fresh cloud: demo, empty or a JSON file',
      'demo',
    )
    .option('--speed <x>', 'virtual clock speed vs real time', parseSpeed, 1)
    .action(async (flags: EmulatorFlags) => {
      // Loaded on use: other commands should not pay for the emulator (SLS, protobuf, SDK models).
      const { startEmulator } = await import('../../../emulator/index.ts');
      const world = await loadWorldArg(flags.world, ctx.io.cwd);
      const emulator = await startEmulator({
        port: flags.port,
        world,
        speed: flags.speed,
        ...(flags.state !== undefined && { stateDir: resolve(ctx.io.cwd, flags.state) }),
      });
      ctx.io.stdout(`emulator listening on ${emulator.url}\n`);
      ctx.io.stdout(`ALIBABA_CLOUD_ACCESS_KEY_ID=${emulator.credentials.accessKeyId}\n`);
      ctx.io.stdout(`ALIBABA_CLOUD_ACCESS_KEY_SECRET=${emulator.credentials.accessKeySecret}\n`);
      ctx.io.stderr(
        `point the product at it with DR_REPLICATOR_ENDPOINT=${emulator.url}; admin API under ${emulator.url}/_emulator/ (Ctrl-C to stop)\n`,
      );
      const signal = await untilSignal();
      await emulator.stop();
      ctx.io.stderr(`emulator stopped (${signal})\n`);
      ctx.setExitCode(ExitCode.Ok);
    });
}
