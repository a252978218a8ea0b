import { renderDockerfile, renderDockerignore } from './dockerfile.js';
import { renderGithubWorkflow } from './github.js';
import { renderGitlabCi } from './gitlab.js';
import { binaryName, chooseMain, type InitOptions, moduleSettings } from './options.js';
import type { GoProject } from './project.js';

export const TARGETS = ['docker', 'github', 'gitlab'] as const;
export type Target = (typeof TARGETS)[number];

export interface GeneratedFile {
  /** POSIX path relative to the project root. */
  path: string;
  content: string;
}

/** The files `modgate init <target>` writes for a project, as text; nothing touches the disk here. */
export function generate(target: Target, project: GoProject, options: InitOptions): GeneratedFile[] {
  const settings = moduleSettings(options);
  switch (target) {
    case 'docker': {
      const dir = chooseMain(project, options.main);
      return [
        {
          path: 'Dockerfile',
          content: renderDockerfile(project, settings, { dir, binary: binaryName(project, dir) }),
        },
        { path: '.dockerignore', content: renderDockerignore(project) },
      ];
    }
    case 'github':
      return [{ path: '.github/workflows/go.yml', content: renderGithubWorkflow(project, settings) }];
    case 'gitlab':
      return [{ path: '.gitlab-ci.yml', content: renderGitlabCi(project, settings) }];
  }
}
