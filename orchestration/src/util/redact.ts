/** Connection URLs carry passwords; anything that may be logged or stored goes through here first. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
  }
}

/** Removes every occurrence of the given secrets from a message. */
export function scrubSecrets(message: string, secrets: readonly (string | undefined)[]): string {
  let scrubbed = message;
  for (const secret of secrets) {
    if (secret && secret.length >= 3) scrubbed = scrubbed.split(secret).join('***');
  }
  return scrubbed;
}
