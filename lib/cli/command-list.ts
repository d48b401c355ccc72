/**
 * The CLI's commands as the top-level `--help` lists them, in that order. `dr-replicator
 * --help` reads only this table, so it loads no command module (and no SDK); each command's
 * module takes its description from here, so the two cannot drift apart.
 */
export const COMMAND_LIST = {
  validate: {
    term: 'validate [options] <files...>',
    summary: 'check replication policy files; list every problem with its line and column',
  },
  plan: {
    term: 'plan [options]',
    summary: 'show what a run would do, item by item with the reason (writes nothing)',
  },
  run: {
    term: 'run [options]',
    summary: 'replicate new snapshots to every destination and record each outcome',
  },
  status: {
    term: 'status [options]',
    summary: 'RPO state of every disk in every destination, from the cloud and the log store',
  },
  serve: {
    term: 'serve [options]',
    summary: 'run policies on their schedules (node-cron) until SIGTERM',
  },
  emulator: {
    term: 'emulator [options]',
    summary: 'run the local Alibaba Cloud emulator (ECS, KMS, SLS) until interrupted',
  },
  demo: {
    term: 'demo [options]',
    summary: 'run the example policy end to end against an in-process emulator (npm start)',
  },
  org: {
    term: 'org',
    summary: 'replicate across the accounts of an organisation',
  },
} as const;

export type CommandName = keyof typeof COMMAND_LIST;
