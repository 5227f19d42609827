"""Read a wallboard screen the way a person does (tests/display).

    screen.py FILE      print each tile's label and the figure it shows

A tile is a box (┌ label ... window ┐ ... └ ┘, or + - | in ASCII). Its figure
is either text or big digits drawn in block elements (█ ▀ ▄ or #); big
digits are read back into text with the font below, an independent copy of
draw/layout.c's: if the two ever disagree, the screen test says so.
"""
import sys

FONT = {
    "0": ["###", "#.#", "#.#", "#.#", "###"],
    "1": [".#.", "##.", ".#.", ".#.", "###"],
    "2": ["###", "..#", "###", "#..", "###"],
    "3": ["###", "..#", ".##", "..#", "###"],
    "4": ["#.#", "#.#", "###", "..#", "..#"],
    "5": ["###", "#..", "###", "..#", "###"],
    "6": ["###", "#..", "###", "#.#", "###"],
    "7": ["###", "..#", "..#", ".#.", ".#."],
    "8": ["###", "#.#", "###", "#.#", "###"],
    "9": ["###", "#.#", "###", "..#", "###"],
    "%": ["#.#", "..#", ".#.", "#..", "#.#"],
    ":": [".", "#", ".", "#", "."],
    ".": [".", ".", ".", ".", "#"],
    "-": ["...", "...", "###", "...", "..."],
    "h": ["#..", "#..", "###", "#.#", "#.#"],
}
# Each cell as (top pixel, bottom pixel): half blocks hold two rows.
HALF = {"█": (1, 1), "▀": (1, 0), "▄": (0, 1), " ": (0, 0)}
CORNERS = ("┌", "+")


def pixels(rows, half):
    """Cells to a bitmap: two rows per cell for half blocks, one for '#'."""
    out = []
    for line in rows:
        if half:
            top = [HALF.get(c, (0, 0))[0] for c in line]
            bottom = [HALF.get(c, (0, 0))[1] for c in line]
            out += [top, bottom]
        else:
            out.append([1 if c in "#█" else 0 for c in line])
    return out


def runs(values):
    """Lengths of the runs of 1s in a list."""
    lengths, n = [], 0
    for v in values + [0]:
        if v:
            n += 1
        elif n:
            lengths.append(n)
            n = 0
    return lengths


def gcd_all(values):
    from math import gcd
    g = 0
    for v in values:
        g = gcd(g, v)
    return g


def decode(bitmap):
    """The text big digits spell, or None if they are not in the font."""
    set_rows = [y for y, row in enumerate(bitmap) if any(row)]
    if not set_rows:
        return None
    width = len(bitmap[0])
    set_cols = [x for x in range(width) if any(r[x] for r in bitmap)]
    y0, y1 = set_rows[0], set_rows[-1] + 1
    x0, x1 = set_cols[0], set_cols[-1] + 1
    lengths = []
    for row in bitmap[y0:y1]:
        lengths += runs(row[x0:x1])
    for x in range(x0, x1):
        lengths += runs([row[x] for row in bitmap[y0:y1]])
    scale = gcd_all(lengths) or 1
    if (y1 - y0) != 5 * scale:
        return None
    small = [[bitmap[y][x] for x in range(x0, x1, scale)]
             for y in range(y0, y1, scale)]
    text, x, w = "", 0, len(small[0])
    while x < w:
        if not any(r[x] for r in small):
            x += 1
            continue
        start = x
        while x < w and any(r[x] for r in small):
            x += 1
        glyph = ["".join("#" if r[i] else "." for i in range(start, x))
                 for r in small]
        found = [c for c, g in FONT.items() if g == glyph]
        if not found:
            return None
        text += found[0]
    return text


def tiles(lines):
    """[(label, figure)] for each tile box on the screen."""
    width = max(len(l) for l in lines)
    lines = [l.ljust(width) for l in lines]
    out = []
    for y, line in enumerate(lines):
        for x, c in enumerate(line):
            if c not in CORNERS or x + 1 >= width or line[x + 1] not in "─- ":
                continue
            right = x + 1
            while right < width and line[right] not in "┐+":
                right += 1
            bottom = y + 1
            while bottom < len(lines) and lines[bottom][x] not in "└+":
                bottom += 1
            if right >= width or bottom >= len(lines) or right - x < 4:
                continue
            if lines[y + 1][x] not in "│|":
                continue    # a bottom edge, not a top one
            label = line[x + 1:right].strip("─- ").split("─")[0].split(" -")[0]
            inside = [l[x + 1:right] for l in lines[y + 1:bottom]]
            text = " ".join(" ".join(inside).split())
            half = any(ch in "▀▄█" for ch in text)
            figure = None
            if any(ch in "▀▄█#" for ch in text):
                figure = decode(pixels(inside, half))
            out.append((label.strip(), figure if figure is not None else text))
    return out


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as f:
        for label, figure in tiles(f.read().splitlines()):
            print(f"{label}: {figure}")
