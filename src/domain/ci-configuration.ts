/**
 * Files that make a code host run something as soon as a branch is pushed, with the
 * repository's secrets: CI workflows and the local actions they call. A branch that changes
 * one is not pushed by Threadwork; a person reviews and pushes it (see SECURITY.md).
 */
const ciConfigurationPaths: RegExp[] = [
  /^\.github$/i,
  /^\.github\/(workflows|actions)(\/|$)/i,
  /^\.gitlab-ci\.ya?ml$/i,
  /^\.gitlab\/ci(\/|$)/i,
  /^\.circleci(\/|$)/i,
  /^\.buildkite(\/|$)/i,
  /^\.travis\.ya?ml$/i,
  /^\.drone\.ya?ml$/i,
  /^\.woodpecker(\.ya?ml$|\/|$)/i,
  /^azure-pipelines\.ya?ml$/i,
  /^bitbucket-pipelines\.ya?ml$/i,
  /^jenkinsfile$/i,
];

export function isCiConfigurationPath(path: string): boolean {
  return ciConfigurationPaths.some((pattern) => pattern.test(path));
}

/** Why a branch with these changed paths must not be pushed without a person, or undefined. */
export function ciPushRefusal(changedPaths: readonly string[]): string | undefined {
  const touched = changedPaths.filter(isCiConfigurationPath);
  if (touched.length === 0) return undefined;
  const shown =
    touched.slice(0, 5).join(", ") + (touched.length > 5 ? ` and ${touched.length - 5} more` : "");
  return (
    `not pushed: the branch changes CI configuration (${shown}), which the code host would run with the ` +
    "repository's secrets as soon as it is pushed. A person must review and push this branch."
  );
}
