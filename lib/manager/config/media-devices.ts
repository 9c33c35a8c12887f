// Whether this node has the devices ha.cf's media name: an unknown interface is an error (heartbeat
// refuses it too, and it is most often a typo); an interface without an IPv4 address yet, or a missing
// tty (a USB adapter may come back), is a notice: that medium stays down until it appears.
import type { MediumConfig } from './cluster-config.ts';
import type { ConfigProblem } from './problem.ts';

/** What this node has: interfaces by name (with or without an IPv4 address) and which paths exist. */
export interface LocalDevices {
  interfaces: ReadonlyMap<string, { ipv4: boolean }>;
  exists: (path: string) => boolean;
}

const where = (at: string | undefined, fallback: string): { file: string; line: number } => {
  const m = at ? /^(.*):(\d+)$/.exec(at) : null;
  return m ? { file: m[1]!, line: Number(m[2]) } : { file: fallback, line: 0 };
};

/** Problems with the media's devices on this node. */
export const mediaDeviceProblems = (media: readonly MediumConfig[], local: LocalDevices, haCfFile: string): ConfigProblem[] =>
  media.flatMap((m): ConfigProblem[] => {
    const at = where(m.at, haCfFile);
    if (m.kind === 'serial') {
      return local.exists(m.device) ? [] : [{ ...at, severity: 'notice', message: `serial device ${m.device} does not exist now; the medium stays down until it appears` }];
    }
    const dev = local.interfaces.get(m.dev);
    if (!dev) return [{ ...at, severity: 'error', message: `${m.kind}: this node has no interface ${m.dev}` }];
    if (!dev.ipv4) return [{ ...at, severity: 'notice', message: `${m.kind}: interface ${m.dev} has no IPv4 address now; the medium stays down until it has one` }];
    return [];
  });
