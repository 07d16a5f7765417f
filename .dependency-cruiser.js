/*
 * Layers point down only, and no import cycle (npm run layers, part of npm run lint).
 * Each folder may import itself and the folders listed for it; node's modules and packages
 * are not restricted here. Type-only imports count: a type from a layer above is a
 * dependency on it. Tests (__tests__/) may import anything.
 *
 *   bin, cli, scripts,   the commands and developer tools (bin/ starts the command line
 *   bench                with scripts/bundle.js): anything below them
 *   main.ts              app, config
 *   index.ts             modules (the library's front door: constructs and their props)
 *   app                  stacks, config; report (the CI role policies it writes beside the
 *                        stacks) and module constants (the folder they go in)
 *   stacks               modules, config
 *   modules              modules only (a module that needs a constant owns it)
 *   policy               modules (constants)
 *   report               modules (constants), policy (its reading of synthesized stacks),
 *                        config (the configuration a report is for)
 *   doctor               modules (constants, types), config (the configuration it checks), and
 *                        report/gitlab-api.ts only (the GitLab REST helper with the plan
 *                        report's timeout and retry rules); only bin/cli/scripts import doctor
 *   config               modules/core/rules only (pure rules config and modules both apply to
 *                        the same text: AWS names, role references, the sync connection ARN)
 *   modules/core/rules   nothing of ours (so config, importing it, imports nothing above it)
 *   lambda               nothing of ours (deployed on its own)
 */
"use strict";

/** Files matching `from` may import, among our sources, only the folders `allowed`. */
function layer(name, from, allowed, comment) {
  return {
    name,
    comment,
    severity: "error",
    from: { path: from },
    to: { dependencyTypes: ["local"], pathNot: `^(${allowed.map((f) => `${f}/`).join("|")}|node_modules/|package\\.json$)` },
  };
}

module.exports = {
  forbidden: [
    layer(
      "config-imports-nothing-above",
      "^config/",
      ["config", "modules/core/rules"],
      "config/ is read by the layers above it and imports none of them (LAYOUT.md); the pure rules it shares with modules/ are a leaf",
    ),
    layer(
      "core-rules-are-a-leaf",
      "^modules/core/rules/",
      ["modules/core/rules"],
      "modules/core/rules/ holds pure rules that config/ and modules/ share: it imports nothing of ours",
    ),
    layer(
      "modules-import-modules-only",
      "^modules/",
      ["modules"],
      "a module imports modules and provider bindings only: never config/, policy/, stacks/, report/ or app/",
    ),
    layer("stacks-compose-modules-and-config", "^stacks/", ["stacks", "modules", "config"], "stacks/ is composition: modules wired from the config"),
    layer("app-below-cli", "^app/", ["app", "stacks", "config", "report", "modules"], "app/ is process plumbing under the commands"),
    layer("policy-reads-synthesized-json", "^policy/", ["policy", "modules"], "policy rules read synthesized JSON and may import module constants"),
    layer("report-reads-synthesized-json", "^report/", ["report", "modules", "policy", "config"], "reports read synthesized JSON and the configuration"),
    {
      name: "doctor-reads-live-state",
      comment: "doctor/ holds live checks and thin clients: it imports modules (constants), config, and the GitLab REST helper of report/",
      severity: "error",
      from: { path: "^doctor/" },
      to: { dependencyTypes: ["local"], pathNot: "^(doctor/|modules/|config/|report/gitlab-api\\.ts$|node_modules/|package\\.json$)" },
    },
    {
      name: "only-commands-import-doctor",
      comment: "doctor/ is called by the command line only (cli/, and scripts/doctor.ts that it loads)",
      severity: "error",
      from: { pathNot: "^(doctor|cli|scripts|__tests__)/" },
      to: { dependencyTypes: ["local"], path: "^doctor/" },
    },
    layer("main-hands-over-to-app", "^main\\.ts$", ["app", "config"], "main.ts reads the configuration and hands over to app/"),
    layer("index-exports-modules", "^index\\.ts$", ["modules"], "index.ts, the library's front door, exports constructs from modules/ only"),
    layer("lambda-stands-alone", "^lambda/", ["lambda"], "lambda/ is deployed to AWS on its own"),
    {
      name: "modules-take-concepts-not-the-yaml",
      comment: "constructs take the concepts they need, not the YAML's zod types: modules/ (and index.ts) never import zod",
      severity: "error",
      from: { path: "^(modules/|index\\.ts$)" },
      to: { path: "^(node_modules/)?zod(/|$)" },
    },
    {
      name: "no-upward-into-commands",
      comment: "bin/, cli/, scripts/ and bench/ are the top: nothing below imports them",
      severity: "error",
      from: { pathNot: "^(bin|cli|scripts|bench|__tests__)/" },
      to: { dependencyTypes: ["local"], path: "^(cli|scripts|bench)/" },
    },
    {
      name: "no-circular",
      comment: "no import cycle, type-only imports included",
      severity: "error",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|lib|__tests__|examples|schema|\\.build|\\.tf-check|cdktf\\.out|\\.cdktf\\.out)" },
  },
};
