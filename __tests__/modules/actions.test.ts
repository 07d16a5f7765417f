/* The pipeline actions (modules/pipeline/actions.ts): one function per kind, the source variables typed. */
import { codeBuildAction, gitlabSourceAction, manualApprovalAction, sourceVariables } from "../../index";

describe("pipeline actions", () => {
  test("the source action's variables, as later actions read them", () => {
    expect(sourceVariables).toEqual({
      authorDate: "#{SourceVariables.AuthorDate}",
      branchName: "#{SourceVariables.BranchName}",
      commitId: "#{SourceVariables.CommitId}",
      commitMessage: "#{SourceVariables.CommitMessage}",
      connectionArn: "#{SourceVariables.ConnectionArn}",
      fullRepositoryName: "#{SourceVariables.FullRepositoryName}",
    });
    const source = gitlabSourceAction({
      name: "Source",
      connectionArn: "c",
      fullRepositoryId: "acme/app",
      branch: "main",
      output: "src",
      artifactFormat: "CODE_ZIP",
    });
    expect(source.namespace).toBe("SourceVariables");
  });

  test("a CodeBuild action gets its own variables (sorted), then the commit it builds", () => {
    const action = codeBuildAction({ name: "Deploy", projectName: "p", inputs: ["build_output"], runOrder: 2, variables: { B: "2", A: "1" } });
    expect(action).toEqual({
      name: "Deploy",
      category: "Build",
      owner: "AWS",
      provider: "CodeBuild",
      version: "1",
      runOrder: 2,
      inputArtifacts: ["build_output"],
      outputArtifacts: undefined,
      configuration: {
        ProjectName: "p",
        EnvironmentVariables: JSON.stringify([
          { name: "A", value: "1", type: "PLAINTEXT" },
          { name: "B", value: "2", type: "PLAINTEXT" },
          { name: "GITLAB_COMMIT_ID", value: sourceVariables.commitId, type: "PLAINTEXT" },
          { name: "GITLAB_BRANCH", value: sourceVariables.branchName, type: "PLAINTEXT" },
          { name: "GITLAB_REPOSITORY", value: sourceVariables.fullRepositoryName, type: "PLAINTEXT" },
        ]),
      },
    });
  });

  test("a manual approval shows its message", () => {
    expect(manualApprovalAction({ runOrder: 1, message: `Deploy at ${sourceVariables.commitId}?` }).configuration).toEqual({
      CustomData: "Deploy at #{SourceVariables.CommitId}?",
    });
  });
});
