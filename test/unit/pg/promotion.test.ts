import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLsn } from '../../../lib/pg/lsn.ts';
import {
  bestCandidate, isAhead, mayPromote, mayStartAsPrimary, rankCandidates, type Candidate, type PeerReport, type PromotionRequest,
} from '../../../lib/pg/promotion.ts';

const c = (name: string, timeline: number, lsn: string): Candidate => ({ name, timeline, lsn: parseLsn(lsn) });
const peer = (name: string, timeline: number, lsn: string, role: PeerReport['role'] = 'standby', reachable = true): PeerReport => ({ name, reachable, role, timeline, lsn: parseLsn(lsn) });

test('rankCandidates() orders by timeline, then LSN (as bigint), then name', () => {
  const ranked = rankCandidates([c('a', 1, '0/9000000'), c('b', 2, '0/3000000'), c('c', 2, '1/0'), c('d', 2, '0/FFFFFFFF'), c('e', 2, '1/0')]);
  assert.deepEqual(ranked.map((x) => x.name), ['c', 'e', 'd', 'b', 'a']);
  assert.equal(bestCandidate([])?.name, undefined);
  assert.equal(bestCandidate([c('x', 3, '0/1'), c('y', 2, 'F/0')])?.name, 'x');
  assert.equal(isAhead(c('a', 2, '0/1'), c('b', 1, 'F/0')), true);
  assert.equal(isAhead(c('a', 1, '0/1'), c('b', 1, '0/1')), false);
});

const base = (over: Partial<PromotionRequest> = {}): PromotionRequest => ({
  self: c('node2', 2, '0/5000000'),
  requireSync: true,
  synchronous: true,
  maxlag: 16n * 1024n * 1024n,
  lastPrimary: undefined,
  peers: [],
  ...over,
});

test('mayPromote() (table): peers, sync status, maxlag', () => {
  const cases: [string, PromotionRequest, boolean, RegExp][] = [
    ['alone and synchronous', base(), true, /node2 at timeline 2 at 0\/5000000 is the best reachable node/],
    ['peer behind', base({ peers: [peer('node3', 2, '0/4000000')] }), true, /best reachable/],
    ['peer equal', base({ peers: [peer('node3', 2, '0/5000000')] }), true, /best reachable/],
    ['peer unreachable is named', base({ peers: [{ name: 'node1', reachable: false }] }), true, /not compared: node1 \(unreachable\)/],
    ['peer on a newer timeline', base({ peers: [peer('node3', 3, '0/1000000')] }), false, /^peer node3 is on timeline 3, we are on 2$/],
    ['peer ahead on our timeline', base({ peers: [peer('node3', 2, '0/5000100')] }), false, /peer node3 is ahead: timeline 2 at 0\/5000100, we are at 0\/5000000 \(256 B behind\)/],
    ['peer is a running primary', base({ peers: [peer('node1', 2, '0/1', 'primary')] }), false, /peer node1 is a running primary on timeline 2/],
    ['not synchronous', base({ synchronous: false }), false, /we were not a synchronous standby/],
    ['sync status unknown', base({ synchronous: undefined }), false, /not known to be a synchronous standby/],
    ['not synchronous but sync not required', base({ synchronous: false, requireSync: false }), true, /best reachable/],
    ['too far behind the last primary position', base({ requireSync: false, lastPrimary: { timeline: 2, lsn: parseLsn('0/7000001'), source: 'attribute' } }), false, /32\.0 MiB behind the primary's last known position 0\/7000001 \(attribute\), more than maxlag 16\.0 MiB/],
    ['within maxlag', base({ requireSync: false, lastPrimary: { timeline: 2, lsn: parseLsn('0/5100000'), source: 'x' } }), true, /best reachable/],
    ['maxlag 0 disables the lag check', base({ requireSync: false, maxlag: 0n, lastPrimary: { timeline: 2, lsn: parseLsn('9/0'), source: 'x' } }), true, /best reachable/],
    ['last primary on a newer timeline', base({ lastPrimary: { timeline: 3, lsn: 1n, source: 'heartbeat' } }), false, /last seen on timeline 3 \(heartbeat\), we are on 2/],
    ['an unreachable peer does not object', base({ peers: [{ name: 'node1', reachable: false, role: 'primary', timeline: 9, lsn: 1n }] }), true, /not compared: node1/],
    ['a published position ahead objects', base({ peers: [{ name: 'node3', reachable: false }], published: [c('node3', 2, '0/5000200')] }), false, /^node3 published timeline 2 at 0\/5000200 before this promotion, we are at 0\/5000000 \(512 B behind\)$/],
    ['a published newer timeline objects', base({ published: [c('node3', 3, '0/1')] }), false, /node3 published timeline 3 before this promotion, we are on 2/],
    ['a published position behind does not', base({ published: [c('node3', 2, '0/4000000')] }), true, /best reachable/],
    ['a former primary of this timeline needs no sync flag', base({ synchronous: undefined, formerPrimary: true, peers: [{ name: 'node3', reachable: false }] }), true, /best reachable node \(it was the primary of this timeline\); not compared: node3/],
    ['a former primary that a primary flagged not synchronous is refused', base({ synchronous: false, formerPrimary: true }), false, /we were not a synchronous standby/],
    ['a peer that refused the login objects like a primary', base({ synchronous: true, peers: [{ name: 'node1', reachable: false, failure: { kind: 'unknown', error: 'password authentication failed for user "rep"' } }] }), false, /^peer node1 could not be asked where it stands \(password authentication failed for user "rep"\), so it may be a running primary/],
    ['an unknown peer objects even when another is behind', base({ peers: [peer('node3', 2, '0/1'), { name: 'node1', reachable: false, failure: { kind: 'unknown', error: 'too many clients' } }] }), false, /peer node1 could not be asked .*too many clients/],
    ['a peer nothing listens for does not', base({ peers: [{ name: 'node1', reachable: false, failure: { kind: 'unreachable', error: 'ECONNREFUSED' } }] }), true, /not compared: node1 \(unreachable\)/],
    ['the newest timeline of all: every peer a standby on an older one, no sync flag needed', base({ synchronous: false, peers: [peer('node1', 1, '0/9000000')] }), true, /every peer answered from an older timeline: timeline 2 is the newest there is/],
    ['not the newest when a peer shares our timeline', base({ synchronous: false, peers: [peer('node1', 2, '0/4000000')] }), false, /we were not a synchronous standby/],
    ['not the newest when a peer did not answer', base({ synchronous: undefined, peers: [peer('node1', 1, '0/1'), { name: 'node3', reachable: false }] }), false, /not known to be a synchronous standby/],
    ['not the newest when an older peer is a primary', base({ synchronous: false, peers: [peer('node1', 1, '0/1', 'primary')] }), false, /peer node1 is a running primary on timeline 1/],
    ['a published position is not an answer: sync still required', base({ synchronous: undefined, peers: [{ name: 'node3', reachable: false }], published: [c('node3', 2, '0/1')] }), false, /not known to be a synchronous standby/],
  ];
  for (const [name, req, allow, reason] of cases) {
    const got = mayPromote(req);
    assert.equal(got.allow, allow, name);
    assert.match(got.reason, reason, name);
  }
});

test('mayStartAsPrimary() (table): refuses next to a primary or a newer timeline', () => {
  const self = c('node1', 1, '0/301CC88');
  const cases: [string, PeerReport[], boolean, RegExp][] = [
    ['no peers', [], true, /no reachable peer is primary or on a newer timeline than 1/],
    ['peer is primary on timeline 2', [peer('node2', 2, '0/3000000', 'primary')], false, /^peer node2 is already a running primary on timeline 2 \(we are on 1\)$/],
    ['peer standby on a newer timeline', [peer('node2', 2, '0/3000000', 'stopped')], false, /peer node2 is on timeline 2, newer than our timeline 1/],
    ['peer standby of ours', [peer('node2', 1, '0/301CD00')], true, /no reachable peer/],
    ['unreachable peer', [{ name: 'node2', reachable: false }], true, /not compared: node2 \(unreachable\)/],
    ['peer refusing the login', [{ name: 'node2', reachable: false, failure: { kind: 'unknown', error: 'no pg_hba.conf entry' } }], false, /^peer node2 could not be asked where it stands \(no pg_hba.conf entry\)/],
  ];
  for (const [name, peers, allow, reason] of cases) {
    const got = mayStartAsPrimary(self, peers);
    assert.equal(got.allow, allow, name);
    assert.match(got.reason, reason, name);
  }
});
