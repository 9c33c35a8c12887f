// The head of global/pg_control, decoded without running pg_controldata: what a monitor needs
// (cluster state, latest checkpoint, its timeline) at the offsets ControlFileData has had since
// PostgreSQL 11 (which dropped prevCheckPoint). PostgreSQL keeps the file's contents within one
// 512-byte sector so that its single write is atomic: reading the head never sees half an update.
// Any other pg_control version is left to pg_controldata (undefined here).
import { CLUSTER_STATES, type ClusterState } from './controldata.ts';
import type { Lsn } from './lsn.ts';

/** The fields of the control file's head. */
export interface ControlHead {
  systemIdentifier: string;
  pgControlVersion: number;
  state: ClusterState;
  checkpointLsn: Lsn;
  redoLsn: Lsn;
  timeline: number;
}

/** pg_control versions whose head has this layout: 1100 (PostgreSQL 11) to 1899. */
const KNOWN_VERSIONS = { from: 1100, to: 1899 } as const;

/** Bytes of the head this decoder reads. */
export const CONTROL_HEAD_BYTES = 56;

/**
 * Decodes the head of pg_control written on a machine of the given byte order; undefined when the
 * buffer is short, the version is not one this layout covers, or the state is out of range.
 */
export const decodeControlHead = (b: Buffer, littleEndian: boolean): ControlHead | undefined => {
  if (b.length < CONTROL_HEAD_BYTES) return undefined;
  const u32 = (at: number): number => (littleEndian ? b.readUInt32LE(at) : b.readUInt32BE(at));
  const u64 = (at: number): bigint => (littleEndian ? b.readBigUInt64LE(at) : b.readBigUInt64BE(at));
  const version = u32(8);
  if (version < KNOWN_VERSIONS.from || version > KNOWN_VERSIONS.to) return undefined;
  // CLUSTER_STATES is in the order of DBState in pg_control.h.
  const state = CLUSTER_STATES[u32(16)];
  if (state === undefined) return undefined;
  // 0 system_identifier, 8 pg_control_version, 12 catalog_version_no, 16 state, 24 time,
  // 32 checkPoint, 40 checkPointCopy.redo, 48 checkPointCopy.ThisTimeLineID.
  return {
    systemIdentifier: u64(0).toString(),
    pgControlVersion: version,
    state,
    checkpointLsn: u64(32),
    redoLsn: u64(40),
    timeline: u32(48),
  };
};
