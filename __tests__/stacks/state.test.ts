import { problems, rawConfig, synthAll } from "../helpers";

const stacksOf = (state: Record<string, unknown>, extra: Record<string, unknown> = {}) => synthAll(rawConfig({ state, ...extra }));

describe("state backends: one state per stack, keyed by the stack name", () => {
  test("local (default): terraform.<stack>.tfstate at the project root, or in a configured folder", () => {
    const { shared, stacks } = stacksOf({ backend: "local", local: { directory: "state" } });
    expect(shared.json.terraform.backend).toEqual({ local: { path: "../../../state/terraform.acme-delivery-shared.tfstate" } });
    expect(stacks["acme-delivery-acme"].json.terraform.backend).toEqual({ local: { path: "../../../state/terraform.acme-delivery-acme.tfstate" } });
    expect(synthAll().shared.json.terraform.backend).toEqual({ local: { path: "../../../terraform.acme-delivery-shared.tfstate" } });
  });

  test("terraform-cloud: a cloud block with a named workspace per stack; remote state reads the shared workspace", () => {
    const { shared, stacks } = stacksOf({
      backend: "terraform-cloud",
      terraformCloud: { organization: "acme", workspaceName: "delivery-{stack}", project: "platform" },
    });
    expect(shared.json.terraform.cloud).toEqual({
      organization: "acme",
      hostname: "app.terraform.io",
      workspaces: { name: "delivery-acme-delivery-shared", project: "platform" },
    });
    expect(shared.json.terraform.backend).toBeUndefined();
    const team = stacks["acme-delivery-acme"].json;
    expect(team.terraform.cloud.workspaces).toEqual({ name: "delivery-acme-delivery-acme", project: "platform" });
    expect(team.data.terraform_remote_state["cross-stack-reference-input-acme-delivery-shared"]).toMatchObject({
      backend: "remote",
      config: { organization: "acme", hostname: "app.terraform.io", workspaces: { name: "delivery-acme-delivery-shared" } },
    });
  });

  test("s3: key per stack, encrypted, S3-native locking via use_lockfile, no DynamoDB unless asked", () => {
    const { shared, stacks } = stacksOf({ backend: "s3", s3: { bucket: "acme-tf-state", keyPrefix: "delivery" } });
    expect(shared.json.terraform.backend).toEqual({
      s3: { bucket: "acme-tf-state", key: "delivery/acme-delivery-shared.tfstate", region: "eu-west-1", encrypt: true, use_lockfile: true },
    });
    expect(stacks["acme-delivery-acme"].json.terraform.backend.s3.key).toBe("delivery/acme-delivery-acme.tfstate");
    expect(stacks["acme-delivery-acme"].json.data.terraform_remote_state["cross-stack-reference-input-acme-delivery-shared"]).toMatchObject({
      backend: "s3",
      config: { bucket: "acme-tf-state", key: "delivery/acme-delivery-shared.tfstate", region: "eu-west-1" },
    });
    const withTable = stacksOf({
      backend: "s3",
      s3: { bucket: "acme-tf-state", useLockfile: false, dynamodbTable: "tf-locks", kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/abc" },
    });
    expect(withTable.shared.json.terraform.backend.s3).toEqual({
      bucket: "acme-tf-state",
      key: "gitlab-aws-delivery/acme-delivery-shared.tfstate",
      region: "eu-west-1",
      encrypt: true,
      kms_key_id: "arn:aws:kms:eu-west-1:123456789012:key/abc",
      dynamodb_table: "tf-locks",
    });
  });

  test("gitlab: GitLab-managed state over the HTTP backend, addresses derived from the instance and project", () => {
    const { shared } = stacksOf({ backend: "gitlab", gitlab: { projectId: 4242 } }, { gitlab: { kind: "self-managed", url: "https://gitlab.acme.example" } });
    const address = "https://gitlab.acme.example/api/v4/projects/4242/terraform/state/acme-delivery-shared";
    expect(shared.json.terraform.backend).toEqual({
      http: { address, lock_address: `${address}/lock`, unlock_address: `${address}/lock`, lock_method: "POST", unlock_method: "DELETE", retry_wait_min: 5 },
    });
    expect(JSON.stringify(shared.json.terraform.backend)).not.toMatch(/password|username|token/i);
  });
});

describe("state configuration errors", () => {
  test.each([
    [{ backend: "terraform-cloud" }, "state.terraformCloud: is required with backend: terraform-cloud; add the terraformCloud section"],
    [{ backend: "terraform-cloud", terraformCloud: {} }, "state.terraformCloud.organization: is required; add it (a string)"],
    [
      { backend: "terraform-cloud", terraformCloud: { organization: "acme", workspaceName: "delivery" } },
      'state.terraformCloud.workspaceName: "delivery" has no {stack}, so every stack would share one workspace; write e.g. "delivery-{stack}"',
    ],
    [
      { backend: "s3", s3: { bucket: "Acme_State" } },
      "state.s3.bucket: \"Acme_State\" may hold only lowercase letters, digits, '.' and '-' (S3 bucket naming rules)",
    ],
    [{ backend: "s3", s3: { bucket: "192.168.1.1" } }, 'state.s3.bucket: "192.168.1.1" must not look like an IP address (S3 bucket naming rules)'],
    [{ backend: "s3", s3: { bucket: "ab" } }, 'state.s3.bucket: "ab" must be 3-63 characters long (S3 bucket naming rules)'],
    [{ backend: "gitlab", gitlab: { projectId: "acme/infra" } }, 'state.gitlab.projectId: expected a number, got string "acme/infra"; write a number'],
    [{ backend: "local", s3: { bucket: "acme-tf-state" } }, "state.s3: is set but backend is local; remove it or set backend accordingly"],
    [{ backend: "gitlab", gitlab: { projectId: 1, password: "x" } }, 'state.gitlab: unknown key "password"; remove it or use one of: projectId'],
  ])("%j", (state, expected) => {
    expect(problems(rawConfig({ state }))).toEqual([expected]);
  });
});
