import type { Rule } from '../../model.js';
import { D13 } from './d13-cache-mounts-not-exported.js';
import { D14 } from './d14-cache-mode-min.js';
import { D15 } from './d15-gha-cache-scope.js';
import { D16 } from './d16-docker-driver-cache-export.js';
import { I3 } from './i3-unparsable-ci-file.js';

/**
 * Rules that read both GitHub workflows and .gitlab-ci.yml: I3 (a CI file doctor cannot analyse) and
 * D13-D16, buildx cache export mistakes found in the build steps of either.
 */
export const ciRules: readonly Rule[] = [I3, D13, D14, D15, D16];
