import { withReplaced } from "./replaced-during";

/**
 * cdktf records a full stack trace for every token it creates (shown only when a token
 * fails to resolve); capturing and formatting them was a third of synthesis time and half
 * the memory on a large fleet. cdktf captures them into plain objects, never Error
 * instances, so while synthesizing those captures are skipped, and every real Error keeps
 * its trace as Node prints it.
 */
export function withQuietTokenTraces<T>(work: () => T): T {
  const capture = Error.captureStackTrace;
  const errorsOnly = function (target: object, constructorOpt?: Function) {
    if (target instanceof Error) capture.call(Error, target, constructorOpt);
  };
  return withReplaced(Error, "captureStackTrace", errorsOnly, work);
}
