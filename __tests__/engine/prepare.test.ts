import { Engine, FAKE_ACCOUNT_ID, prepareStack } from "../../scripts/tf-check";
import { only, rawConfig, rawProject, synth } from "../helpers";

const engine: Engine = { terraform: "terraform", mirror: "/mirror", awsVersion: "5.100.0", mode: "mirror" };

describe("prepareStack (offline stand-ins)", () => {
  const { json } = synth(rawConfig({ projects: [rawProject(), rawProject({ path: "acme/legacy", mode: "adopt" })] }));
  const out = prepareStack(json, engine);
  const text = JSON.stringify(out);

  test("removes every GitLab object, the GitLab provider and the backend; pins aws to the mirror's version", () => {
    expect(text).not.toMatch(/\bgitlab_(project|group|project_deploy_token)\./);
    expect(out.resource.gitlab_project).toBeUndefined();
    expect(out.data.gitlab_project).toBeUndefined();
    expect(out.provider.gitlab).toBeUndefined();
    expect(out.terraform.backend).toBeUndefined();
    expect(out.terraform.required_providers).toEqual({ aws: { source: "aws", version: "5.100.0" } });
    expect(out.provider.aws[0]).toMatchObject({ region: "eu-west-1", skip_credentials_validation: true, skip_requesting_account_id: true });
  });

  test("stand-ins are local values carrying the referenced attributes, so the pipeline still reads the real repository path", () => {
    const project = `standin_gitlab_project_${only(json, "gitlab_project").name.replace(/-/g, "_")}`;
    expect(out.locals[project].path_with_namespace).toBe("acme/platform/payments-api");
    const adopted = `standin_data_gitlab_project_${only(json, "gitlab_project", "data").name.replace(/-/g, "_")}`;
    expect(out.locals[adopted].path_with_namespace).toBe("acme/legacy");
    const pipelines = Object.values(out.resource.aws_codepipeline) as any[];
    expect(pipelines.map((p) => p.stage[0].action[0].configuration.FullRepositoryId).sort()).toEqual(
      [`\${local.${adopted}.path_with_namespace}`, `\${local.${project}.path_with_namespace}`].sort(),
    );
    expect(out.locals.standin_data_aws_caller_identity_Account).toEqual({ account_id: FAKE_ACCOUNT_ID });
  });

  test("leaves the synthesized stack itself untouched", () => {
    expect(json.resource.gitlab_project).toBeDefined();
    expect(json.terraform.backend).toBeDefined();
  });
});
