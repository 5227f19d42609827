/*
 * fb-trace.c: renderer operations written out in pixels (fb-trace.h).
 */
#include "fb-trace.h"

#include "width.h"

static void
fb_trace_style(FILE *out, struct render_style s)
{
	uint32_t fg, bg;

	render_pixel_style(s, &fg, &bg);
	fprintf(out, " %06x %06x %d", (unsigned)fg, (unsigned)bg, s.attrs);
}

static void
fb_trace_rect(struct fb_trace *t, const char *op, struct render_rect r)
{
	struct render_pixel_rect p = render_pixel_cells(t->canvas, r);

	fprintf(t->out, "%s %d %d %d %d", op, p.x, p.y, p.w, p.h);
}

static void
fb_trace_begin(void *ctx, int width, int height)
{
	struct fb_trace *t = ctx;

	fprintf(t->out, "frame %d %d %d %d\n", render_pixel_width(t->canvas),
	    render_pixel_height(t->canvas), width, height);
	render_pixel_ops.begin(t->canvas, width, height);
}

static void
fb_trace_fill(void *ctx, struct render_rect r, struct render_style s)
{
	struct fb_trace *t = ctx;

	fb_trace_rect(t, "fill", r);
	fb_trace_style(t->out, s);
	fputc('\n', t->out);
	render_pixel_ops.fill(t->canvas, r, s);
}

static void
fb_trace_text(void *ctx, int x, int y, const char *utf8,
    struct render_style s)
{
	struct fb_trace *t = ctx;
	int n = width_utf8(utf8);

	fb_trace_rect(t, "text", (struct render_rect){ x, y, n, 1 });
	fb_trace_style(t->out, s);
	fprintf(t->out, " %s\n", utf8);
	render_pixel_ops.text(t->canvas, x, y, utf8, s);
}

static void
fb_trace_big(void *ctx, struct render_rect r, const char *text,
    const struct render_big *how, struct render_style s)
{
	struct fb_trace *t = ctx;

	fb_trace_rect(t, "big", r);
	fb_trace_style(t->out, s);
	fprintf(t->out, " %s\n", text);
	render_pixel_ops.big(t->canvas, r, text, how, s);
}

/* "trend X Y W H FG BG ATTRS N ARROW DIRECTION COLOUR ONLY": ARROW 0 or
 * 1, DIRECTION 1, -1 or 0, COLOUR the arrow's RGB, ONLY 1 when the arrow
 * is drawn without its sparkline. */
static void
fb_trace_trend(void *ctx, struct render_rect r, const struct render_trend *tr,
    struct render_style s)
{
	struct fb_trace *t = ctx;

	fb_trace_rect(t, "trend", r);
	fb_trace_style(t->out, s);
	fprintf(t->out, " %zu %d %d %06x %d\n", tr->n, tr->has_arrow,
	    tr->direction, (unsigned)render_pixel_colour(tr->arrow, false),
	    tr->arrow_only);
	render_pixel_ops.trend(t->canvas, r, tr, s);
}

static void
fb_trace_end(void *ctx)
{
	struct fb_trace *t = ctx;

	fflush(t->out);
	render_pixel_ops.end(t->canvas);
}

const struct render_ops fb_trace_ops = {
	.begin = fb_trace_begin,
	.fill = fb_trace_fill,
	.text = fb_trace_text,
	.big = fb_trace_big,
	.end = fb_trace_end,
	.trend = fb_trace_trend,
};
