import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Engine, FAKE_ACCOUNT_ID, prepareStack, terraformEnv } from "../../scripts/tf-check";
import { GO_GC_PERCENT, REATTACH_ENV } from "../../scripts/shared-provider";
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

describe("terraformEnv", () => {
  const dir = mkdtempSync(join(tmpdir(), "gad-tf-env-"));
  // A provider already named: terraformEnv starts none.
  const attached = { [REATTACH_ENV]: "{}", PATH: process.env.PATH };

  test("terraform runs with GOGC=400 (fewer collections of its Go heap) unless the caller set GOGC", () => {
    expect(terraformEnv(engine, dir, attached).GOGC).toBe(GO_GC_PERCENT);
    expect(GO_GC_PERCENT).toBe("400");
    expect(terraformEnv(engine, dir, { ...attached, GOGC: "off" }).GOGC).toBe("off");
    expect(terraformEnv({ ...engine, mode: "registry" }, dir, {}).GOGC).toBe("400");
  });
});
