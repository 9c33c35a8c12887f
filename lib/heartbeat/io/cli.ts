#!/usr/bin/env node
// The `pgbeat` command line. The heartbeat manager's commands are added here as they land.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { PGBEAT_VERSION } from '../../version.ts';
import { checkConfigCommand } from '../../manager/config/io/check-config.ts';

void yargs(hideBin(process.argv))
  .scriptName('pgbeat')
  .version(PGBEAT_VERSION)
  .command('version', 'Print the pgbeat version', () => undefined, () => {
    console.log(PGBEAT_VERSION);
  })
  .command(checkConfigCommand)
  .demandCommand(1, 'Give a command; see --help')
  .strict()
  .parseAsync();
