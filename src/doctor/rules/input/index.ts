import type { Rule } from '../../model.js';
import { I1, I2 } from './unreadable.js';

export const inputRules: readonly Rule[] = [I1, I2];
