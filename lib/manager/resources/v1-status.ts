// How heartbeat v1 reads a resource script's `status`: the exit code is ignored, only stdout counts
// (ResourceManager's we_own_resource; heartbeat-v1.md section 3).
import { OCF_NOT_RUNNING, OCF_SUCCESS } from '../../ocf/exit-codes.ts';

/**
 * The OCF code for a v1 `status` output: "not running" in any case => 7; else "running"/"Running"
 * (first letter either case, the rest lower case) or an upper-case "OK" => 0; anything else => 7.
 */
export const v1StatusCode = (stdout: string): typeof OCF_SUCCESS | typeof OCF_NOT_RUNNING => {
  if (/[Nn][Oo][Tt] *[Rr]unning/.test(stdout)) return OCF_NOT_RUNNING;
  return /[Rr]unning|OK/.test(stdout) ? OCF_SUCCESS : OCF_NOT_RUNNING;
};
