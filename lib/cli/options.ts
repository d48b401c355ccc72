import { Option } from 'commander';

/** Shared --output option; commands that print data accept it. */
export function outputOption(choices: string[] = ['text', 'json']): Option {
  return new Option('--output <format>', 'output format').choices(choices).default('text');
}
