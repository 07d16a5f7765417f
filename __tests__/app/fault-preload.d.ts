/** The faults of fault-preload.js in the process that required it: one run's settings, and its count of points. */
export const faults: { root: string | undefined; at: number; calls: number };
/** Puts node's fs functions back. */
export function restore(): void;
