/**
 * Runs `work` with `target[key]` replaced by `replacement`, and puts the original back however
 * `work` ends: how a synthesis swaps one function of cdktf's or node's for its own duration.
 */
export function withReplaced<T extends object, K extends keyof T, R>(target: T, key: K, replacement: T[K], work: () => R): R {
  const original = target[key];
  target[key] = replacement;
  try {
    return work();
  } finally {
    target[key] = original;
  }
}
