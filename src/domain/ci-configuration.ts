import { pathPattern } from "./path-pattern.ts";

/**
 * Files that make a code host, a CI service or a hosting platform run something as soon as a
 * branch is pushed (or its pull request opened), with the repository's secrets: pipeline
 * definitions, the local actions and scripts they name, and build settings of platforms that
 * build every branch. A branch that changes one is not pushed by Threadwork; a person reviews
 * and pushes it (see SECURITY.md). Matched without regard to case, `.yml` and `.yaml` alike.
 * A repository adds its own with `pipelineFiles` in the configuration file.
 */
const ciConfigurationPaths: RegExp[] = [
  // GitHub Actions, and Gitea and Forgejo Actions, which read the same files.
  /^\.github$/i,
  /^\.github\/(workflows|actions)(\/|$)/i,
  /^\.(gitea|forgejo)(\/(workflows|actions)(\/|$)|$)/i,
  // GitLab CI.
  /^\.gitlab-ci\.ya?ml$/i,
  /^\.gitlab\/ci(\/|$)/i,
  // Hosted CI services.
  /^\.circleci(\/|$)/i,
  /^\.travis\.ya?ml$/i,
  /(^|\/)azure-pipelines[^/]*\.ya?ml$/i,
  /^\.(azure-pipelines|azuredevops|pipelines)(\/|$)/i,
  /^bitbucket-pipelines\.ya?ml$/i,
  /^\.buildkite(\/|$)/i,
  /^\.?buildkite\.(ya?ml|json)$/i,
  /^\.drone\.(ya?ml|jsonnet|star)$/i,
  /^\.woodpecker(\.ya?ml$|\/|$)/i,
  /^\.cirrus\.(ya?ml|star)$/i,
  /^\.?appveyor\.ya?ml$/i,
  /^\.semaphore(\/|$)/i,
  /^\.?bitrise\.ya?ml$/i,
  /^codemagic\.ya?ml$/i,
  /(^|\/)codefresh[^/]*\.ya?ml$/i,
  /^\.codefresh(\/|$)/i,
  /^wercker\.ya?ml$/i,
  /^screwdriver\.ya?ml$/i,
  /^shippable\.ya?ml$/i,
  /^\.?buddy(\.ya?ml$|\/|$)/i,
  /^\.build\.ya?ml$/i,
  /^\.builds(\/|$)/i,
  /^\.onedev-buildspec\.ya?ml$/i,
  /^\.taskcluster\.ya?ml$/i,
  /^\.scrutinizer\.ya?ml$/i,
  /^\.zuul\.ya?ml$/i,
  /^\.?zuul\.d(\/|$)/i,
  /^\.gitpod\.ya?ml$/i,
  /^\.devcontainer(\.json$|\/|$)/i,
  /^\.readthedocs\.ya?ml$/i,
  /^ci_scripts(\/|$)/i,
  // Cloud build services: a trigger may name any path, these are the names they look for.
  /(^|\/)cloudbuild[^/]*\.(ya?ml|json)$/i,
  /(^|\/)buildspec[^/]*\.ya?ml$/i,
  /^amplify\.ya?ml$/i,
  /^apprunner\.ya?ml$/i,
  /^apphosting[^/]*\.ya?ml$/i,
  // Self-hosted and pipeline-as-code servers.
  /(^|\/)jenkinsfile([.-][^/]*)?$/i,
  /\.jenkinsfile$/i,
  /^\.jenkins(\/|$)/i,
  /^jenkins-x\.ya?ml$/i,
  /^\.lighthouse(\/|$)/i,
  /^\.tekton(\/|$)/i,
  /^\.harness(\/|$)/i,
  /^\.teamcity(\/|$)/i,
  /^bamboo-specs(\/|$)/i,
  /(^|\/)[^/]*\.gocd\.(ya?ml|json)$/i,
  /^\.gocd(\/|$)/i,
  /^\.?concourse(\/|$)/i,
  /^ci\/(pipelines?|tasks)(\.ya?ml$|\/|$)/i,
  /^atlantis\.ya?ml$/i,
  /(^|\/)earthfile$/i,
  /^dagger\.json$/i,
  /^\.dagger(\/|$)/i,
  // Hosting platforms that build and deploy branches or pull requests from the repository's settings.
  /^netlify\.toml$/i,
  /^(vercel|now)\.json$/i,
  /^render\.ya?ml$/i,
  /^fly\.toml$/i,
  /^(app\.json|heroku\.ya?ml|procfile)$/i,
  /^railway\.(json|toml)$/i,
  /^wrangler\.(toml|jsonc?)$/i,
  /^\.do(\/|$)/i,
];

/** Whether a path (relative to the repository's root) is a pipeline file, built in or `extra`. */
export function isCiConfigurationPath(path: string, extra: readonly RegExp[] = []): boolean {
  return [...ciConfigurationPaths, ...extra].some((pattern) => pattern.test(path));
}

/**
 * Why a branch with these changed paths must not be pushed without a person, or undefined.
 * `pipelineFiles` are the repository's own patterns (see `pathPattern`), on top of the built-in list.
 */
export function ciPushRefusal(
  changedPaths: readonly string[],
  pipelineFiles: readonly string[] = [],
): string | undefined {
  const extra = pipelineFiles.map(pathPattern);
  const touched = changedPaths.filter((path) => isCiConfigurationPath(path, extra));
  if (touched.length === 0) return undefined;
  const shown =
    touched.slice(0, 5).join(", ") + (touched.length > 5 ? ` and ${touched.length - 5} more` : "");
  return (
    `not pushed: the branch changes CI configuration (${shown}), which the code host would run with the ` +
    "repository's secrets as soon as it is pushed. A person must review and push this branch."
  );
}
