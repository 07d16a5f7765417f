import { stringify } from "yaml";

/** Tags every CloudFormation stack a pipeline deploys gets, naming the GitLab commit. */
export const COMMIT_TAGS = { commit: "gitlab:commit-id", repository: "gitlab:repository" } as const;

/** File the stamp build writes and the CloudFormation action reads as TemplateConfiguration. */
export const TEMPLATE_CONFIGURATION_FILE = "template-configuration.json";

/**
 * Buildspec of the stamp build. The CloudFormation deploy action has no tags setting; its
 * template configuration file does (`{"Parameters", "Tags", "StackPolicy"}`). This build
 * copies the environment's own file (PARAMETERS_PATH, optional) and adds the commit tags,
 * read from the variables every action gets, so the deployed stack names its commit.
 * jq is in every CodeBuild standard image.
 */
export const STAMP_BUILDSPEC = stringify(
  {
    version: 0.2,
    phases: {
      build: {
        commands: [
          'if [ -n "$PARAMETERS_PATH" ]; then cp "$PARAMETERS_PATH" /tmp/template-configuration.in.json; else echo "{}" > /tmp/template-configuration.in.json; fi',
          `jq --arg commit "$GITLAB_COMMIT_ID" --arg repository "$GITLAB_REPOSITORY" '.Tags = ((.Tags // {}) + {"${COMMIT_TAGS.commit}": $commit, "${COMMIT_TAGS.repository}": $repository})' /tmp/template-configuration.in.json > ${TEMPLATE_CONFIGURATION_FILE}`,
        ],
      },
    },
    artifacts: { files: [TEMPLATE_CONFIGURATION_FILE] },
  },
  { lineWidth: 0 },
);
