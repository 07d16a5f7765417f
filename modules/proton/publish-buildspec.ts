import { stringify } from "yaml";

export interface BundleToPublish {
  readonly kind: "environment" | "service";
  readonly name: string;
  readonly bundlePath: string;
  readonly compatibleEnvironmentTemplates?: ReadonlyArray<{ name: string; majorVersion: string }>;
}

/** Key prefix of the template bundles in the artifact bucket. */
export const BUNDLE_PREFIX = "proton";

/**
 * Buildspec that publishes each template bundle folder at the commit: tar it, upload it,
 * register a template version from it, wait until Proton has registered it, publish it.
 * Names and paths come from the schema's restricted character sets, so they need no
 * quoting beyond what is written here.
 */
export function publishBuildspec(bundles: readonly BundleToPublish[]): string {
  const commands = bundles.flatMap((b) => {
    const archive = `/tmp/${b.kind}-${b.name}.tar.gz`;
    const key = `${BUNDLE_PREFIX}/${b.kind}/${b.name}/$GITLAB_COMMIT_ID.tar.gz`;
    const cli = `${b.kind}-template-version`;
    const compatible =
      b.kind === "service"
        ? ` --compatible-environment-templates ${(b.compatibleEnvironmentTemplates ?? []).map((e) => `templateName=${e.name},majorVersion=${e.majorVersion}`).join(" ")}`
        : "";
    const field = b.kind === "environment" ? "environmentTemplateVersion" : "serviceTemplateVersion";
    const version = `--template-name ${b.name} --major-version "$1" --minor-version "$2"`;
    return [
      `tar -czf ${archive} -C ${b.bundlePath} .`,
      `aws s3 cp ${archive} "s3://$TEMPLATE_BUCKET/${key}"`,
      [
        `set -- $(aws proton create-${cli} --template-name ${b.name} --description "GitLab commit $GITLAB_COMMIT_ID"${compatible} --source "s3={bucket=$TEMPLATE_BUCKET,key=${key}}" --query "${field}.[majorVersion,minorVersion]" --output text)`,
        `test -n "$2"`,
        `aws proton wait ${cli}-registered ${version}`,
        `aws proton update-${cli} ${version} --status PUBLISHED`,
      ].join(" && "),
    ];
  });
  return stringify({ version: 0.2, phases: { build: { commands } } }, { lineWidth: 0 });
}
