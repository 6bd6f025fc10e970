// Everything the CLI prints may carry text from the wire (a host's cpu_model, host_type, function
// names, error strings). A control character there could clear the screen, retitle the terminal
// (ESC ] 0;...) or forge output, so every byte the CLI writes passes through `terminalSafe`, which
// shows control characters as visible \u escapes. Only `CliIo.control` (the watch redraw) writes
// escape sequences, and only ones the CLI made itself.

// C0 controls except newline and tab, DEL and C1 controls.

const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
