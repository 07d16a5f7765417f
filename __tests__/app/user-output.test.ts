/* app/user-output.ts: where a synthesis's warnings, progress and errors go. */
import { CdktfOutput, TerminalOutput, userOutput } from "../../app/user-output";

describe("userOutput", () => {
  const streams = () => {
    const written = { stdout: "", stderr: "" };
    jest.spyOn(process.stdout, "write").mockImplementation((chunk) => ((written.stdout += String(chunk)), true));
    jest.spyOn(process.stderr, "write").mockImplementation((chunk) => ((written.stderr += String(chunk)), true));
    return written;
  };
  const onTerminal = (isTTY: boolean) => Object.defineProperty(process.stderr, "isTTY", { value: isTTY, configurable: true });
  const wasTTY = process.stderr.isTTY;
  afterEach(() => {
    jest.restoreAllMocks();
    onTerminal(wasTTY);
  });

  test("on a terminal, unless CI is set, it shows progress", () => {
    onTerminal(true);
    expect(userOutput({})).toEqual(expect.objectContaining({ showProgress: true }));
    expect(userOutput({ CI: "true" })).toEqual(expect.objectContaining({ showProgress: false }));
    onTerminal(false);
    expect(userOutput({})).toEqual(expect.objectContaining({ showProgress: false }));
  });

  test("progress: stacks done of total, rewritten in place, cleared before a warning and at the end", () => {
    let direct = "";
    const out = new TerminalOutput(true, (text) => (direct += text));
    const written = streams();
    out.progress(1, 3);
    out.warn("w");
    out.progress(3, 3);
    out.finish();
    expect(direct).toBe("\r\x1b[Ksynthesizing: 1/3 stacks\r\x1b[K\r\x1b[Ksynthesizing: 3/3 stacks\r\x1b[K");
    expect(written).toEqual({ stdout: "", stderr: "warning: w\n" });
  });

  test("quiet: no progress at all", () => {
    let direct = "";
    const out = new TerminalOutput(false, (text) => (direct += text));
    out.progress(1, 3);
    out.finish();
    expect(direct).toBe("");
  });

  test("under cdktf synth: warnings on stdout at the end; progress left to cdktf's spinner", () => {
    const out = userOutput({ CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: "true" });
    expect(out).toBeInstanceOf(CdktfOutput);
    const written = streams();
    out.warn("a");
    out.progress(1, 3);
    expect(written).toEqual({ stdout: "", stderr: "" });
    out.finish();
    expect(written).toEqual({ stdout: "warning: a\n", stderr: "" });
  });

  test("a worker process of cdktf's app is not the app: its messages go to its parent on stderr", () => {
    expect(userOutput({ CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: "true", DELIVERY_SYNTH_SHARD: "1/2" })).toBeInstanceOf(TerminalOutput);
  });

  test("under cdktf synth, failing where cdktf's stderr is not a pipe: warnings where cdktf shows them unlabelled, the error on stderr", () => {
    const out = new CdktfOutput(() => undefined);
    const written = streams();
    out.warn("a");
    out.fail("bad config\n");
    expect(written).toEqual({ stdout: "warning: a\n", stderr: "bad config\n" });
  });
});
