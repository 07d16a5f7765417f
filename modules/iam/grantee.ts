/** One least-privilege grant: named actions on named resources, never `*` actions. */
export interface Grant {
  /**
   * Statement id: letters and digits only. A second grant with the same id and the same
   * actions and conditions adds its resources to that statement; one with other actions or
   * conditions gets an id derived from its content (the id, then 8 hex characters).
   */
  readonly sid: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  /** @default - no condition */
  readonly conditions?: ReadonlyArray<{ readonly test: string; readonly variable: string; readonly values: readonly string[] }>;
}

/**
 * What a `grantX(grantee)` method needs: an IAM role, created here (`ServiceRole`) or
 * existing (`ServiceRole.fromArn`), whose inline policy the grant adds a statement to.
 * A grant may be given any number of times, from any number of places: identical
 * statements merge, and statements that share an id but differ keep apart under
 * content-derived ids, so no order of calls fails.
 */
export interface IRoleGrantee {
  /** The role's ARN (a token for a role created here). */
  readonly arn: string;
  /** Adds one statement to the role's inline policy (merged with an identical one). */
  addGrant(grant: Grant): void;
}
