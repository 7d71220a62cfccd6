/** The names a repository may have, in `THREADWORK_REPOS` and in the configuration file alike. */
export const repositoryNamePattern = /^[A-Za-z0-9._-]+$/;
/** A name becomes a directory (the mirror, the setup cache): `.`, `..` or `.cache` would be a path. */
export const repositoryNameStart = /^[A-Za-z0-9]/;
export const repositoryNameStartRule =
  'must start with a letter or digit: a name becomes a directory, and ".", ".." or a hidden name would be a path';
