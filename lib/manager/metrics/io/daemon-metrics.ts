// Wires `pgbeat start --metrics` to a running daemon: each scrape renders the daemon's status, the
// packet channel's drop counters, the media's counters, the resource book and the operation counters.
import { PGBEAT_VERSION } from '../../../version.ts';
import type { StatusReport } from '../../core/status.ts';
import type { DropCounters } from '../../wire/drop-cause.ts';
import { renderExposition } from '../exposition.ts';
import type { ListenAddress } from '../listen-address.ts';
import { managerMetrics, type MediumCounters } from '../manager-metrics.ts';
import type { OpCount } from '../op-counters.ts';
import type { ResourceBook } from '../resource-states.ts';
import { serveMetrics, type MetricsServer } from './metrics-server.ts';

/** What a scrape reads. */
export interface DaemonMetricsSources {
  status: () => StatusReport;
  drops: () => DropCounters;
  media: () => readonly MediumCounters[];
  groups: readonly string[];
  book: ResourceBook;
  ops: () => OpCount[];
  deadtimeMs: number;
}

/** Serves the daemon's metrics on `at`. */
export const serveDaemonMetrics = (at: ListenAddress, src: DaemonMetricsSources): Promise<MetricsServer> =>
  serveMetrics(at, () => renderExposition(managerMetrics({
    version: PGBEAT_VERSION, status: src.status(), drops: src.drops(), media: src.media(), groups: src.groups,
    resources: src.book.rows(), actions: src.book.actions(), ops: src.ops(), witnessFreshMs: src.deadtimeMs,
  })));
