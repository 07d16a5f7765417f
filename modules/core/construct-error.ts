import { IConstruct } from "constructs";

/**
 * An error in how a construct was called: the message starts with the construct's path
 * (`stack/Project/Pipeline: …`), so the caller knows which of its constructs to fix.
 */
export class ConstructError extends Error {
  /** Path of the construct in the app. */
  readonly constructPath: string;

  constructor(scope: IConstruct, message: string) {
    super(`${scope.node.path}: ${message}`);
    this.name = "ConstructError";
    this.constructPath = scope.node.path;
  }
}
