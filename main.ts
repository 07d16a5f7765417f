import { runSynth } from "./app/run-synth";
import { userOutput } from "./app/user-output";
import { exitOnError } from "./app/exit";

// The cdktf app (cdktf.json): the configuration DELIVERY_CONFIG names, into the folder cdktf
// gives. Reading, validating and synthesizing are app/run-synth.ts, as for
// `gitlab-aws-delivery synth`; under `cdktf synth`, app/user-output.ts says each thing once.
const output = userOutput();
runSynth({
  configFile: process.env.DELIVERY_CONFIG || "delivery.yaml",
  outdir: process.env.CDKTF_OUTDIR || "cdktf.out",
  command: [process.execPath, ...process.execArgv, ...process.argv.slice(1)],
  warn: (line) => output.warn(line),
  progress: (done, total) => output.progress(done, total),
}).then(
  () => output.finish(),
  (e) => exitOnError(e, (text) => output.fail(text)),
);
