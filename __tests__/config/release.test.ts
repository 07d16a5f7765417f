/*
 * The config's checks of an environment's `release:`, one line each. What the stacks make of
 * it: __tests__/stacks/release.test.ts; the stage conditions themselves:
 * __tests__/modules/stage-conditions.test.ts.
 */
import { problems, rawConfig, rawProject } from "../helpers";

type Raw = Record<string, any>;
const DEPLOY = { codebuild: { buildspec: "deploy/buildspec.yml" } };
const withEnv = (env: Raw, pipeline: Raw = {}) =>
  rawConfig({ projects: [rawProject({ pipeline: { ...pipeline, environments: [{ name: "prod", deploy: DEPLOY, ...env }] } })] });
const AT = "projects[0].pipeline.environments[0].release";

describe("release: bad input, one line each (path, value, fix)", () => {
  test.each<[string, Raw, string]>([
    [
      "a wildcard alarm name would widen the role's read grant",
      withEnv({ release: { entry: { alarms: ["prod-*"] } } }),
      `${AT}.entry.alarms[0]: "prod-*" contains a wildcard; the pipeline role is granted read access to each named alarm, and a '*' or '?' would open it to other alarms: name the alarm exactly`,
    ],
    [
      "a 5-field (Unix) cron",
      withEnv({ release: { entry: { window: { cron: "0 9-17 * * MON-FRI" } } } }),
      `${AT}.entry.window.cron: "0 9-17 * * MON-FRI" has 5 fields; CodePipeline's deploy window cron has 6 or 7 (seconds minutes hours day-of-month month day-of-week [year]), e.g. "* 0-59 9-16 ? * MON-THU"`,
    ],
    [
      "an unknown time zone",
      withEnv({ release: { entry: { window: { cron: "* 0-59 9-16 ? * MON-THU", timeZone: "CET+1" } } } }),
      `${AT}.entry.window.timeZone: "CET+1" is not an IANA time zone; write one such as "Europe/Berlin" or "UTC"`,
    ],
    [
      "more than 5 entry rules",
      withEnv({ release: { entry: { alarms: ["a", "b", "c", "d", "e"], window: { cron: "* * * ? * *" } } } }),
      `${AT}.entry: holds more than 5 rules (alarms plus the window); CodePipeline takes at most 5 in one condition: combine alarms into a CloudWatch composite alarm`,
    ],
    ["an empty entry", withEnv({ release: { entry: {} } }), `${AT}.entry: needs alarms or a window (or leave entry out)`],
    [
      "rollback in PARALLEL mode",
      withEnv({ release: { onFailure: "rollback" } }, { executionMode: "PARALLEL" }),
      `${AT}.onFailure: "rollback": CodePipeline offers no stage rollback in PARALLEL execution mode; use executionMode QUEUED or SUPERSEDED, or choose fail or a retry`,
    ],
    [
      "watched alarms (a rollback) in PARALLEL mode",
      withEnv({ release: { watch: { alarms: ["prod-5xx"] } } }, { executionMode: "PARALLEL" }),
      `${AT}.watch: rolls the stage back when an alarm fires: CodePipeline offers no stage rollback in PARALLEL execution mode; use executionMode QUEUED or SUPERSEDED, or leave watch out`,
    ],
  ])("%s", (_name, raw, line) => {
    expect(problems(raw)).toEqual([line]);
  });

  test("an unknown onFailure names the choices", () => {
    expect(problems(withEnv({ release: { onFailure: "rollback-and-page" } }))).toEqual([
      expect.stringMatching(
        /^projects\[0\]\.pipeline\.environments\[0\]\.release\.onFailure: .*"rollback".*"fail".*"retry-failed-actions".*"retry-all-actions"/,
      ),
    ]);
  });
});
