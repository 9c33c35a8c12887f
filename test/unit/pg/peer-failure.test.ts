import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyPeerError, type PeerErrorFacts, type PeerFailureKind } from '../../../lib/pg/peer-failure.ts';

test('classifyPeerError() (table): only "nothing listens there" is unreachable; a live server that would not answer is unknown', () => {
  const connect = (code: string | undefined, message = 'x'): PeerErrorFacts => ({ phase: 'connect', code, message });
  const cases: [string, PeerErrorFacts, PeerFailureKind][] = [
    ['connection refused', connect('ECONNREFUSED', 'connect ECONNREFUSED 192.0.2.2:5432'), 'unreachable'],
    ['no route to host', connect('EHOSTUNREACH'), 'unreachable'],
    ['network unreachable', connect('ENETUNREACH'), 'unreachable'],
    ['host down', connect('EHOSTDOWN'), 'unreachable'],
    ['kernel connect timeout', connect('ETIMEDOUT'), 'unreachable'],
    ['no socket file in the unix socket directory', connect('ENOENT', 'connect ENOENT /run/pg/.s.PGSQL.5432'), 'unreachable'],
    ["node-postgres' connect timeout", connect(undefined, 'Cannot connect to PostgreSQL at 192.0.2.2:5432 as rep: timeout expired'), 'unreachable'],
    ['role does not exist (28000)', connect('28000', 'role "rep" does not exist'), 'unknown'],
    ['wrong password (28P01)', connect('28P01', 'password authentication failed for user "rep"'), 'unknown'],
    ['pg_hba reject (28000)', connect('28000', 'pg_hba.conf rejects replication connection'), 'unknown'],
    ['no REPLICATION attribute (28000)', connect('28000', 'must be superuser or replication role to start walsender'), 'unknown'],
    ['database does not exist (3D000)', connect('3D000'), 'unknown'],
    ['too many connections (53300): alive and full', connect('53300', 'sorry, too many clients already'), 'unknown'],
    ['starting up or shutting down (57P03)', connect('57P03', 'the database system is shutting down'), 'unknown'],
    ['connection reset by the server', connect('ECONNRESET'), 'unknown'],
    ['terminated unexpectedly during startup', connect(undefined, 'Connection terminated unexpectedly'), 'unknown'],
    ['DNS failure: could not ask, not "not there"', connect('ENOTFOUND'), 'unknown'],
    ['a refusal after the session opened', { phase: 'query', code: 'ECONNREFUSED', message: 'x' }, 'unknown'],
    ['a statement timeout after the session opened', { phase: 'query', code: '57014', message: 'canceling statement due to statement timeout' }, 'unknown'],
    ['a query read timeout after the session opened', { phase: 'query', code: undefined, message: 'Query read timeout' }, 'unknown'],
  ];
  for (const [name, facts, kind] of cases) assert.equal(classifyPeerError(facts), kind, name);
});
