import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNotification } from '../../../lib/ocf/notify.ts';

test('parseNotification reads type, operation and the uname lists', () => {
  const n = parseNotification({
    notify_type: 'post',
    notify_operation: 'promote',
    notify_promote_uname: 'node2',
    notify_active_uname: 'node1 node2  node3',
    notify_stop_uname: ' ',
  });
  assert.equal(n.type, 'post');
  assert.equal(n.operation, 'promote');
  assert.deepEqual(n.unames.promote, ['node2']);
  assert.deepEqual(n.unames.active, ['node1', 'node2', 'node3']);
  assert.deepEqual(n.unames.stop, [], 'an empty list arrives as one space');
});

test('parseNotification falls back to the legacy master/slave names', () => {
  const n = parseNotification({ notify_master_uname: 'a', notify_slave_uname: 'b c' });
  assert.deepEqual(n.unames.promoted, ['a']);
  assert.deepEqual(n.unames.unpromoted, ['b', 'c']);
});

test('parseNotification leaves unknown types and operations undefined (ocf-tester sends none)', () => {
  const n = parseNotification({});
  assert.equal(n.type, undefined);
  assert.equal(n.operation, undefined);
  assert.deepEqual(n.unames.promote, []);
});
