/**
 * Mutated Dockerfiles (characters dropped, repeated or replaced by Dockerfile punctuation) must never make a
 * rule throw: the engine would report that as an "internal error" finding, which this test forbids. The
 * mutations come from a seeded generator, so a failure reproduces. --fix must converge on them too.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EMPTY_CONFIG } from '../../src/doctor/config.js';
import { runRules } from '../../src/doctor/engine.js';
import { fixProject } from '../../src/doctor/fix.js';
import { overlayProject } from '../../src/doctor/project.js';
import { ALL_RULES } from '../../src/doctor/rules/index.js';
import { CASES } from './fixtures.js';
import { project } from './helpers.js';

/** mulberry32: a small deterministic generator. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PUNCTUATION = [
  '\\',
  '\n',
  '$',
  '{',
  '}',
  '"',
  "'",
  '=',
  ',',
  ' ',
  '#',
  '[',
  ']',
  '<<',
  '--mount=',
  ':',
  '/',
];

function mutate(text: string, next: () => number): string {
  let out = text;
  for (let n = 0; n < 1 + Math.floor(next() * 4); n++) {
    const at = Math.floor(next() * (out.length + 1));
    const kind = next();
    if (kind < 0.33) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(next() * 8));
    else if (kind < 0.66)
      out = out.slice(0, at) + PUNCTUATION[Math.floor(next() * PUNCTUATION.length)] + out.slice(at);
    else out = out.slice(0, at) + out.slice(at, at + 12) + out.slice(at);
  }
  return out;
}

describe('mutated Dockerfiles never make a rule throw', () => {
  const seeds = Object.values(CASES)
    .flat()
    .filter((c) => typeof c.files.Dockerfile === 'string');
  test(`${seeds.length * 20} mutations of the fixture Dockerfiles`, () => {
    const next = random(20261124);
    for (const seed of seeds) {
      for (let i = 0; i < 20; i++) {
        const files = { ...seed.files, Dockerfile: mutate(seed.files.Dockerfile as string, next) };
        const view = project(files, seed.options);
        const internal = runRules(view, ALL_RULES, EMPTY_CONFIG).filter((f) =>
          f.message.startsWith('internal error'),
        );
        assert.deepEqual(internal, [], JSON.stringify(files.Dockerfile));
        const fixed = fixProject(view, ALL_RULES, EMPTY_CONFIG);
        assert.deepEqual(fixed.refused, [], JSON.stringify(files.Dockerfile));
        const again = fixProject(overlayProject(view, fixed.changed), ALL_RULES, EMPTY_CONFIG);
        assert.deepEqual(
          [...again.changed.keys()],
          [],
          `fixing twice changed ${JSON.stringify(files.Dockerfile)}`,
        );
      }
    }
  });
});
