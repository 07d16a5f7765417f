/**
 * cdktf records a full stack trace for every token it creates (only shown when a token
 * fails to resolve), and formatting those traces is a third of synthesis time on a large
 * fleet. cdktf captures them into plain objects, never Error instances, so while
 * synthesizing we format those as empty and leave every real Error's trace as Node prints it.
 */
export function withQuietTokenTraces<T>(work: () => T): T {
  const previous = Error.prepareStackTrace;
  Error.prepareStackTrace = (error: Error, frames: NodeJS.CallSite[]) => {
    if (!(error instanceof Error)) return "";
    if (previous) return previous(error, frames);
    return `${error.name}: ${error.message}${frames.map((f) => `\n    at ${f}`).join("")}`;
  };
  try {
    return work();
  } finally {
    Error.prepareStackTrace = previous;
  }
}
