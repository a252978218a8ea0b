import type { Rule } from '../model.js';
import { dockerRules } from './docker/index.js';
import { envRules } from './env/index.js';
import { githubRules } from './github/index.js';
import { gitlabRules } from './gitlab/index.js';
import { inputRules } from './input/index.js';

/** Every rule doctor runs, in report order. Each family owns its own index so families grow independently. */
export const ALL_RULES: readonly Rule[] = [
  ...inputRules,
  ...dockerRules,
  ...githubRules,
  ...gitlabRules,
  ...envRules,
];
