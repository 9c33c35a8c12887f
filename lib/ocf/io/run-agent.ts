// The one place that reads argv and the environment, runs an action and sets the exit code.
import { writeErr, writeOut } from '../../log/io/out.ts';
import type { AgentActions, AgentSpec } from '../agent-spec.ts';
import { parseContext, type OcfContext } from '../context.ts';
import { INFO_ACTIONS, LIGHT_ACTIONS, needsReason, onParamError, UNEXPECTED, v1StatusWord } from '../dispatch.ts';
import { codeName, OCF_ERR_ARGS, OCF_ERR_UNIMPLEMENTED, OCF_SUCCESS, type OcfCode } from '../exit-codes.ts';
import { methodNames, renderMetadata } from '../metadata.ts';
import { OcfError } from '../ocf-error.ts';
import { usageText } from '../usage.ts';
import { oneLine } from '../../log/format.ts';
import type { Logger } from '../../log/logger.ts';

const answerInfo = <P>(spec: AgentSpec<P>, action: string): void => {
  if (action === 'meta-data') writeOut(renderMetadata(spec));
  else if (action === 'methods') writeOut(`${methodNames(spec.actions).join('\n')}\n`);
  else writeOut(usageText(spec.name, spec.actions, spec.v1Usage));
};

// In v1 form the positional arguments become parameters; OCF_RESKEY_* set alongside still win.
const withV1Args = <P>(spec: AgentSpec<P>, ctx: OcfContext, env: NodeJS.ProcessEnv): OcfContext => {
  if (!ctx.v1) return ctx;
  const mapped = spec.fromV1Args(ctx.positional);
  return {
    ...ctx,
    reskeys: { ...mapped, ...ctx.reskeys },
    instance: env['OCF_RESOURCE_INSTANCE'] || spec.v1Instance(mapped),
  };
};

const finish = (ctx: OcfContext, log: Logger | undefined, code: OcfCode, reason: string | undefined): never => {
  if (needsReason(ctx.action, code)) {
    const text = oneLine(reason ?? `${ctx.action} failed with ${codeName(code)}`);
    log?.err(text);
    writeErr(`${ctx.exitReasonPrefix}${text}\n`);
  }
  if (ctx.v1 && ctx.action === 'status') writeOut(`${v1StatusWord(code)}\n`);
  process.exit(code);
};

const execute = async <P>(spec: AgentSpec<P>, code: AgentActions<P>, ctx: OcfContext, log: Logger): Promise<OcfCode> => {
  const handler = code.handlers[ctx.action] ?? (ctx.action === 'status' ? code.handlers['monitor'] : undefined);
  if (ctx.action !== 'validate-all' && handler === undefined) {
    throw new OcfError(OCF_ERR_UNIMPLEMENTED, `Unsupported action '${ctx.action}' for ${spec.name}`);
  }
  let params: P;
  try {
    params = spec.parse(ctx.reskeys);
  } catch (e) {
    if (!(e instanceof OcfError)) throw e;
    const code = onParamError(ctx.action, ctx.isProbe, e.code);
    if (code !== e.code) {
      log.info(`${ctx.action}: ${e.message}; nothing can be running with this configuration`);
      return code;
    }
    throw e;
  }
  const input = { ctx, log, params };
  if (!LIGHT_ACTIONS.has(ctx.action)) {
    const checked = await code.validate(input);
    if (ctx.action === 'validate-all' || checked !== OCF_SUCCESS) return checked;
  }
  return handler!(input);
};

/** Runs the agent for this process: parses the call, dispatches, prints the exit reason, exits. */
export const runAgent = async <P>(spec: AgentSpec<P>): Promise<never> => {
  const env = process.env;
  const ctx = withV1Args(spec, parseContext(process.argv.slice(2), env), env);
  if (INFO_ACTIONS.has(ctx.action)) {
    answerInfo(spec, ctx.action);
    process.exit(0);
  }
  if (ctx.action === '') {
    writeErr(usageText(spec.name, spec.actions, spec.v1Usage));
    return finish(ctx, undefined, OCF_ERR_ARGS, 'No action given');
  }
  const [{ createOcfLogger, stdinIsTerminal }, { setCommandTrace }, code] = await Promise.all([
    import('../../log/io/ocf-logger.ts'),
    import('../../exec/io/trace.ts'),
    spec.load(),
  ]);
  const log = createOcfLogger({
    agent: spec.name,
    instance: ctx.instance,
    debug: ctx.debug,
    logFile: ctx.logFile,
    debugLog: ctx.debugLog,
    logFacility: ctx.logFacility,
    interactive: stdinIsTerminal(),
  });
  // OCF_TRACE_RA: shell agents run under set -x; ours log every command with its outcome.
  if (ctx.trace) setCommandTrace((line) => writeErr(`${line}\n`));
  try {
    return finish(ctx, log, await execute(spec, code, ctx, log), undefined);
  } catch (e) {
    if (e instanceof OcfError) return finish(ctx, log, e.code, e.message);
    const err = e instanceof Error ? e : new Error(String(e));
    if (ctx.debug && err.stack) writeErr(`${err.stack}\n`);
    return finish(ctx, log, UNEXPECTED, `${ctx.action} failed unexpectedly: ${err.message}`);
  }
};
