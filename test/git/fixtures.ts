import { GitFixture } from '../helpers/git-fixture.js';

const goMod = (path: string, go = '1.20', extra = '') => `module ${path}\n\ngo ${go}\n${extra}`;

/**
 * The repositories every git-source test resolves against, one per family of rules, all under github.com so
 * both go (through url.insteadOf) and modgate reach them without discovery. Returns the commit hashes the
 * cases refer to.
 */
export async function buildFixtures(root: string): Promise<Record<string, string>> {
  const hashes: Record<string, string> = {};

  // Tags and queries: lightweight and annotated tags, a prerelease, odd tags, branches, untagged commits.
  const widget = await GitFixture.create(root, 'github.com/acme/widget');
  await widget.commit('v1.0.0', {
    files: { 'go.mod': goMod('github.com/acme/widget'), 'widget.go': 'package widget\n' },
  });
  await widget.tag('v1.0.0');
  await widget.tag('v1.0.0-pre+build');
  // A maintenance branch whose name JSON output must escape, with a release of its own.
  await widget.branch('maint&1');
  await widget.commit('v1.0.1', { files: { 'widget.go': 'package widget\n\n// 1.0.1\n' } });
  await widget.tag('v1.0.1');
  await widget.checkout('main');
  await widget.commit('v1.1.0', { files: { 'more.go': 'package widget\n\nconst More = 1\n' } });
  await widget.tag('v1.1.0', { annotated: true });
  await widget.tag('v1.1');
  await widget.tag('release-1.1');
  hashes.widgetAfterRelease = await widget.commit('after v1.1.0', {
    files: { 'more.go': 'package widget\n\nconst More = 2\n' },
  });
  await widget.commit('rc', { files: { 'rc.go': 'package widget\n' } });
  await widget.tag('v1.2.0-rc.1');
  hashes.widgetAfterRc = await widget.commit('after rc', {
    files: { 'rc.go': 'package widget\n\n// after rc\n' },
  });
  await widget.tag('v1.9.0-0.20200101000000-abcdefabcdef');
  await widget.branch('feature');
  hashes.widgetFeature = await widget.commit('feature', { files: { 'feature.go': 'package widget\n' } });
  await widget.tag('v1.2.3+meta');
  await widget.checkout('main');
  await widget.publish();

  // Subdirectory modules, a /v2 subdirectory, vendoring, attributes, symlinks, gitlinks, the root LICENSE.
  const multi = await GitFixture.create(root, 'github.com/acme/multi');
  await multi.commit('layout', {
    files: {
      'go.mod': goMod('github.com/acme/multi'),
      LICENSE: 'root license\n',
      'multi.go': 'package multi\n',
      'notes.txt': 'line one\nline two\n',
      'id.txt': '$Id$\n',
      '.gitattributes': '*.txt eol=crlf\nid.txt ident\n',
      'vendor/modules.txt': '# example.com/dep v1.0.0\n',
      'vendor/top.go': 'package vendor\n',
      'vendor/example.com/dep/dep.go': 'package dep\n',
      'pkg/vendor/inner.go': 'package vendor\n',
      'sub/go.mod': goMod('github.com/acme/multi/sub'),
      'sub/sub.go': 'package sub\n',
      'sub/notes.txt': 'sub one\nsub two\n',
      'nested/GO.MOD': 'module github.com/acme/multi/nested\n',
      'nested/n.go': 'package nested\n',
      'v2/go.mod': goMod('github.com/acme/multi/v2'),
      'v2/v2.go': 'package multi\n',
      'v2/LICENSE': 'v2 license\n',
    },
    symlinks: { passwd: '/etc/passwd', 'sub/up': '../LICENSE' },
    gitlinks: { 'third_party/lib': '0123456789abcdef0123456789abcdef01234567' },
  });
  await multi.tag('v1.0.0');
  await multi.tag('sub/v1.0.0');
  await multi.tag('v2.0.0');
  hashes.multiSubNext = await multi.commit('sub change', {
    files: { 'sub/sub.go': 'package sub\n\n// next\n' },
  });
  await multi.publish();

  // No go.mod anywhere: synthesized go.mod and +incompatible majors.
  const legacy = await GitFixture.create(root, 'github.com/acme/legacy');
  await legacy.commit('v1', { files: { 'legacy.go': 'package legacy\n' } });
  await legacy.tag('v1.0.0');
  await legacy.commit('v2', { files: { 'legacy.go': 'package legacy\n\n// v2\n' } });
  await legacy.tag('v2.0.0');
  await legacy.commit('v2.1', { files: { 'legacy.go': 'package legacy\n\n// v2.1\n' } });
  await legacy.tag('v2.1.0');
  hashes.legacyHead = await legacy.commit('after v2.1', {
    files: { 'legacy.go': 'package legacy\n\n// head\n' },
  });
  await legacy.publish();

  // A major version on the main branch: go.mod says /v2 from v2.0.0 on.
  const major = await GitFixture.create(root, 'github.com/acme/major');
  await major.commit('v1', {
    files: { 'go.mod': goMod('github.com/acme/major'), 'm.go': 'package major\n' },
  });
  await major.tag('v1.0.0');
  await major.commit('v2', { files: { 'go.mod': goMod('github.com/acme/major/v2') } });
  await major.tag('v2.0.0');
  await major.commit('v2.1', { files: { 'm.go': 'package major\n\n// v2.1\n' } });
  await major.tag('v2.1.0', { annotated: true });
  hashes.majorHead = await major.commit('head', { files: { 'm.go': 'package major\n\n// head\n' } });
  await major.publish();

  // Retractions in the latest go.mod decide @latest and @v1.
  const retracted = await GitFixture.create(root, 'github.com/acme/retracted');
  await retracted.commit('v1.0.0', {
    files: { 'go.mod': goMod('github.com/acme/retracted'), 'r.go': 'package r\n' },
  });
  await retracted.tag('v1.0.0');
  await retracted.commit('v1.1.0', { files: { 'r.go': 'package r\n\n// 1.1\n' } });
  await retracted.tag('v1.1.0');
  await retracted.commit('v1.2.0', {
    files: {
      'go.mod': goMod(
        'github.com/acme/retracted',
        '1.20',
        '\nretract (\n\tv1.1.0 // broken\n\t[v1.2.0, v1.2.9]\n)\n',
      ),
    },
  });
  await retracted.tag('v1.2.0');
  await retracted.publish();

  // No tags at all: every answer is a pseudo-version.
  const untagged = await GitFixture.create(root, 'github.com/acme/untagged');
  await untagged.commit('one', {
    files: { 'go.mod': goMod('github.com/acme/untagged'), 'u.go': 'package u\n' },
  });
  hashes.untaggedHead = await untagged.commit('two', { files: { 'u.go': 'package u\n\n// two\n' } });
  await untagged.publish();

  // A go.mod that names another module.
  const impostor = await GitFixture.create(root, 'github.com/acme/impostor');
  await impostor.commit('other', { files: { 'go.mod': goMod('example.com/other'), 'i.go': 'package i\n' } });
  await impostor.tag('v1.0.0');
  await impostor.publish();

  // Rarer layouts: a go.mod that attributes convert, a LICENSE symlink, modules go must refuse.
  const odd = await GitFixture.create(root, 'github.com/acme/odd');
  await odd.commit('layout', {
    files: {
      '.gitattributes': '*.mod text eol=crlf\n',
      'go.mod': goMod('github.com/acme/odd'),
      'odd.go': 'package odd\n',
      LICENSE: 'odd license\n',
      'linked/go.mod': goMod('github.com/acme/odd/linked'),
      'linked/l.go': 'package linked\n',
      'nomod/n.go': 'package nomod\n',
      'both/go.mod': goMod('github.com/acme/odd/both/v2'),
      'both/v2/go.mod': goMod('github.com/acme/odd/both/v2'),
      'wrongv2/go.mod': goMod('github.com/acme/odd/wrongv2'),
      'wrongv2/v2/go.mod': goMod('github.com/acme/odd/wrongv2/v3'),
    },
    symlinks: { 'linked/LICENSE': '../LICENSE' },
  });
  for (const tag of ['v1.0.0', 'linked/v1.0.0', 'nomod/v1.0.0', 'both/v2.0.0', 'wrongv2/v2.0.0'])
    await odd.tag(tag);
  await odd.publish();

  return hashes;
}
