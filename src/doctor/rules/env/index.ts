import type { Rule } from '../../model.js';
import { E1, E2 } from './goproxy.js';

export const envRules: readonly Rule[] = [E1, E2];
