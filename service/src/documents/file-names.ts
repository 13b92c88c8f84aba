/** File names for exported documents: invoices by number, people by name (never a patient, never a TIN). */

/** A name that every file system takes: no path separators, reserved or control characters; letters of any script kept. */
export function safeFileName(text: string, maxLength = 80): string {
  const cleaned = text
    .normalize('NFC')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes
    .replace(/[\u0000-\u001f\u007f/\\:*?"<>|]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '');
  const cut = [...cleaned].slice(0, maxLength).join('').trim();
  return cut === '' ? 'unnamed' : cut;
}

/** Names made unique in order: the second "Dana Lee" becomes "Dana Lee (2)". */
export function uniqueNames(names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((name) => {
    const key = name.toLowerCase();
    const count = (seen.get(key) ?? 0) + 1;
    seen.set(key, count);
    return count === 1 ? name : `${name} (${count})`;
  });
}
