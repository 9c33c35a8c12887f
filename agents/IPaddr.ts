#!/usr/bin/env node
// ocf:pgbeat:IPaddr: a virtual service IP (IPv4 or IPv6) with gratuitous ARP / unsolicited NA.
import { runAgent } from '../lib/ocf/io/run-agent.ts';
import type { AgentSpec } from '../lib/ocf/agent-spec.ts';
import { parseVipParams, vipFromV1Args, vipSchema, vipV1Instance, type VipParams } from '../lib/vip/params.ts';
import { PGBEAT_VERSION } from '../lib/version.ts';

const spec: AgentSpec<VipParams> = {
  name: 'IPaddr',
  version: PGBEAT_VERSION,
  shortdesc: 'Virtual IP address (pgbeat)',
  longdesc:
    'Manages one virtual IPv4 or IPv6 address: adds it to an interface, refuses it when another host ' +
    'already answers for it, announces it with gratuitous ARP (IPv4) or unsolicited neighbour ' +
    'advertisements (IPv6), and removes only that address at stop. Parameters match ocf:heartbeat:IPaddr2.',
  params: vipSchema,
  actions: [
    { name: 'start', timeout: 20 },
    { name: 'stop', timeout: 20 },
    { name: 'status', timeout: 20, interval: 10, depth: 0 },
    { name: 'monitor', timeout: 20, interval: 10, depth: 0 },
    { name: 'monitor', timeout: 20, interval: 30, depth: 10 },
    { name: 'meta-data', timeout: 5 },
    { name: 'validate-all', timeout: 20 },
    { name: 'usage', timeout: 5 },
    { name: 'methods', timeout: 5 },
  ],
  parse: parseVipParams,
  v1Usage: 'ip[/cidr[/nic[/broadcast]]]',
  fromV1Args: vipFromV1Args,
  v1Instance: vipV1Instance,
  load: async () => {
    const { monitorVip, startVip, stopVip, validateVip } = await import('../lib/vip/io/actions.ts');
    return { validate: validateVip, handlers: { start: startVip, stop: stopVip, monitor: monitorVip } };
  },
};

void runAgent(spec);
