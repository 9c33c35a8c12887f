import type { OcfCode } from './exit-codes.ts';

/**
 * A failure that maps to one OCF exit code and one operator-facing reason.
 * The reason becomes the `ocf-exit-reason:` line, so it is one sentence with
 * the parameter and value named.
 */
export class OcfError extends Error {
  readonly code: OcfCode;

  constructor(code: OcfCode, reason: string) {
    super(reason.replace(/\s*\n\s*/g, ' '));
    this.name = 'OcfError';
    this.code = code;
  }
}
