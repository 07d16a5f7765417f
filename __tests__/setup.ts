import { setupJest } from "cdktf/lib/testing/adapters/jest";

/*
 * cdktf records where every token was made (a full stack trace, read at once) for its error
 * messages. Jest formats each trace through its source-map support, frame by frame, which
 * took about 40% of a synthesis under jest; outside jest node formats them natively. Here the
 * same traces are formatted as node does, without source maps (tokens are made in cdktf and
 * the provider bindings, plain JavaScript); jest's own errors keep their source-mapped stacks.
 */
jest.mock("cdktf/lib/tokens/private/stack-trace", () => {
  const actual = jest.requireActual<typeof import("cdktf/lib/tokens/private/stack-trace")>("cdktf/lib/tokens/private/stack-trace");
  const native = (error: unknown, frames: NodeJS.CallSite[]) => `${error}${frames.map((frame) => `\n    at ${frame}`).join("")}`;
  return {
    captureStackTrace: function captureStackTrace(below?: Function): string[] {
      const jestFormat = Error.prepareStackTrace;
      Error.prepareStackTrace = native;
      try {
        return actual.captureStackTrace(below ?? captureStackTrace);
      } finally {
        Error.prepareStackTrace = jestFormat;
      }
    },
  };
});

setupJest();
