/** Pure helpers of the Fastify plugin. */

/** The oldest Fastify this plugin reads route templates from (`request.routeOptions` came in 4.10). */
export const MIN_FASTIFY_VERSION = '4.10.0';

/**
 * Whether a Fastify version has what the plugin reads: `request.routeOptions`
 * (4.10 and later). An unknown version is given the benefit of the doubt.
 */
export function isSupportedFastify(version: string | undefined): boolean {
  if (version === undefined) return true;
  const match = /^(\d+)\.(\d+)/.exec(version);
  if (match === null) return true;
  const major = Number(match[1]);
  const minor = Number(match[2]);
  return major > 4 || (major === 4 && minor >= 10);
}
