// Types of scripts/lib/man-page.mjs for the unit tests.
import type { MetaData } from './meta-data.d.mts';

/** Escapes text for roff. */
export declare const roff: (s: string) => string;
/** The ocf_pgbeat_<agent>(7) page of an agent. */
export declare const agentPage: (md: MetaData, o: { date: string; version: string }) => string;
/** The subcommand names in a yargs --help text. */
export declare const subcommands: (help: string, program?: string) => string[];
/** The pgbeat(8) page. */
export declare const commandPage: (o: {
  help: string;
  commands: [string, string][];
  date: string;
  version: string;
  files?: [string, string][];
}) => string;
