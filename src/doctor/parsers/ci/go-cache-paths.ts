/**
 * Which Go cache a CI cache path holds. CI files name these directories in many ways (`~/go/pkg/mod`,
 * `/go/pkg/mod`, `$GOPATH/pkg/mod`, `${{ steps.go-env.outputs.gomodcache }}`, `.go/cache`), so the match is
 * on the parts that identify them rather than on exact paths.
 */
export type GoCacheKind = 'modcache' | 'buildcache';

export function goCacheKind(path: string): GoCacheKind | undefined {
  if (/pkg[/\\]mod|gomodcache/i.test(path)) return 'modcache';
  if (/go-build|gocache|\.go[/\\]cache/i.test(path)) return 'buildcache';
  return undefined;
}
