// The IPaddr agent's parameters (compatible with ocf:heartbeat:IPaddr2) and the v1 argument form.
import { quoteValue } from '../ocf/quote.ts';
import { defineParams, parseParams, type ParamValues } from '../ocf/schema.ts';
import { OcfError } from '../ocf/ocf-error.ts';
import { OCF_ERR_CONFIGURED } from '../ocf/exit-codes.ts';
import { isOcfBooleanWord, isOcfTrue } from '../ocf/boolean.ts';
import { parseIp, isLinkLocal, type IpAddress } from '../net/address.ts';
import { parsePrefix } from '../net/cidr.ts';
import { MAX_LABEL } from '../net/vip-state.ts';

/** Parameter declarations, in meta-data order. */
export const vipSchema = defineParams({
  ip: {
    type: 'string', required: true, unique: true,
    shortdesc: 'Virtual IPv4 or IPv6 address',
    longdesc: 'The address to manage, dotted quad (192.0.2.10) or IPv6 (2001:db8::10).',
  },
  cidr_netmask: {
    type: 'string',
    shortdesc: 'Prefix length',
    longdesc: 'Prefix length (24, 64) or, for IPv4, a dotted netmask. Empty: taken from the route that covers the address.',
  },
  nic: {
    type: 'string',
    shortdesc: 'Network interface',
    longdesc: 'Interface to put the address on. Empty: the interface of the route that covers the address. The interface should carry a static address of its own, or the VIP dies with it.',
  },
  broadcast: {
    type: 'string',
    shortdesc: 'IPv4 broadcast address',
    longdesc: 'Broadcast address for IPv4; + sets the host bits, - sets none. Empty: copied from the subnet address on the interface, if it has one.',
  },
  iflabel: {
    type: 'string',
    shortdesc: 'Interface label',
    longdesc: 'Label the address as <nic>:<iflabel> (IPv4), as ifconfig showed aliases. The whole label is at most 15 characters.',
  },
  arp_count: {
    type: 'integer', default: 5, min: 1, max: 1000,
    shortdesc: 'Gratuitous ARPs / unsolicited NAs sent at start',
    longdesc: 'How many gratuitous ARP packets (IPv4) or unsolicited neighbour advertisements (IPv6) to send after adding the address, so neighbours update their caches.',
  },
  arp_interval: {
    type: 'integer', default: 200, min: 10, max: 60000,
    shortdesc: 'Milliseconds between announcements',
    longdesc: 'Gap in milliseconds between two announcement packets. send_ua (IPv6) keeps it as given; arping (IPv4) only counts whole seconds, so there it is rounded up to at least 1 s.',
  },
  arp_count_refresh: {
    type: 'integer', default: 0, min: 0, max: 1000,
    shortdesc: 'Gratuitous ARPs sent at each monitor',
    longdesc: 'IPv4 only: gratuitous ARPs re-sent at every monitor, for switches that forget. 0 disables.',
  },
  arp_bg: {
    type: 'string',
    shortdesc: 'Announce in the background',
    longdesc: 'true: start returns as soon as the address is added and the announcements go on in the background. Empty: true for IPv4, false for IPv6.',
    // A string so that empty can mean "depends on the family"; words as ocf_is_true (`Yes` is not one).
    check: (v) => (isOcfBooleanWord(v) ? undefined : 'not a boolean (use true or false)'),
  },
  preferred_lft: {
    type: 'string', default: 'forever',
    shortdesc: 'IPv6 preferred lifetime',
    longdesc: 'IPv6 preferred lifetime of the address: forever, or seconds; 0 keeps it from being chosen as a source address.',
    check: (v) => (v === 'forever' || /^\d+$/.test(v) ? undefined : 'use forever or a number of seconds'),
  },
  dad: {
    type: 'boolean', default: true,
    shortdesc: 'Refuse an address another host answers for',
    longdesc: 'Before adding the address, ask the segment whether another host already answers for it (ARP duplicate address detection for IPv4, the kernel\'s DAD for IPv6) and refuse to start if so. The IPv4 probe adds about 1.3 s to every takeover. false skips it: safe only when the node that held the address is known to be down (fenced, or the manager saw it die), as with Pacemaker and fencing enabled.',
  },
  run_arping: {
    type: 'string',
    shortdesc: 'IPaddr2\'s name for dad (IPv4)',
    longdesc: 'As in IPaddr2: for IPv4, whether to probe for a duplicate address before adding it (dad). Empty: dad decides. Setting it and dad to different values is an error.',
    check: (v) => (isOcfBooleanWord(v) ? undefined : 'not a boolean (use true or false)'),
  },
  nodad: {
    type: 'string',
    shortdesc: 'IPaddr2\'s name for dad=false (IPv6)',
    longdesc: 'As in IPaddr2: for IPv6, true adds the address without duplicate address detection (dad=false). Empty: dad decides. Setting it and dad to contradicting values is an error.',
    check: (v) => (isOcfBooleanWord(v) ? undefined : 'not a boolean (use true or false)'),
  },
});

type RawVip = ParamValues<typeof vipSchema>;

/** Validated parameters with the address parsed. */
export interface VipParams extends Omit<RawVip, 'cidr_netmask' | 'arp_bg' | 'run_arping' | 'nodad'> {
  address: IpAddress;
  /** Prefix length, undefined when it must be discovered. */
  prefix: number | undefined;
  arpBackground: boolean;
}

const configured = (why: string): OcfError => new OcfError(OCF_ERR_CONFIGURED, why);

/** dad, or IPaddr2's run_arping (IPv4) / nodad (IPv6) when dad is not set; contradicting values are refused. */
const dadFrom = (rawDad: string | undefined, p: RawVip, family: 4 | 6): boolean => {
  const alias = family === 4 ? p.run_arping : p.nodad;
  if (alias === '') return p.dad;
  const name = family === 4 ? 'run_arping' : 'nodad';
  const fromAlias = family === 4 ? isOcfTrue(alias) : !isOcfTrue(alias);
  if (rawDad !== undefined && rawDad !== '' && p.dad !== fromAlias) {
    throw configured(`Invalid parameter ${name}=${quoteValue(alias)}: it contradicts dad=${quoteValue(rawDad)}; set one of them`);
  }
  return fromAlias;
};

/** Parses and cross-checks OCF_RESKEY_* values; errors name the parameter and the value. */
export const parseVipParams = (raw: Readonly<Record<string, string | undefined>>): VipParams => {
  // Empty means unset, as for every parameter, so an empty cidr_netmask still falls back to netmask.
  const p = parseParams(vipSchema, { ...raw, cidr_netmask: raw['cidr_netmask'] || raw['netmask'] });
  const address = parseIp(p.ip);
  if (!address) throw configured(`Invalid parameter ip=${quoteValue(p.ip)}: not an IPv4 or IPv6 address`);
  let prefix: number | undefined;
  if (p.cidr_netmask !== '') {
    prefix = parsePrefix(p.cidr_netmask, address.family);
    if (prefix === undefined) {
      const range = address.family === 4 ? '1-32 or a dotted netmask' : '1-128';
      throw configured(`Invalid parameter cidr_netmask=${quoteValue(p.cidr_netmask)}: must be a prefix length ${range} for ${address.text}`);
    }
  }
  let nic = p.nic;
  let iflabel = p.iflabel;
  if (nic.includes(':')) {
    // Deprecated IPaddr2 form nic=eth0:label.
    [nic, iflabel] = [nic.slice(0, nic.indexOf(':')), iflabel || nic.slice(nic.indexOf(':') + 1)];
  }
  if (nic !== '' && !/^[A-Za-z0-9_.@-]{1,15}$/.test(nic)) {
    throw configured(`Invalid parameter nic=${quoteValue(p.nic)}: not an interface name`);
  }
  if (iflabel !== '' && address.family === 4 && `${nic || 'x'}:${iflabel}`.length > MAX_LABEL) {
    throw configured(`Invalid parameter iflabel=${quoteValue(iflabel)}: label ${nic}:${iflabel} is longer than ${MAX_LABEL} characters`);
  }
  if (p.broadcast !== '' && p.broadcast !== '+' && p.broadcast !== '-') {
    const b = parseIp(p.broadcast);
    if (!b || b.family !== 4) throw configured(`Invalid parameter broadcast=${quoteValue(p.broadcast)}: not an IPv4 address, + or -`);
  }
  if (address.family === 6 && isLinkLocal(address) && nic === '') {
    throw configured(`Invalid parameter nic='': link-local address ${address.text} needs an explicit nic`);
  }
  const bg = p.arp_bg === '' ? address.family === 4 : isOcfTrue(p.arp_bg);
  const { cidr_netmask: _mask, arp_bg: _bg, run_arping: _ra, nodad: _nd, ...rest } = p;
  return { ...rest, nic, iflabel, address, prefix, arpBackground: bg, dad: dadFrom(raw['dad'], p, address.family) };
};

/**
 * heartbeat v1 form: `IPaddr ip[/cidr[/nic[/broadcast]]] action`. As resource.d/IPaddr does, a third
 * field starting with a digit is the broadcast (no nic).
 */
export const vipFromV1Args = (args: readonly string[]): Record<string, string> => {
  const [ip = '', cidr, third, fourth] = (args[0] ?? '').split('/');
  const out: Record<string, string> = { ip };
  if (cidr) out['cidr_netmask'] = cidr;
  if (third !== undefined && /^\d/.test(third)) out['broadcast'] = third;
  else {
    if (third) out['nic'] = third;
    if (fourth) out['broadcast'] = fourth;
  }
  return out;
};

/** v1 instance name, as the heartbeat wrappers build it: `IPaddr_<ip>`. */
export const vipV1Instance = (raw: Readonly<Record<string, string>>): string => `IPaddr_${raw['ip'] ?? ''}`;
