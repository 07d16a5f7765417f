import { branchNameProblem, projectPathProblem } from "../../config/git-names";

describe("names git and GitLab accept are not refused", () => {
  test.each(["main", "release/1.2", "feature/JIRA-12_x", "v1.0.0-rc1", "user@host"])("branch %s", (name) => {
    expect(branchNameProblem(name)).toBeUndefined();
  });

  test.each(["acme/app", "acme/platform/payments-api", "Acme_Corp/my.app", "a/b/c/d/e/f"])("project path %s", (path) => {
    expect(projectPathProblem(path)).toBeUndefined();
  });

  test.each([
    ["-x", 'starts with "-"'],
    ["a/", 'starts or ends with "/"'],
    ["a.", 'ends with "."'],
    ["a//b", 'contains "//"'],
    ["a@{b", 'contains "@{"'],
    ["a/.hidden", 'has a component ".hidden" that starts with "."'],
    ["@", 'is "@", which git reserves'],
    ["a~1", "contains a space, a control character or one of ~ ^ : ? * [ \\"],
  ])("branch %s is refused: %s", (name, reason) => {
    expect(branchNameProblem(name)).toBe(reason);
  });

  test("a segment GitLab would reject is named", () => {
    expect(projectPathProblem("acme/-app")).toEqual([
      'has the segment "-app" that GitLab would reject',
      "use letters, digits, '_', '-' and '.', not starting with '-' or '.'",
    ]);
  });
});
