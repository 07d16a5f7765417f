import { ConfigProblem } from "./errors";
import { projectBaseName, projectCiName, projectConstructId, projectOutputKey, projectResourceName, stackKey } from "./naming";
import { DeliveryConfig, ProjectConfig } from "./schema";
import { show } from "./show";

/** A name one project takes in an AWS namespace (an account and region). */
interface AwsName {
  readonly namespace: "pipeline" | "CodeBuild project";
  readonly name: string;
  /** What of the project bears it, for the message. */
  readonly what: string;
  /** Key (under `projects[i]`) that sets it. */
  readonly key: "name" | "pipeline.adopt.name";
}

/**
 * Pairs of projects that would share what must be one project's own: the GitLab project
 * (GitLab compares paths without case), a construct id or output names in their stack
 * (the id becomes the Terraform addresses, and an output of one would silently replace the
 * other's), or the name of a pipeline or CodeBuild project. Names are never changed to make
 * room, since they are the addresses, outputs and AWS names of projects already deployed:
 * the later project of a pair is refused, naming the earlier one, and the user picks the
 * fix (`outputPrefix` renames outputs only, `name` the AWS names, `stack` moves a project).
 * Environments' deploy projects are not checked here.
 */
export function collisionProblems(config: DeliveryConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const paths = new Map<string, number>();
  const bases = new Map<string, number>();
  const constructIds = new Map<string, number>();
  const outputKeys = new Map<string, number>();
  const awsNames = new Map<string, { index: number; name: AwsName }>();
  config.projects.forEach((project, i) => {
    const at = `projects[${i}]`;
    const earlier = paths.get(project.path.toLowerCase());
    if (earlier !== undefined) {
      const other = config.projects[earlier].path;
      problems.push({
        path: `${at}.path`,
        message:
          other === project.path
            ? `${show(project.path)} is already listed as projects[${earlier}]; list each project once`
            : `${show(project.path)} and projects[${earlier}].path ${show(other)} differ only by letter case, and GitLab compares paths without case: they are the same project; list it once`,
      });
      return;
    }
    paths.set(project.path.toLowerCase(), i);

    const stack = `${config.name}-${stackKey(project)}`;
    const outputKey = projectOutputKey(project.path, project.outputPrefix);
    const id = projectConstructId(project.path);
    const sameId = constructIds.get(`${stack}/${id}`);
    const sameKey = outputKeys.get(`${stack}/${outputKey}`);
    if (sameId !== undefined) {
      problems.push({
        path: `${at}.path`,
        message: `${show(project.path)} and projects[${sameId}].path ${show(config.projects[sameId].path)} would share the construct id ${show(id)} ('/' becomes "__"), and so their resource addresses, in the stack ${show(stack)}; give one of them a stack of its own with \`stack: <name>\``,
      });
    } else if (sameKey !== undefined) {
      const other = config.projects[sameKey];
      const why = (project.outputPrefix ?? other.outputPrefix) ? "" : " (every character but letters, digits and '_' becomes '_')";
      problems.push({
        path: project.outputPrefix ? `${at}.outputPrefix` : `${at}.path`,
        message: `${show(project.path)} and projects[${sameKey}].path ${show(other.path)} would share the output names ${show(`${outputKey}_*`)} in the stack ${show(stack)}${why}, so one project's outputs would replace the other's; set \`outputPrefix\` on one of them (only its output names change)`,
      });
    }
    constructIds.set(`${stack}/${id}`, constructIds.get(`${stack}/${id}`) ?? i);
    outputKeys.set(`${stack}/${outputKey}`, outputKeys.get(`${stack}/${outputKey}`) ?? i);

    const base = projectBaseName(project.path, project.name);
    const sameBase = bases.get(base.toLowerCase());
    if (sameBase !== undefined) {
      problems.push({
        path: `${at}.name`,
        message: `the AWS resource names of ${show(project.path)} would be ${show(base.toLowerCase())}, the same as projects[${sameBase}]'s (${show(config.projects[sameBase].path)}); give one of them a distinct \`name\``,
      });
      return;
    }
    bases.set(base.toLowerCase(), i);

    const names = projectAwsNames(project, base);
    for (const name of names) {
      const hit = awsNames.get(`${name.namespace}/${name.name.toLowerCase()}`);
      if (hit === undefined) continue;
      const other = config.projects[hit.index].path;
      const fix =
        name.key === "pipeline.adopt.name" && hit.name.key === "pipeline.adopt.name"
          ? "adopt each pipeline in one project only"
          : name.key === "pipeline.adopt.name"
            ? `give projects[${hit.index}] a distinct \`name\``
            : hit.name.key === "pipeline.adopt.name"
              ? "give it a distinct `name`"
              : "give one of them a distinct `name`";
      problems.push({
        path: `${at}.${name.key}`,
        message: `the ${name.namespace} name ${show(name.name)} of ${show(project.path)} (its ${name.what}) is also the name of projects[${hit.index}]'s ${hit.name.what} (${show(other)}); ${fix}`,
      });
      return;
    }
    for (const name of names) awsNames.set(`${name.namespace}/${name.name.toLowerCase()}`, { index: i, name });
  });
  return problems;
}

/** The names a project's pipeline and CodeBuild projects take in the account and region. */
function projectAwsNames(project: ProjectConfig, base: string): AwsName[] {
  const adopt = project.pipeline.adopt;
  const names: AwsName[] = adopt
    ? [{ namespace: "pipeline", name: adopt.name, what: "adopted pipeline", key: "pipeline.adopt.name" }]
    : [
        { namespace: "pipeline", name: projectResourceName(base), what: "pipeline", key: "name" },
        { namespace: "CodeBuild project", name: projectResourceName(base), what: "build project", key: "name" },
      ];
  if (project.ci) names.push({ namespace: "CodeBuild project", name: projectCiName(base), what: "merge-request CI project", key: "name" });
  return names;
}
