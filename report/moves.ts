/*
 * A project moved between stacks on purpose (README: Large organisations) is planned in two
 * states: the stack it leaves forgets its objects (`removed { lifecycle { destroy = false } }`,
 * action "forget"), the stack it joins imports them (`import` blocks, `change.importing`).
 * Neither half is a delete or a create, and the report says so.
 *
 * The plan JSON keeps no trace of `removed` blocks, so a forget is known to be a move by whose
 * object it is: every object of a moved project is forgotten with it, and a project's objects
 * are named `<project>_<construct>_…` (construct ids are a public contract, README: Stacks). A
 * forget of an object of no forgotten project (the notification key, a hand-written removed
 * block) stays what it was: left in the account, unmanaged.
 */

type Json = Record<string, any>;

export type MoveDirection = "out" | "in";

export const MOVE_WORDS: Record<MoveDirection, string> = {
  out: "moved out to another stack (left in place, state forgotten)",
  in: "moved in (imported, not created)",
};

/**
 * The one object every project has, whatever its options, that a move takes along: the secret
 * holding its deploy token (modules/deploy-token). Its name gives the project's prefix.
 */
const PROJECT_ANCHOR = { type: "aws_secretsmanager_secret", name: /^(.+)_DeployToken_Secret_[0-9A-F]{8}$/ };

const actionsOf = (c: Json): string[] => c?.change?.actions ?? [];
const forgotten = (c: Json): boolean => actionsOf(c).includes("forget") && !actionsOf(c).includes("delete");
// Imported and then left as it is or updated in place; an import that is then replaced stays a replacement.
const imported = (c: Json): boolean => Boolean(c?.change?.importing) && ["no-op", "update"].includes(actionsOf(c).join(","));

/** The prefixes (`<project>_`) of the projects whose anchor `moved` holds. */
function projectsOf(changes: readonly Json[], moved: (c: Json) => boolean): string[] {
  return changes
    .filter((c) => c.type === PROJECT_ANCHOR.type && moved(c))
    .map((c) => PROJECT_ANCHOR.name.exec(String(c.name ?? ""))?.[1])
    .filter((p): p is string => p !== undefined);
}

/** `<project>_` then a construct id (a letter): `acme__web_` does not own `acme__web__x_Build_…`. */
const owns = (projects: readonly string[], name: string) => projects.some((p) => name.startsWith(`${p}_`) && /[A-Za-z]/.test(name.charAt(p.length + 1)));

/**
 * The objects of this plan that move between stacks, by address: forgotten with their project
 * (out), or imported with it (in). An import of no moved project (an adopted pipeline) is not a move.
 */
export function movesOf(plan: Json): Map<string, MoveDirection> {
  const changes: Json[] = (plan.resource_changes ?? []).filter((c: Json) => c?.mode === "managed");
  const leaving = projectsOf(changes, forgotten);
  const joining = projectsOf(changes, imported);
  const moves = new Map<string, MoveDirection>();
  for (const c of changes) {
    const name = String(c.name ?? "");
    if (forgotten(c) && owns(leaving, name)) moves.set(String(c.address), "out");
    if (imported(c) && owns(joining, name)) moves.set(String(c.address), "in");
  }
  return moves;
}

/** One line for the top of the summary when the plan moves objects, else undefined. */
export function moveHeadline(moves: ReadonlyMap<string, MoveDirection>): string | undefined {
  const out = [...moves.values()].filter((d) => d === "out").length;
  const into = moves.size - out;
  if (moves.size === 0) return undefined;
  const parts = [
    out > 0 ? `${out} object${out > 1 ? "s" : ""} ${MOVE_WORDS.out}` : undefined,
    into > 0 ? `${into} object${into > 1 ? "s" : ""} ${MOVE_WORDS.in}` : undefined,
  ].filter(Boolean);
  return `**A move between stacks:** ${parts.join("; ")}. Nothing is destroyed or created for them; apply this stack and the other one (either order), then delete the \`moves:\` lines of the lock file.`;
}

/** Why a moved object is listed: the id it is imported by (a name or ARN, never a secret value), and what changes after the import. */
export function moveWhy(c: Json, updateWhy: string | undefined): string | undefined {
  const id = c?.change?.importing?.id;
  if (typeof id !== "string") return undefined; // forgotten: the group's title says it all
  const words = [`imported by id \`${id}\``];
  if (actionsOf(c).join(",") === "update") words.push(updateWhy ? `then updated in place: ${updateWhy}` : "then updated in place");
  return words.join("; ");
}
