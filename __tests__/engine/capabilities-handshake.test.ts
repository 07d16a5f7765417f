/*
 * Runners and Git sync wait for the handshake like the pipelines, judged by the real engine
 * (aws 5.100.0): with the connection PENDING none of them is planned, once AVAILABLE all are.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { prepareStack, runStack } from "../../scripts/tf-check";
import { offlineEngine } from "./engine";
import { rawConfig, rawProject, synth } from "../helpers";

const { engine, describeEngine } = offlineEngine("runners and Git sync behind the handshake");

describeEngine("runners and Git sync behind the handshake", () => {
  const { json, shared } = synth(
    rawConfig({
      projects: [
        rawProject({
          runners: [{ name: "build" }, { name: "shared", group: "acme/platform" }],
          gitSync: { stacks: [{ stackName: "payments-network", deploymentFile: "deploy/network.yaml" }] },
        }),
      ],
    }),
  );
  const stacks = { "acme-delivery-shared": shared.json, "acme-delivery-acme": json };
  const dir = mkdtempSync(join(tmpdir(), "delivery-capabilities-"));
  const gated = (status: "PENDING" | "AVAILABLE") => {
    const r = runStack(engine, prepareStack(json, engine, { stacks, connectionStatus: status }), join(dir, status), { validate: status === "AVAILABLE" });
    expect(r.errors).toBe("");
    const changes = r
      .plan!.resource_changes.filter((c: any) => /^aws_(codebuild_project|codebuild_webhook|cloudformation_stack)$/.test(c.type))
      .filter((c: any) => !/_Build_/.test(c.address));
    return changes
      .map((c: any) => `${c.type}: ${c.change.after.name ?? c.change.after.project_name}: ${c.change.actions.join("+")}`)
      .sort()
      .concat(changes.filter((c: any) => c.change.after.scope_configuration?.length).map((c: any) => JSON.stringify(c.change.after.scope_configuration)));
  };

  test("PENDING: no runner, webhook or Git sync stack; AVAILABLE: all of them, the group webhook with its GITLAB_GROUP scope", () => {
    expect(gated("PENDING")).toEqual([]);
    expect(gated("AVAILABLE")).toEqual([
      "aws_cloudformation_stack: acme-platform-payments-api-git-sync: create",
      "aws_codebuild_project: acme-platform-payments-api-runner-build: create",
      "aws_codebuild_project: acme-platform-payments-api-runner-shared: create",
      "aws_codebuild_webhook: acme-platform-payments-api-runner-build: create",
      "aws_codebuild_webhook: acme-platform-payments-api-runner-shared: create",
      '[{"domain":null,"name":"acme/platform","scope":"GITLAB_GROUP"}]',
    ]);
  });
});
