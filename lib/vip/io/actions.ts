// IPaddr actions: validate, start, stop, monitor. Decisions come from lib/net; this file runs them.
import { quoteValue } from '../../ocf/quote.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ActionInput } from '../../ocf/agent-spec.ts';
import { budgetMs } from '../../ocf/context.ts';
import {
  OCF_ERR_ARGS, OCF_ERR_GENERIC, OCF_ERR_INSTALLED, OCF_ERR_PERM, OCF_NOT_RUNNING, OCF_SUCCESS, type OcfCode,
} from '../../ocf/exit-codes.ts';
import { OcfError } from '../../ocf/ocf-error.ts';
import { readState, removeState, statePath, writeState } from '../../ocf/io/state-dir.ts';
import { killOwnProcess } from '../../exec/io/own-process.ts';
import { which } from '../../exec/io/which.ts';
import { runLight } from '../../exec/io/run-light.ts';
import { findPlacement, PlacementError, type Placement } from '../../net/find-interface.ts';
import { findAddress, vipState } from '../../net/vip-state.ts';
import { ipTool, IpCommandError, type IpTool } from '../../net/io/ip.ts';
import { announceV4, announceV4InBackground, announceV6, probeDuplicateV4 } from '../../net/io/announce.ts';
import type { VipParams } from '../params.ts';

type Input = ActionInput<VipParams>;

const HELPER_DIRS = ['/usr/libexec/heartbeat', '/usr/lib/heartbeat', '/usr/lib/ocf/lib/heartbeat'];

/** The external tools an action needs, found once. */
interface Tools {
  ip: IpTool;
  arping: string | undefined;
  sendUa: string | undefined;
}

const deadlineOf = (input: Input): number => Date.now() + budgetMs(input.ctx, 20_000);
const left = (deadline: number, cap = 5_000): number => Math.max(200, Math.min(cap, deadline - Date.now()));

const findTools = (deadline: number): Tools => {
  const ipPath = which('ip');
  if (!ipPath) throw new OcfError(OCF_ERR_INSTALLED, 'ip (iproute2) not found in PATH');
  return { ip: ipTool(ipPath, left(deadline)), arping: which('arping'), sendUa: which('send_ua', HELPER_DIRS) };
};

const placementOf = async (tools: Tools, p: VipParams): Promise<Placement> => {
  const links = await tools.ip.links();
  const routes = p.nic !== '' && p.prefix !== undefined ? [] : await tools.ip.routesMatching(p.address.family, p.address.text);
  try {
    return findPlacement({ ip: p.address, nic: p.nic, prefix: p.prefix, broadcast: p.broadcast }, routes, links);
  } catch (e) {
    if (!(e instanceof PlacementError)) throw e;
    const what = p.nic !== '' && e.message.startsWith('interface') ? `Invalid parameter nic=${quoteValue(p.nic)}: ` : `Cannot place ip=${quoteValue(p.ip)}: `;
    throw new OcfError(OCF_ERR_ARGS, what + e.message);
  }
};

const labelOf = (p: VipParams, nic: string): string | undefined =>
  p.iflabel !== '' && p.address.family === 4 ? `${nic}:${p.iflabel}` : undefined;

const pidFileOf = (input: Input): string => statePath(input.ctx.stateDir, `pgbeat-IPaddr-${input.params.address.text}.announce.pid`);

/** validate-all, and the checks before start: tools present, root for start, a place for the address. */
export const validateVip = async (input: Input): Promise<OcfCode> => {
  const deadline = deadlineOf(input);
  const tools = findTools(deadline);
  if (input.params.address.family === 4 && !tools.arping) {
    throw new OcfError(OCF_ERR_INSTALLED, 'arping (iputils-arping) not found in PATH; it sends the gratuitous ARPs');
  }
  if (input.ctx.action === 'start' && process.getuid?.() !== 0) {
    throw new OcfError(OCF_ERR_PERM, 'start needs root to add addresses');
  }
  const placed = await placementOf(tools, input.params);
  if (input.params.address.family === 6 && !tools.sendUa) {
    input.log.warn(`send_ua (resource-agents) not found: ${input.params.address.text} will not be announced`);
  }
  input.log.debug(`${input.params.address.text}/${placed.prefix} goes on ${placed.nic}`);
  return OCF_SUCCESS;
};

const refuseDuplicateV4 = async (input: Input, tools: Tools, nic: string, deadline: number): Promise<void> => {
  const p = input.params;
  if (!p.dad || !tools.arping) return;
  const r = await probeDuplicateV4(tools.arping, nic, p.address.text, left(deadline, 3_000));
  if ('error' in r) {
    input.log.warn(`duplicate address check for ${p.address.text} on ${nic} did not run: ${r.error}`);
  } else if (r.duplicate) {
    throw new OcfError(OCF_ERR_GENERIC,
      `Refusing to start: another host${r.mac ? ` (${r.mac})` : ''} already answers for ${p.address.text} on ${nic}`);
  }
};

// IPv6: the kernel runs DAD after the add; wait while the address is tentative.
const awaitKernelDad = async (input: Input, tools: Tools, placed: Placement, deadline: number): Promise<void> => {
  const p = input.params;
  for (let i = 0; i < 200 && Date.now() < deadline; i++) {
    const state = vipState(await tools.ip.links(6), p.address.text, placed.nic, placed.prefix);
    if (state.kind === 'dadfailed') {
      await tools.ip.deleteAddress(6, p.address.text, placed.prefix, placed.nic).catch(() => undefined);
      throw new OcfError(OCF_ERR_GENERIC,
        `Refusing to start: duplicate address detection failed for ${p.address.text} on ${placed.nic} (another host holds it)`);
    }
    if (state.kind === 'served' && !state.entry.tentative) return;
    await sleep(50);
  }
  input.log.warn(`${p.address.text} still tentative on ${placed.nic} after waiting; continuing`);
};

const announce = async (input: Input, tools: Tools, placed: Placement, deadline: number): Promise<void> => {
  const p = input.params;
  if (placed.nic.startsWith('lo')) return;
  if (p.address.family === 4 && tools.arping) {
    if (p.arpBackground) {
      const pid = announceV4InBackground(tools.arping, placed.nic, p.address.text, p.arp_count, p.arp_interval);
      if (pid !== undefined) writeState(pidFileOf(input), `${pid}\n`);
      return;
    }
    const why = await announceV4(tools.arping, placed.nic, p.address.text, p.arp_count, p.arp_interval, left(deadline, deadline));
    if (why) input.log.warn(`gratuitous ARP for ${p.address.text} failed: ${why}`);
  } else if (p.address.family === 6 && tools.sendUa) {
    const why = await announceV6(tools.sendUa, placed.nic, p.address.text, placed.prefix, p.arp_count, p.arp_interval, left(deadline, deadline));
    if (why) input.log.warn(`unsolicited neighbour advertisement for ${p.address.text} failed: ${why}`);
  }
};

/** start: add the address unless it is ours already, refuse a duplicate, announce it. */
export const startVip = async (input: Input): Promise<OcfCode> => {
  const p = input.params;
  const deadline = deadlineOf(input);
  const tools = findTools(deadline);
  const placed = await placementOf(tools, p);
  const state = vipState(await tools.ip.links(), p.address.text, placed.nic, placed.prefix);
  if (state.kind === 'served') {
    input.log.info(`${p.address.text}/${placed.prefix} is already on ${placed.nic}`);
    return OCF_SUCCESS;
  }
  if (state.kind === 'elsewhere') {
    const where = state.entries.map((e) => `${e.ifname} /${e.prefix}`).join(', ');
    throw new OcfError(OCF_ERR_GENERIC,
      `${p.address.text} is already configured on ${where}, not on ${placed.nic} /${placed.prefix}; remove it first`);
  }
  if (p.address.family === 4) await refuseDuplicateV4(input, tools, placed.nic, deadline);
  input.log.info(`Adding ${p.address.text}/${placed.prefix} to ${placed.nic}`);
  await tools.ip.addAddress({
    family: p.address.family, address: p.address.text, prefix: placed.prefix, nic: placed.nic,
    broadcast: placed.broadcast, label: labelOf(p, placed.nic), preferredLft: p.preferred_lft, nodad: !p.dad,
  });
  await tools.ip.setLinkUp(placed.nic);
  if (p.address.family === 6 && p.dad) await awaitKernelDad(input, tools, placed, deadline);
  await announce(input, tools, placed, deadline);
  const after = vipState(await tools.ip.links(), p.address.text, placed.nic, placed.prefix);
  if (after.kind !== 'served') {
    throw new OcfError(OCF_ERR_GENERIC, `${p.address.text} was added to ${placed.nic} but is not there afterwards`);
  }
  return OCF_SUCCESS;
};

const stopAnnouncer = (input: Input): void => {
  const file = pidFileOf(input);
  const pid = Number(readState(file)?.trim());
  if (Number.isInteger(pid) && pid > 1 && killOwnProcess(pid, ['arping', input.params.address.text])) {
    input.log.info(`stopped the background announcer (pid ${pid})`);
  }
  removeState(file);
};

/** stop: remove only this address; succeeds when it is absent or its interface vanished. */
export const stopVip = async (input: Input): Promise<OcfCode> => {
  const p = input.params;
  const deadline = deadlineOf(input);
  try {
    stopAnnouncer(input);
  } catch (e) {
    // A state directory we cannot use must not fail a stop: the address below is what matters.
    input.log.warn(`cannot check for a background announcer: ${(e as Error).message}`);
  }
  const ipPath = which('ip');
  if (!ipPath) {
    input.log.warn('ip (iproute2) not found: the address cannot be configured here');
    return OCF_SUCCESS;
  }
  const ip = ipTool(ipPath, left(deadline));
  const onNic = (links: Awaited<ReturnType<IpTool['links']>>) =>
    findAddress(links, p.address.text).filter((e) => p.nic === '' || e.ifname === p.nic);
  for (const e of onNic(await ip.links())) {
    input.log.info(`Removing ${e.address}/${e.prefix} from ${e.ifname}`);
    await ip.deleteAddress(e.family, e.address, e.prefix, e.ifname).catch((err: unknown) => {
      if (!(err instanceof IpCommandError)) throw err;
      input.log.warn(err.message);
    });
  }
  const remaining = onNic(await ip.links());
  if (remaining.length > 0) {
    throw new OcfError(OCF_ERR_GENERIC, `Unable to remove ${p.address.text} from ${remaining.map((e) => e.ifname).join(', ')}`);
  }
  return OCF_SUCCESS;
};

/** monitor/status: 0 when the address sits on its interface, 7 when not; level 10 adds the carrier. */
export const monitorVip = async (input: Input): Promise<OcfCode> => {
  const p = input.params;
  const deadline = deadlineOf(input);
  const ipPath = which('ip');
  if (!ipPath) {
    if (input.ctx.isProbe) return OCF_NOT_RUNNING;
    throw new OcfError(OCF_ERR_GENERIC, 'ip (iproute2) not found in PATH');
  }
  // The monitor is the hot path: runLight keeps execa out of it.
  const ip = ipTool(ipPath, left(deadline), runLight);
  const links = await ip.links();
  const state = vipState(links, p.address.text, p.nic === '' ? undefined : p.nic, p.prefix);
  if (state.kind === 'dadfailed') {
    throw new OcfError(OCF_ERR_GENERIC, `${p.address.text} on ${state.entry.ifname} failed duplicate address detection`);
  }
  if (state.kind !== 'served') return OCF_NOT_RUNNING;
  const link = links.find((l) => l.ifname === state.entry.ifname);
  if (input.ctx.checkLevel >= 10 && link && !link.carrier) {
    throw new OcfError(OCF_ERR_GENERIC, `${p.address.text} is on ${link.ifname} but ${link.ifname} has no carrier (${link.operstate})`);
  }
  if (p.arp_count_refresh > 0 && p.address.family === 4) {
    const arping = which('arping');
    if (arping) {
      const why = await announceV4(arping, state.entry.ifname, p.address.text, p.arp_count_refresh, p.arp_interval, left(deadline));
      if (why) input.log.warn(`refresh ARP for ${p.address.text} failed: ${why}`);
    }
  }
  return OCF_SUCCESS;
};
