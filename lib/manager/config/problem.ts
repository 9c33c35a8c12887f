// A configuration problem: where it was found and what is wrong, for `file:line: message` output.

/** One problem in ha.cf, haresources or authkeys; an error stops the manager, a notice does not. */
export interface ConfigProblem {
  file: string;
  /** 1-based line; 0 when the problem concerns the whole file (missing, mode). */
  line: number;
  severity: 'error' | 'notice';
  message: string;
}

/** Collects problems for one file. */
export class ProblemList {
  readonly items: ConfigProblem[] = [];
  constructor(readonly file: string) {}
  /** Records an error at `line`. */
  error(line: number, message: string): void {
    this.items.push({ file: this.file, line, severity: 'error', message });
  }
  /** Records a notice at `line`. */
  notice(line: number, message: string): void {
    this.items.push({ file: this.file, line, severity: 'notice', message });
  }
}

/** The `file:line: message` text of a problem (`file: message` when it concerns the whole file). */
export const formatProblem = (p: ConfigProblem): string =>
  `${p.file}${p.line > 0 ? `:${p.line}` : ''}: ${p.severity === 'notice' ? 'notice: ' : ''}${p.message}`;

/** Whether any problem is an error. */
export const hasErrors = (problems: readonly ConfigProblem[]): boolean => problems.some((p) => p.severity === 'error');
