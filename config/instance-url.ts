/**
 * A self-managed instance URL as AWS CodeConnections hosts take it: https, a host name and
 * an optional port, nothing else. Returns what is wrong and the fix, or undefined.
 */
export function instanceUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a URL; write it as "https://gitlab.example.com"';
  }
  if (parsed.protocol !== "https:") {
    return `uses ${parsed.protocol.replace(/:$/, "")}; CodeConnections hosts need https: write "https://${parsed.host}"`;
  }
  if (parsed.username || parsed.password) return `contains credentials; remove them and write "https://${parsed.host}"`;
  if (parsed.pathname !== "/" || parsed.search || parsed.hash) {
    return `has a path, query or fragment; the host takes the instance root only: write "https://${parsed.host}"`;
  }
  if (url.endsWith("/")) return `ends with "/"; write "https://${parsed.host}"`;
  return undefined;
}

/** Host name and port of a valid instance URL. */
export function instanceHost(url: string): { hostname: string; port: number } {
  const parsed = new URL(url);
  return { hostname: parsed.hostname, port: parsed.port ? Number(parsed.port) : 443 };
}
