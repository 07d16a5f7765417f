import { rawConfig, rawProject, synth } from "../helpers";

/** n projects across a few groups, created and adopted, with varied pipelines. */
export function fleet(n: number) {
  return Array.from({ length: n }, (_, i) =>
    rawProject({
      path: `group-${i % 7}/team-${i % 13}/service-${i}`,
      mode: i % 5 === 0 ? "adopt" : "create",
      deployToken: { expiresAt: "2027-06-30" },
      pipeline: i % 2 === 0 ? { artifactFormat: "CODEBUILD_CLONE_REF", triggers: { mergeRequests: [{ branches: { includes: ["main"] } }] } } : {},
    }),
  );
}

describe("determinism at fleet size", () => {
  test("a fleet of 200 projects synthesizes byte-identically twice", () => {
    const raw = rawConfig({ projects: fleet(200) });
    const first = synth(raw).text;
    expect(synth(raw).text).toBe(first);
    expect(Object.keys(JSON.parse(first).resource.aws_codepipeline)).toHaveLength(200);
  });

  test("reversing the fleet's order changes no byte of the output", () => {
    const projects = fleet(60);
    expect(synth(rawConfig({ projects: [...projects].reverse() })).text).toBe(synth(rawConfig({ projects })).text);
  });
});
