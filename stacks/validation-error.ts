// Its own module, without cdktf: the app's exit path (app/exit.ts) tells it apart without loading the stacks.

/** Construct-tree rules that failed; raised before anything is written to the outdir. */
export class ValidationError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`The delivery graph is not valid:\n${problems.map((p) => `  ${p}`).join("\n")}`);
    this.name = "ValidationError";
  }
}
