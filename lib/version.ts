// The release version, shown in meta-data and --version.
export const PGBEAT_VERSION = '0.1.0';
