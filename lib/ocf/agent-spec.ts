// What an agent declares: its identity, parameters, advertised actions and handlers.
import type { OcfCode } from './exit-codes.ts';
import type { ParamSchema } from './schema.ts';
import type { OcfContext } from './context.ts';
import type { Logger } from '../log/logger.ts';

/** Action names the ra-api-1.dtd allows in meta-data. */
export type DtdActionName =
  | 'start' | 'stop' | 'recover' | 'monitor' | 'restart' | 'migrate_to' | 'migrate_from'
  | 'promote' | 'demote' | 'notify' | 'status' | 'reload' | 'meta-data' | 'usage'
  | 'methods' | 'validate-all';

/** One advertised action line of the meta-data. */
export interface ActionAdvice {
  name: DtdActionName;
  /** Seconds; rendered as `<n>s`. */
  timeout: number;
  interval?: number;
  depth?: number;
  role?: 'Promoted' | 'Unpromoted';
}

/** What a handler gets: the parsed environment, the logger and the typed parameters. */
export interface ActionInput<P> {
  ctx: OcfContext;
  log: Logger;
  params: P;
}

/** A handler returns the exit code; failures throw OcfError. */
export type ActionHandler<P> = (input: ActionInput<P>) => Promise<OcfCode>;

/** The declaration every agent entry point hands to runAgent(). */
export interface AgentSpec<P = unknown> {
  /** File name, OCF type and log tag. */
  name: string;
  version: string;
  shortdesc: string;
  longdesc: string;
  params: ParamSchema;
  /** Advertised in meta-data; each must have a handler (or be built in). */
  actions: ActionAdvice[];
  /** Parses raw parameters into typed ones (usually parseParams with the schema). */
  parse: (raw: Readonly<Record<string, string | undefined>>) => P;
  /** The v1 argument shape for usage, e.g. `ip[/cidr[/nic[/broadcast]]]`. */
  v1Usage: string;
  /** Maps heartbeat v1 positional arguments onto raw parameter values. */
  fromV1Args: (args: readonly string[]) => Record<string, string>;
  /** Instance name to use in v1 form, from the mapped parameters. */
  v1Instance: (raw: Readonly<Record<string, string>>) => string;
  /**
   * Loads the action code on demand, so meta-data, usage and methods load no command runner,
   * database client or CLI parser.
   */
  load: () => Promise<AgentActions<P>>;
}

/** The code behind an agent's actions. */
export interface AgentActions<P> {
  /**
   * Local checks beyond parsing (binaries, interfaces, permissions). Runs for validate-all and
   * before start, promote and demote; stop, monitor, status and notify only parse parameters.
   */
  validate: ActionHandler<P>;
  /** Handlers by action name; `status` falls back to `monitor`. */
  handlers: Partial<Record<string, ActionHandler<P>>>;
}
