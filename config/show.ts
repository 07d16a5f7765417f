/** A value quoted for an error message, cut to a readable length (a pasted blob must not flood the terminal). */
export function show(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
