/**
 * The one place taskstream hides secrets in addresses before they are printed: the password of every
 * `scheme://user:password@host` in the text becomes `***` (`redis://:***@host`, `http://user:***@host`), and so
 * does the value of a password or token query parameter (`?password=…`, which ioredis also reads). Works on a
 * bare URL and on a message that contains URLs; text without any is returned as it is.
 */
export function maskUrl(text: string): string {
  return (
    text
      // The password runs to the last `@` before the host (an unencoded `@` in it is still the password's).
      .replace(/\b([a-z][a-z0-9+.-]*:\/\/[^\s:@/]*):[^\s/]*@/gi, '$1:***@')
      .replace(/([?&](?:password|pass|pwd|token|access_token|secret)=)[^&#\s]*/gi, '$1***')
  );
}
