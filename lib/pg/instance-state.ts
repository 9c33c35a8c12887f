// What a local instance is doing, from independent probes (PAF's chain: pg_isready, pg_controldata,
// postmaster.pid, pg_is_in_recovery()). When the probes disagree the answer is 'unknown', never a guess.
import type { ClusterState } from './controldata.ts';

/** pg_isready's exit code (PQping): accepting, rejecting (startup/shutdown), no response, no attempt. */
export type IsReadyCode = 0 | 1 | 2 | 3;

/** The named meanings of pg_isready's exit codes. */
export const ISREADY = { accepting: 0, rejecting: 1, noResponse: 2, noAttempt: 3 } as const;

/** The domain states of an instance; the agent maps them to OCF codes. */
export type InstanceState =
  | 'primary'
  | 'standby'
  | 'stopped'
  | 'stopped-standby'
  | 'crashed-primary'
  | 'crashed-standby'
  | 'starting'
  | 'stopping'
  | 'unknown';

/** The probes, each taken once. */
export interface InstanceProbe {
  isready: IsReadyCode;
  /** undefined when pg_controldata could not be run or parsed. */
  controlState: ClusterState | undefined;
  /** PID from postmaster.pid; undefined when the file does not exist. */
  postmasterPid: number | undefined;
  /** Whether that PID is a live (non-zombie) process. */
  postmasterAlive: boolean;
  /** SELECT pg_is_in_recovery(); undefined when not reachable or not asked. */
  inRecovery: boolean | undefined;
  /** The server refused our connection because every slot is taken (SQLSTATE 53300). */
  full?: boolean | undefined;
}

/** A state and the one sentence that explains it. */
export interface InstanceClassification {
  state: InstanceState;
  reason: string;
}

const says = (p: InstanceProbe): string => `controldata says '${p.controlState ?? 'unreadable'}'`;
const is = (state: InstanceState, reason: string): InstanceClassification => ({ state, reason });

/** A server answers on our socket/port although our data directory has no running postmaster. */
const foreignServer = (how: string): InstanceClassification =>
  is('unknown', `a server ${how} on the configured socket/port but this data directory has no running postmaster (another instance on the same port?)`);

/** Classifies an instance whose server answers (accepting connections). */
const classifyAccepting = (p: InstanceProbe): InstanceClassification => {
  if (p.controlState === 'shut down' || p.controlState === 'shut down in recovery') {
    return is('unknown', `the server accepts connections but ${says(p)}: the socket belongs to another data directory?`);
  }
  if (p.inRecovery === undefined) return is('unknown', `the server accepts connections but pg_is_in_recovery() could not be read`);
  if (p.inRecovery) {
    if (p.controlState === 'in archive recovery') return is('standby', 'accepting connections and in recovery (hot standby)');
    return is('unknown', `pg_is_in_recovery() is true but ${says(p)} (promotion in progress?)`);
  }
  if (p.controlState === 'in production') return is('primary', 'accepting connections and not in recovery');
  return is('unknown', `pg_is_in_recovery() is false but ${says(p)}`);
};

/** Classifies an instance whose server answers but rejects connections (starting or stopping). */
const classifyRejecting = (p: InstanceProbe): InstanceClassification => {
  switch (p.controlState) {
    case 'shutting down':
    case 'in production':
      return is('stopping', `the server rejects connections and ${says(p)}: shutting down`);
    case 'starting up':
    case 'in crash recovery':
    case 'shut down':
    case 'shut down in recovery':
      return is('starting', `the server rejects connections and ${says(p)}: starting up`);
    case 'in archive recovery':
      return is('starting', `the server rejects connections while in archive recovery: starting, or hot_standby is off`);
    case undefined:
      return is('unknown', 'the server rejects connections and pg_controldata could not be read');
  }
};

/** Classifies an instance with a live postmaster that does not answer on its socket. */
const classifySilentPostmaster = (p: InstanceProbe): InstanceClassification => {
  if (p.controlState === 'shutting down') return is('stopping', `postmaster ${p.postmasterPid} runs without answering and ${says(p)}`);
  if (p.controlState === 'starting up' || p.controlState === 'in crash recovery') {
    return is('starting', `postmaster ${p.postmasterPid} runs without answering yet and ${says(p)}`);
  }
  return is('unknown', `postmaster ${p.postmasterPid} is alive but does not answer on the configured socket/port (${says(p)})`);
};

/** Classifies an instance with no running postmaster, from the control file alone. */
const classifyDown = (p: InstanceProbe): InstanceClassification => {
  const stale = p.postmasterPid === undefined ? '' : ` (stale postmaster.pid, PID ${p.postmasterPid} is gone)`;
  switch (p.controlState) {
    case 'shut down':
      return is('stopped', `no postmaster runs and ${says(p)}: cleanly stopped primary${stale}`);
    case 'shut down in recovery':
      return is('stopped-standby', `no postmaster runs and ${says(p)}: cleanly stopped standby${stale}`);
    case 'in production':
    case 'in crash recovery':
    case 'shutting down':
      return is('crashed-primary', `no postmaster runs but ${says(p)}: the primary crashed or was killed${stale}`);
    case 'in archive recovery':
      return is('crashed-standby', `no postmaster runs but ${says(p)}: the standby crashed or was killed${stale}`);
    case 'starting up':
      return is('unknown', `no postmaster runs and ${says(p)}: initdb or pg_resetwal did not finish?${stale}`);
    case undefined:
      return is('unknown', `no postmaster runs and pg_controldata could not be read${stale}`);
  }
};

/**
 * Classifies a live postmaster that refused us for lack of connection slots: a busy server is a running
 * server, so its role comes from the control file (a primary says 'in production', a standby 'in archive
 * recovery'); anything else is in doubt.
 */
const classifyFull = (p: InstanceProbe): InstanceClassification => {
  const full = 'every connection slot is taken (too many clients; SQLSTATE 53300)';
  if (p.controlState === 'in production') return is('primary', `running, ${full}; the control file says 'in production'`);
  if (p.controlState === 'in archive recovery') return is('standby', `running, ${full}; the control file says 'in archive recovery'`);
  if (p.controlState === 'shutting down') return is('stopping', `running, ${full}; ${says(p)}`);
  return is('unknown', `postmaster ${p.postmasterPid} runs but ${full} and ${says(p)}`);
};

/** Classifies an instance from its probes into a domain state with a one-sentence reason. */
export const classifyInstance = (p: InstanceProbe): InstanceClassification => {
  const running = p.postmasterPid !== undefined && p.postmasterAlive;
  if (p.full && running) return classifyFull(p);
  switch (p.isready) {
    case ISREADY.accepting:
      return running ? classifyAccepting(p) : foreignServer('accepts connections');
    case ISREADY.rejecting:
      return running ? classifyRejecting(p) : foreignServer('rejects connections');
    case ISREADY.noResponse:
      return running ? classifySilentPostmaster(p) : classifyDown(p);
    case ISREADY.noAttempt:
      return is('unknown', 'pg_isready made no attempt to connect (invalid connection parameters)');
  }
};
