// UDP heartbeat media (bcast, mcast, ucast) on dgram-as-promised sockets.
//
// Pinning to the configured device: Node's dgram cannot set SO_BINDTODEVICE, so each medium binds to
// an address that belongs to that device alone. bcast binds to the device's subnet broadcast address
// (it receives only broadcasts for that subnet) and sends to it, which routes out of that device;
// mcast binds to the group, joins it on the device's address and sends with IP_MULTICAST_IF set to
// that address (setMulticastInterface); ucast binds to the device's own address and sends from it.
// The address is looked up at each (re)open, so a device that comes up later is picked up by the
// reopen backoff. Receiving is through the dgram 'message' event of the underlying socket, so no
// datagram is missed between two recv() calls.
import DgramAsPromised, { type SocketAsPromised } from 'dgram-as-promised';
import type { MediumConfig } from '../../config/cluster-config.ts';
import { broadcastOf } from '../../../net/cidr.ts';
import { parseIp } from '../../../net/address.ts';
import { MEDIUM_BACKOFF, type BackoffPolicy } from '../../media/backoff.ts';
import { ipv4OfInterface } from './interface-address.ts';
import { ReopeningMedium, type Link, type LinkOpener } from './reopening-link.ts';

type UdpConfig = Extract<MediumConfig, { kind: 'bcast' | 'mcast' | 'ucast' }>;

/** The medium's name for logs and status ("bcast eth1:694", "mcast eth1 239.0.0.1:694", "ucast eth1 198.51.100.2:694"). */
export const udpMediumName = (m: UdpConfig): string =>
  m.kind === 'bcast' ? `bcast ${m.dev}:${m.port}` : m.kind === 'mcast' ? `mcast ${m.dev} ${m.group}:${m.port}` : `ucast ${m.dev} ${m.peer}:${m.port}`;

// Where the socket binds and where it sends, from the device's current IPv4 address.
const endpoints = (m: UdpConfig): { bindAddress: string; sendTo: string; local: string } => {
  const ifa = ipv4OfInterface(m.dev);
  if (!ifa) throw new Error(`interface ${m.dev} has no IPv4 address (missing or down?)`);
  if (m.kind === 'bcast') {
    const bcast = broadcastOf(parseIp(ifa.address)!, ifa.prefix).text;
    return { bindAddress: bcast, sendTo: bcast, local: ifa.address };
  }
  if (m.kind === 'mcast') return { bindAddress: m.group, sendTo: m.group, local: ifa.address };
  return { bindAddress: ifa.address, sendTo: m.peer, local: ifa.address };
};

const openUdpLink = (m: UdpConfig): LinkOpener => async (deliver, fail) => {
  const ep = endpoints(m);
  const socket: SocketAsPromised = DgramAsPromised.createSocket({ type: 'udp4', reuseAddr: true });
  try {
    await socket.bind({ port: m.port, address: ep.bindAddress, exclusive: false });
    if (m.kind === 'bcast') socket.setBroadcast(true);
    if (m.kind === 'mcast') {
      socket.addMembership(m.group, ep.local);
      socket.setMulticastInterface(ep.local);
      socket.setMulticastTTL(m.ttl);
      socket.setMulticastLoopback(m.loop);
    }
  } catch (e) {
    await socket.close().catch(() => undefined);
    throw e;
  }
  socket.socket.on('message', (msg) => deliver(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength)));
  socket.socket.on('error', (e) => fail(`socket error: ${e.message}`));
  const link: Link = {
    send: async (frame) => {
      await socket.send(frame, m.port, ep.sendTo);
    },
    close: () => socket.close(),
  };
  return link;
};

/** Opens a UDP heartbeat medium; it reopens itself with backoff while its device has no address. */
export const openUdpMedium = (m: UdpConfig, policy: BackoffPolicy = MEDIUM_BACKOFF): ReopeningMedium =>
  new ReopeningMedium(udpMediumName(m), openUdpLink(m), policy);
