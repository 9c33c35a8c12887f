// A base backup's backup_label: where the backup starts (the WAL a copy needs first) and on which timeline.
import { parseLsn, type Lsn } from './lsn.ts';

/** What the backup label says about where the backup starts. */
export interface LabelStart {
  startLsn: Lsn;
  timeline: number;
}

/** Reads START WAL LOCATION and START TIMELINE from a backup_label text; throws SyntaxError naming the line. */
export const parseBackupLabel = (text: string): LabelStart => {
  const start = /^START WAL LOCATION: ([0-9A-Fa-f]+\/[0-9A-Fa-f]+)/m.exec(text);
  const tli = /^START TIMELINE: (\d+)/m.exec(text);
  if (!start) throw new SyntaxError('Cannot parse backup_label: no START WAL LOCATION line');
  if (!tli) throw new SyntaxError('Cannot parse backup_label: no START TIMELINE line');
  return { startLsn: parseLsn(start[1]!), timeline: Number(tli[1]) };
};
