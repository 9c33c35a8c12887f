// `--metrics [host:]port`: where the metrics listener binds (127.0.0.1 unless a host is given).

/** A parsed listen address. */
export interface ListenAddress {
  host: string;
  port: number;
}

/** The default host: metrics stay on this machine unless the operator says otherwise. */
export const DEFAULT_METRICS_HOST = '127.0.0.1';

/** Parses "9464", "127.0.0.1:9464", "[::1]:9464" or "0.0.0.0:9464"; a sentence when it is not one. */
export const parseListenAddress = (text: string): ListenAddress | string => {
  const m = /^(?:(\[[0-9a-fA-F:.]+\]|[^:[\]\s]+):)?(\d{1,5})$/.exec(text.trim());
  if (m === null) return `'${text}' is not [host:]port`;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return `port ${port} in '${text}' is outside 1-65535`;
  const host = m[1] === undefined ? DEFAULT_METRICS_HOST : m[1].replace(/^\[|\]$/g, '');
  return { host, port };
};
