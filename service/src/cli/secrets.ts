/**
 * Secrets the CLI is given: from the environment or standard input, where `ps` and the shell's
 * history do not keep them. A flag still works for scripts that pass one, with a warning.
 */
import { UsageError } from './output.ts';

export type SecretSource = {
  /** The flag's value, when the caller passed one. */
  flag: string | undefined;
  flagName: string;
  /** The environment variable's value (from the settings). */
  env: string | undefined;
  envName: string;
};

/** The flag's value (warned about), else the environment's, else undefined: the caller reads stdin then. */
export function secretFromFlagOrEnv(source: SecretSource, warn: (line: string) => void): string | undefined {
  if (source.flag !== undefined) {
    warn(
      `warning: ${source.flagName} leaves the secret in the process list and the shell history; set ${source.envName} or pipe it on standard input instead`,
    );
    return source.flag;
  }
  return source.env === undefined || source.env === '' ? undefined : source.env;
}

/**
 * Lines from standard input, one per secret asked for: piped (`printf '%s\n' "$KEY" | ...`) or
 * typed at a terminal, where nothing typed is echoed.
 */
export async function readSecretLines(
  input: NodeJS.ReadStream,
  prompts: readonly string[],
  ask: (prompt: string) => void,
): Promise<string[]> {
  if (input.isTTY) {
    const lines: string[] = [];
    for (const prompt of prompts) {
      ask(prompt);
      lines.push(await readHiddenLine(input));
      ask('\n');
    }
    return lines;
  }
  let text = '';
  for await (const chunk of input) text += String(chunk);
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  const given = lines.slice(0, prompts.length);
  const missing = prompts.findIndex((_, i) => !given[i]);
  if (missing >= 0) throw new UsageError(`standard input gave no line for: ${prompts[missing]!.replace(/:\s*$/, '')} (one secret a line)`);
  return given;
}

/** One line typed at a terminal, not echoed. */
function readHiddenLine(input: NodeJS.ReadStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let line = '';
    input.setRawMode(true);
    input.resume();
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') return done(null);
        if (char === '\u0003') return done(new UsageError('interrupted'));
        if (char === '\u007f' || char === '\b') line = line.slice(0, -1);
        else line += char;
      }
    };
    const done = (error: Error | null) => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      if (error) reject(error);
      else resolve(line.trim());
    };
    input.on('data', onData);
  });
}
