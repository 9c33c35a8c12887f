// Why a peer could not be asked where it stands, and what that means for a promotion: "nothing
// listens there" (unreachable) versus "something answered but would not tell us" (unknown). Only
// the first is evidence that no primary runs there; a refused login or a full server is a live
// PostgreSQL that may well be a primary.

/** unreachable: no route, refused, or the connection was not accepted in time; unknown: anything else. */
export type PeerFailureKind = 'unreachable' | 'unknown';

/** What a failed attempt to ask a peer left behind. */
export interface PeerErrorFacts {
  /** connect: opening the session (TCP, startup, authentication); query: once it was open. */
  phase: 'connect' | 'query';
  /** Node's errno code (ECONNREFUSED...) or the server's SQLSTATE (28P01...), when there was one. */
  code?: string | undefined;
  message: string;
}

/** A failure to ask a peer, classified, with the error kept for the reason. */
export interface PeerFailure {
  kind: PeerFailureKind;
  error: string;
}

// Socket errors that mean no server process accepted the connection: refused (nothing listens on
// the port, or no socket file in a unix socket directory), no route, host or network down, the
// kernel's own connect timeout.
const NOTHING_LISTENS = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'ETIMEDOUT', 'ENOENT']);

// node-postgres destroys the socket with "timeout expired" when connectionTimeoutMillis passes.
const CONNECT_TIMEOUT = /timeout expired|connection timeout|timed out/i;

/**
 * Classifies a failure to ask a peer. Unreachable only while connecting, and only when no server
 * answered: refused, no route, connect timeout. Anything else (authentication or pg_hba refusals
 * 28000/28P01, a missing database 3D000, too many connections 53300, a server starting up or
 * shutting down 57P03, a reset connection, a DNS failure, an error after the session opened) means
 * a PostgreSQL may run there: unknown, which forbids a promotion like a running primary does.
 */
export const classifyPeerError = (f: PeerErrorFacts): PeerFailureKind => {
  if (f.phase !== 'connect') return 'unknown';
  if (f.code !== undefined && NOTHING_LISTENS.has(f.code)) return 'unreachable';
  if (f.code === undefined && CONNECT_TIMEOUT.test(f.message)) return 'unreachable';
  return 'unknown';
};
