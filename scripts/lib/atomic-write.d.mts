// Types of scripts/lib/atomic-write.mjs for the TypeScript tests.

/** Writes `data` to `path` through a temporary file in its directory and a rename; `mode` is set before the rename. */
export declare const writeAtomically: (path: string, data: string | Uint8Array, mode?: number) => void;
