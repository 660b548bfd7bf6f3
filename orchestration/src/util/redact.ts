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

/**
 * Free text (an error message, a dbt message) may quote a connection string, and no secret list is at
 * hand where it is passed on: masks the password of every URL in it and every `password=…` setting
 * (libpq key/value form). Over-masking a URL that only looks like it has a password is fine.
 */
export function redactSecretsInText(text: string): string {
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):\S*@/gi, '$1:***@')
    .replace(/\b(password|passwd|pwd)(\s*[=:]\s*)('[^']*'|"[^"]*"|[^\s;&,]+)/gi, '$1$2***');
}
