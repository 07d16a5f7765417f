import { rawConfig, rawProject, synthAll } from "../helpers";

/*
 * The fleet is 200 projects in `npm test`, 60 in `npm run test:unit` (jest.unit.config.js sets
 * DETERMINISM_FLEET; set it by hand to choose): no size below 100 projects a group changes how
 * a fleet is assigned or synthesized, so the smaller fleet takes the same paths.
 */
const FLEET = Number(process.env.DETERMINISM_FLEET ?? 200);

/** Every stack's text, by name: what must stay byte-identical. */
function texts(raw: Record<string, unknown>): Record<string, string> {
  const { shared, stacks } = synthAll(raw);
  return { shared: shared.text, ...Object.fromEntries(Object.entries(stacks).map(([name, s]) => [name, s.text])) };
}

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
  test(`a fleet of ${FLEET} projects synthesizes byte-identically twice`, () => {
    const raw = rawConfig({ projects: fleet(FLEET) });
    const first = texts(raw);
    expect(texts(raw)).toEqual(first);
    expect(Object.keys(first)).toHaveLength(8);
    const pipelines = Object.entries(first)
      .filter(([n]) => n !== "shared")
      .flatMap(([, t]) => Object.keys(JSON.parse(t).resource.aws_codepipeline));
    expect(pipelines).toHaveLength(FLEET);
  });

  test("reversing the fleet's order changes no byte of the output", () => {
    const projects = fleet(60);
    expect(texts(rawConfig({ projects: [...projects].reverse() }))).toEqual(texts(rawConfig({ projects })));
  });
});
