// Rules for text one player shows to others (display names, room props): no control characters
// (NUL, newlines, ANSI escape sequences start with ESC), no bidirectional overrides or isolates
// (they make "evil‮gnp.exe" read as something else), and never only invisible characters (a
// name nobody can see or tell apart). Browser-safe: used by the schemas the client also imports.

/** C0 and C1 control characters, DEL included. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** Bidi embeddings, overrides, isolates and marks. */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
/** Characters that render as nothing (zero-width, fillers, invisible operators) and whitespace. */
const INVISIBLE =
  /[\s\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200d\u2060-\u2064\u3164\ufeff\uffa0]/gu;

/** Why `text` may not be shown to other players, or undefined when it may. */
export function displayTextProblem(text: string): string | undefined {
  if (CONTROL.test(text)) return 'control characters are not allowed';
  if (BIDI.test(text)) return 'bidirectional control characters are not allowed';
  return undefined;
}

/** Like `displayTextProblem`, and a name must also contain something visible. */
export function displayNameProblem(name: string): string | undefined {
  return (
    displayTextProblem(name) ?? (name.replace(INVISIBLE, '') === '' ? 'the name is invisible' : undefined)
  );
}
