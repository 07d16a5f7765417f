/** Indexes of the items whose key an earlier item already has (the second and later of each). */
export function repeated<T>(items: readonly T[], key: (item: T) => string): number[] {
  const seen = new Set<string>();
  return items.flatMap((item, i) => {
    const k = key(item);
    if (seen.has(k)) return [i];
    seen.add(k);
    return [];
  });
}
