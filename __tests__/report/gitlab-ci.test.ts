import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

const ci = parse(readFileSync(join(__dirname, "..", "..", ".gitlab-ci.yml"), "utf8"));
const script = (job: string) => (ci[job].script as string[]).join("\n");

describe(".gitlab-ci.yml (plan review in merge requests)", () => {
  test("stages run test, synth, plan, apply, in merge-request pipelines and on the default branch only", () => {
    expect(ci.stages).toEqual(["test", "synth", "plan", "apply"]);
    expect(ci.workflow.rules).toEqual([{ if: '$CI_PIPELINE_SOURCE == "merge_request_event"' }, { if: "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH" }]);
  });

  test("every job installs from the lock file on an image with terraform and node", () => {
    for (const job of ["test", "synth", "plan", "apply"]) expect(ci[job].extends).toBe(".node-and-terraform");
    expect(ci[".node-and-terraform"].before_script).toEqual(["apk add --no-cache nodejs npm", "npm ci --no-audit --no-fund"]);
    expect(ci[".node-and-terraform"].image.name).toMatch(/^hashicorp\/terraform:1\.(1[0-9])$/);
    expect(script("test")).toBe("npm test");
    expect(script("synth")).toBe("npx cdktf synth");
    expect(ci.synth.artifacts.paths).toEqual(["cdktf.out/"]);
  });

  test("plan: per stack init, plan -out, show -json, then the report as the MR widget and a note", () => {
    const s = script("plan");
    expect(s).toContain('terraform -chdir="$dir" init -input=false');
    expect(s).toContain('terraform -chdir="$dir" plan -input=false -lock=false -out=plan.cache');
    expect(s).toContain('terraform -chdir="$dir" show -json plan.cache > "$dir/plan.json"');
    expect(s).toContain(
      'npm run --silent plan-report -- "$dir/plan.json" --report "reports/$stack.json" --markdown "reports/$stack.md" --title "$stack" --key "$stack" $post',
    );
    expect(s).toContain('if [ "$CI_PIPELINE_SOURCE" = "merge_request_event" ]; then post="--post"; fi');
    expect(ci.plan.needs).toEqual(["synth"]);
    expect(ci.plan.artifacts.reports).toEqual({ terraform: "reports/*.json" });
  });

  test("raw plans are never published: removed after the report, and not among the artifacts", () => {
    expect(script("plan")).toContain('rm -f "$dir/plan.json" "$dir/plan.cache"');
    expect(ci.plan.artifacts.paths).toEqual(["reports/"]);
    expect(JSON.stringify(ci.synth.artifacts)).not.toMatch(/plan\.(json|cache)/);
  });

  test("apply is manual, on the default branch only, one at a time", () => {
    expect(ci.apply.rules).toEqual([{ if: "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH", when: "manual" }]);
    expect(ci.apply.resource_group).toBe("terraform-apply");
    expect(script("apply")).toBe("npx cdktf deploy '*' --auto-approve");
  });

  test("no credential is written in the file; the HTTP state backend uses the job token", () => {
    expect(ci.variables.TF_HTTP_PASSWORD).toBe("${CI_JOB_TOKEN}");
    expect(readFileSync(join(__dirname, "..", "..", ".gitlab-ci.yml"), "utf8")).not.toMatch(/glpat-|AKIA[0-9A-Z]{16}/);
  });
});
