/**
 * What a terminal shows after a byte stream, for the few controls cdktf's spinner uses
 * (ink's log-update: erase line, cursor up, column 1) and SGR colours, which are dropped.
 * Enough to tell whether a line written between spinner frames survives the next frame.
 */
export function screenOf(stream: string): string[] {
  const lines: string[] = [""];
  let row = 0;
  let col = 0;
  const put = (ch: string) => {
    const line = lines[row].padEnd(col, " ");
    lines[row] = line.slice(0, col) + ch + line.slice(col + 1);
    col++;
  };
  for (let i = 0; i < stream.length; i++) {
    const ch = stream[i];
    if (ch === "\x1b") {
      const m = /^\x1b(?:\[([?\d;]*)([A-Za-z])|[()][A-Z0-9])/.exec(stream.slice(i));
      if (!m) continue;
      i += m[0].length - 1;
      const n = Number(m[1] || "1");
      if (m[2] === "A") row = Math.max(0, row - n);
      else if (m[2] === "K") lines[row] = m[1] === "0" || m[1] === "" || m[1] === undefined ? lines[row].slice(0, col) : "";
      else if (m[2] === "G") col = n - 1;
      else if (m[2] === "J" && (m[1] === "2" || m[1] === "3")) lines.splice(0, lines.length, ...lines.map(() => ""));
      else if (m[2] === "H") row = col = 0;
      continue;
    }
    if (ch === "\r") col = 0;
    else if (ch === "\n") {
      row++;
      col = 0;
      if (row === lines.length) lines.push("");
    } else put(ch);
  }
  return lines.map((l) => l.trimEnd());
}
