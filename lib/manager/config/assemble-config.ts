// The one place a ClusterConfig is made: ha.cf, haresources and authkeys texts in, the configuration
// and every problem (file:line) out. No configuration when any problem is an error.
import type { ClusterConfig } from './cluster-config.ts';
import { parseAuthkeys } from './authkeys.ts';
import { parseHaCf } from './ha-cf.ts';
import { parseHaresources } from './haresources.ts';
import { hasErrors, type ConfigProblem } from './problem.ts';

/** The three files' texts (undefined: the file could not be read) and the names used in messages. */
export interface ConfigTexts {
  haCf: { file: string; text: string | undefined };
  haresources: { file: string; text: string | undefined };
  authkeys: { file: string; text: string | undefined };
}

/**
 * Parses and checks the three files. `localNode` (uname -n, or the nodeinfo file) must be a node of
 * ha.cf when given; the witness host passes none.
 */
export const assembleClusterConfig = (
  texts: ConfigTexts,
  localNode?: string,
): { config?: ClusterConfig; problems: ConfigProblem[] } => {
  const problems: ConfigProblem[] = [];
  const missing = (file: string): void => {
    problems.push({ file, line: 0, severity: 'error', message: 'cannot be read (missing?)' });
  };
  if (texts.haCf.text === undefined) missing(texts.haCf.file);
  if (texts.haresources.text === undefined) missing(texts.haresources.file);
  if (texts.authkeys.text === undefined) missing(texts.authkeys.file);

  const hacf = texts.haCf.text === undefined ? undefined : parseHaCf(texts.haCf.text, texts.haCf.file);
  if (hacf) problems.push(...hacf.problems);
  const nodes = hacf?.settings.nodes;
  const res = texts.haresources.text === undefined ? undefined : parseHaresources(texts.haresources.text, texts.haresources.file, nodes);
  if (res) problems.push(...res.problems);
  const keys = texts.authkeys.text === undefined ? undefined : parseAuthkeys(texts.authkeys.text, texts.authkeys.file);
  if (keys) problems.push(...keys.problems);

  const self = localNode?.toLowerCase();
  if (hacf && self !== undefined && nodes!.length > 0 && !nodes!.includes(self)) {
    problems.push({
      file: texts.haCf.file, line: 0, severity: 'error',
      message: `this node (${self}, from uname -n) is not a node of ha.cf (${nodes!.join(', ')})`,
    });
  }
  if (!hacf || !res || !keys?.auth || hasErrors(problems)) return { problems };
  const { fenceLines: _lines, ...settings } = hacf.settings;
  void _lines;
  return {
    config: { ...settings, localNode: self, groups: res.groups, auth: keys.auth },
    problems,
  };
};
