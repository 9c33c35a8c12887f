// Whether a dump method may restore: from a primary into a running server that is neither a standby nor
// the source cluster itself (a restore with --clean into the source would drop its objects). Pure.

/** What the target server of a dump method says about itself. */
export interface DumpTargetFacts {
  name: string;
  systemId: string;
  inRecovery: boolean;
}

/** What the source says (the subset a dump needs). */
export interface DumpSourceFacts {
  name: string;
  systemId: string;
  inRecovery: boolean;
}

/** Go with a reason, or refuse with one naming both sides. */
export type DumpVerdict = { go: true; reason: string } | { go: false; reason: string };

/** Decides whether `source` may be dumped and restored into `target`. */
export const decideDump = (source: DumpSourceFacts, target: DumpTargetFacts): DumpVerdict => {
  if (source.inRecovery) return { go: false, reason: `Refusing to sync: source ${source.name} is in recovery (a standby), copies are taken from the primary only` };
  if (target.systemId === source.systemId) {
    return { go: false, reason: `Refusing to restore into target ${target.name}: it is the source cluster ${source.name} itself or a physical copy of it (system ${source.systemId})` };
  }
  if (target.inRecovery) return { go: false, reason: `Refusing to restore into target ${target.name}: it is in recovery (a standby) and cannot take writes (source ${source.name})` };
  return { go: true, reason: `restoring source ${source.name} (system ${source.systemId}) into target ${target.name} (system ${target.systemId})` };
};

/** The database list parameter as names (empty: ask the source). */
export const databaseList = (text: string): string[] => text.split(/[\s,]+/).filter(Boolean);
