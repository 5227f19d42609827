/*
 * render-text.c: the plain-text back-end (render-text.h).
 */
#include "render-text.h"

#include <stdlib.h>
#include <string.h>

#include "layout.h"
#include "width.h"
#include "xalloc.h"

struct render_text_cell {
	unsigned		 c;	/* a code point */
	struct render_style	 style;
};

struct render_text {
	int			 width, height;
	struct render_text_cell	*cells;
	char			*frame;
};

struct render_text *
render_text_new(void)
{
	return xcalloc(1, sizeof(struct render_text));
}

void
render_text_free(struct render_text **tp)
{
	if (tp == NULL || *tp == NULL)
		return;
	free((*tp)->cells);
	free((*tp)->frame);
	free(*tp);
	*tp = NULL;
}

static struct render_text_cell *
render_text_at(struct render_text *t, int x, int y)
{
	if (x < 0 || y < 0 || x >= t->width || y >= t->height)
		return NULL;
	return &t->cells[(size_t)y * (size_t)t->width + (size_t)x];
}

static void
render_text_begin(void *ctx, int width, int height)
{
	struct render_text *t = ctx;

	t->width = width > 0 ? width : 0;
	t->height = height > 0 ? height : 0;
	free(t->cells);
	t->cells = xcalloc((size_t)t->width * (size_t)t->height + 1,
	    sizeof *t->cells);
	for (int i = 0; i < t->width * t->height; i++)
		t->cells[i].c = ' ';
}

static void
render_text_fill(void *ctx, struct render_rect r, struct render_style style)
{
	struct render_text_cell *cell;

	for (int y = r.y; y < r.y + r.h; y++)
		for (int x = r.x; x < r.x + r.w; x++)
			if ((cell = render_text_at(ctx, x, y)) != NULL) {
				cell->c = ' ';
				cell->style = style;
			}
}

/* The code point at *s, moving *s past it; a bad byte reads as '?'. */
static unsigned
render_text_decode(const char **s)
{
	const unsigned char *p = (const unsigned char *)*s;
	unsigned c = *p, n = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;

	if (c >= 0x80 && c < 0xc0) {
		(*s)++;
		return '?';
	}
	c &= n == 0 ? 0x7f : 0x3f >> n;
	for (unsigned i = 1; i <= n; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			*s += i;
			return '?';
		}
		c = c << 6 | (p[i] & 0x3f);
	}
	*s += n + 1;
	return c;
}

static void
render_text_text(void *ctx, int x, int y, const char *s,
    struct render_style style)
{
	struct render_text_cell *cell;

	while (*s != '\0') {
		unsigned c = render_text_decode(&s);
		int w = width_codepoint(c);

		/* A mark that takes no cell is left out of the frame; a wide
		 * character's second cell holds 0, written as nothing. */
		for (int i = 0; i < w; i++)
			if ((cell = render_text_at(ctx, x + i, y)) != NULL) {
				cell->c = i == 0 ? c : 0;
				cell->style = style;
			}
		x += w;
	}
}

static void
render_text_big(void *ctx, struct render_rect r, const char *text,
    const struct render_big *how, struct render_style style)
{
	const char *piece;

	for (int y = 0; y < r.h; y++) {
		for (int x = 0; x < r.w; x++) {
			piece = layout_big_cell(text, how, x, y);
			render_text_text(ctx, r.x + x, r.y + y, piece, style);
		}
	}
}

/* Append code point c to out as UTF-8; returns the bytes written. */
static size_t
render_text_encode(unsigned c, char *out)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xc0 | c >> 6);
		out[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xe0 | c >> 12);
		out[1] = (char)(0x80 | (c >> 6 & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | c >> 18);
	out[1] = (char)(0x80 | (c >> 12 & 0x3f));
	out[2] = (char)(0x80 | (c >> 6 & 0x3f));
	out[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

static void
render_text_end(void *ctx)
{
	struct render_text *t = ctx;
	size_t o = 0, line_end;

	free(t->frame);
	t->frame = xmalloc((size_t)t->width * (size_t)t->height * 4 +
	    (size_t)t->height + 1);
	for (int y = 0; y < t->height; y++) {
		line_end = o;
		for (int x = 0; x < t->width; x++) {
			if (render_text_at(t, x, y)->c != 0)
				o += render_text_encode(render_text_at(t, x,
				    y)->c, t->frame + o);
			if (render_text_at(t, x, y)->c != ' ')
				line_end = o;
		}
		o = line_end;
		t->frame[o++] = '\n';
	}
	t->frame[o] = '\0';
}

const struct render_ops *
render_text_ops(void)
{
	static const struct render_ops ops = {
		.begin = render_text_begin,
		.fill = render_text_fill,
		.text = render_text_text,
		.big = render_text_big,
		.end = render_text_end,
	};

	return &ops;
}

const char *
render_text_frame(struct render_text *t)
{
	return t->frame ? t->frame : "";
}

struct render_style
render_text_style(const struct render_text *t, int x, int y)
{
	struct render_style none = { RENDER_DEFAULT, RENDER_DEFAULT, 0 };

	if (x < 0 || y < 0 || x >= t->width || y >= t->height)
		return none;
	return t->cells[(size_t)y * (size_t)t->width + (size_t)x].style;
}

unsigned
render_text_char(const struct render_text *t, int x, int y)
{
	if (x < 0 || y < 0 || x >= t->width || y >= t->height)
		return ' ';
	return t->cells[(size_t)y * (size_t)t->width + (size_t)x].c;
}
