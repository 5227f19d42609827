/*
 * fb.c: a framebuffer device or file, and the pixel formats (fb.h).
 */
#include "fb.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fb.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fb-drm.h"
#include "xalloc.h"

struct fb_channel {
	int offset, length;
};

/* A pixel format: how to write a row of XRGB, how to read one pixel. */
struct fb_pixel_ops {
	const char *name;
	void (*put)(const struct fb *, uint8_t *dst, const uint32_t *src,
	    int n);
	uint32_t (*get)(const struct fb *, const uint8_t *src);
};

struct fb {
	char *path;
	int fd;
	bool device;
	bool vsync;             /* FBIO_WAITFORVSYNC works */
	int width, height, bpp;
	size_t line_length;     /* bytes from one row to the next */
	struct fb_channel red, green, blue, transp;
	uint8_t *map;
	size_t map_len;
	uint8_t *screen;        /* the visible page's first pixel */
	const struct fb_pixel_ops *ops;
	struct fb_drm *drm;     /* a KMS display instead of fbdev */
};

/* ---- pixel formats ------------------------------------------------------ */

/* An 8-bit channel into a field of the given width. */
static uint32_t
fb_pack_channel(uint32_t v8, struct fb_channel c)
{
	if (c.length <= 0)
		return 0;
	return (v8 >> (8 - c.length)) << c.offset;
}

static uint32_t
fb_pack(const struct fb *fb, uint32_t xrgb)
{
	uint32_t alpha = fb->transp.length > 0 ?
	    ((1u << fb->transp.length) - 1) << fb->transp.offset : 0;

	return fb_pack_channel((xrgb >> 16) & 0xff, fb->red) |
	    fb_pack_channel((xrgb >> 8) & 0xff, fb->green) |
	    fb_pack_channel(xrgb & 0xff, fb->blue) | alpha;
}

/* A field back to 8 bits, spreading it over the whole range. */
static uint32_t
fb_unpack_channel(uint32_t v, struct fb_channel c)
{
	uint32_t max;

	if (c.length <= 0)
		return 0;
	max = (1u << c.length) - 1;
	return (((v >> c.offset) & max) * 255 + max / 2) / max;
}

static uint32_t
fb_unpack(const struct fb *fb, uint32_t v)
{
	return fb_unpack_channel(v, fb->red) << 16 |
	    fb_unpack_channel(v, fb->green) << 8 |
	    fb_unpack_channel(v, fb->blue);
}

/* 32 bpp laid out as our canvas: a straight copy. */
static void
fb_put_xrgb8888(const struct fb *fb, uint8_t *dst, const uint32_t *src, int n)
{
	memcpy(dst, src, (size_t)n * 4);
}

static void
fb_put_packed32(const struct fb *fb, uint8_t *dst, const uint32_t *src, int n)
{
	uint32_t v;

	for (int i = 0; i < n; i++) {
		v = fb_pack(fb, src[i]);
		memcpy(dst + 4 * i, &v, 4);
	}
}

static uint32_t
fb_get_packed32(const struct fb *fb, const uint8_t *src)
{
	uint32_t v;

	memcpy(&v, src, 4);
	return fb_unpack(fb, v);
}

static void
fb_put_packed24(const struct fb *fb, uint8_t *dst, const uint32_t *src, int n)
{
	uint32_t v;

	for (int i = 0; i < n; i++) {
		v = fb_pack(fb, src[i]);
		dst[3 * i] = v & 0xff;
		dst[3 * i + 1] = (v >> 8) & 0xff;
		dst[3 * i + 2] = (v >> 16) & 0xff;
	}
}

static uint32_t
fb_get_packed24(const struct fb *fb, const uint8_t *src)
{
	return fb_unpack(fb, (uint32_t)src[0] | (uint32_t)src[1] << 8 |
	    (uint32_t)src[2] << 16);
}

static void
fb_put_packed16(const struct fb *fb, uint8_t *dst, const uint32_t *src, int n)
{
	uint16_t v;

	for (int i = 0; i < n; i++) {
		v = (uint16_t)fb_pack(fb, src[i]);
		memcpy(dst + 2 * i, &v, 2);
	}
}

static uint32_t
fb_get_packed16(const struct fb *fb, const uint8_t *src)
{
	uint16_t v;

	memcpy(&v, src, 2);
	return fb_unpack(fb, v);
}

static const struct fb_pixel_ops fb_ops_xrgb8888 = {
	"XRGB8888", fb_put_xrgb8888, fb_get_packed32
};
static const struct fb_pixel_ops fb_ops_packed32 = {
	"32 bpp", fb_put_packed32, fb_get_packed32
};
static const struct fb_pixel_ops fb_ops_packed24 = {
	"24 bpp", fb_put_packed24, fb_get_packed24
};
static const struct fb_pixel_ops fb_ops_rgb565 = {
	"RGB565", fb_put_packed16, fb_get_packed16
};
static const struct fb_pixel_ops fb_ops_packed16 = {
	"16 bpp", fb_put_packed16, fb_get_packed16
};

static bool
fb_channel_is(struct fb_channel c, int offset, int length)
{
	return c.offset == offset && c.length == length;
}

/* The operations for fb's bpp and bitfields; false if we cannot draw. */
static bool
fb_choose_ops(struct fb *fb, char *err, size_t errlen)
{
	const struct fb_channel *c[] = { &fb->red, &fb->green, &fb->blue,
	    &fb->transp };

	for (size_t i = 0; i < sizeof c / sizeof *c; i++) {
		if (c[i]->length < 0 || c[i]->length > 8 || c[i]->offset < 0 ||
		    c[i]->offset + c[i]->length > fb->bpp) {
			snprintf(err, errlen, "%s: unsupported pixel bitfields "
			    "(a channel of %d bits at %d)", fb->path,
			    c[i]->length, c[i]->offset);
			return false;
		}
	}
	if (fb->bpp == 32 && fb_channel_is(fb->red, 16, 8) &&
	    fb_channel_is(fb->green, 8, 8) && fb_channel_is(fb->blue, 0, 8) &&
	    fb->transp.length == 0)
		fb->ops = &fb_ops_xrgb8888;
	else if (fb->bpp == 32)
		fb->ops = &fb_ops_packed32;
	else if (fb->bpp == 24)
		fb->ops = &fb_ops_packed24;
	else if (fb->bpp == 16 && fb_channel_is(fb->red, 11, 5) &&
	    fb_channel_is(fb->green, 5, 6) && fb_channel_is(fb->blue, 0, 5))
		fb->ops = &fb_ops_rgb565;
	else if (fb->bpp == 16)
		fb->ops = &fb_ops_packed16;
	else {
		snprintf(err, errlen, "%s: %d bits per pixel (16, 24 or 32 "
		    "needed)", fb->path, fb->bpp);
		return false;
	}
	return true;
}

/* ---- opening ------------------------------------------------------------ */

static struct fb *
fb_new(const char *path)
{
	struct fb *fb = xcalloc(1, sizeof *fb);

	fb->path = xstrdup(path);
	fb->fd = -1;
	return fb;
}

static bool
fb_map(struct fb *fb, size_t len, char *err, size_t errlen)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fb->fd,
	    0);

	if (p == MAP_FAILED) {
		snprintf(err, errlen, "%s: mmap: %s", fb->path,
		    strerror(errno));
		return false;
	}
	fb->map = p;
	fb->map_len = len;
	return true;
}

static struct fb_channel
fb_channel_from(const struct fb_bitfield *b)
{
	return (struct fb_channel){ (int)b->offset, (int)b->length };
}

/* Geometry, format and the visible page from the kernel. */
static bool
fb_read_device(struct fb *fb, char *err, size_t errlen)
{
	struct fb_fix_screeninfo fix;
	struct fb_var_screeninfo var;

	if (ioctl(fb->fd, FBIOGET_FSCREENINFO, &fix) != 0 ||
	    ioctl(fb->fd, FBIOGET_VSCREENINFO, &var) != 0) {
		snprintf(err, errlen, "%s: not a framebuffer (%s)", fb->path,
		    strerror(errno));
		return false;
	}
	if (fix.type != FB_TYPE_PACKED_PIXELS ||
	    (fix.visual != FB_VISUAL_TRUECOLOR &&
	    fix.visual != FB_VISUAL_DIRECTCOLOR)) {
		snprintf(err, errlen, "%s: not a true-colour framebuffer "
		    "(type %u, visual %u)", fb->path, fix.type, fix.visual);
		return false;
	}
	fb->width = (int)var.xres;
	fb->height = (int)var.yres;
	fb->bpp = (int)var.bits_per_pixel;
	fb->line_length = fix.line_length;
	fb->red = fb_channel_from(&var.red);
	fb->green = fb_channel_from(&var.green);
	fb->blue = fb_channel_from(&var.blue);
	fb->transp = fb_channel_from(&var.transp);
	if (!fb_choose_ops(fb, err, errlen) || !fb_map(fb, fix.smem_len, err,
	    errlen))
		return false;
	if ((var.yoffset + var.yres) * (size_t)fix.line_length > fix.smem_len ||
	    (var.xoffset + var.xres) * (size_t)fb->bpp / 8 > fix.line_length) {
		snprintf(err, errlen, "%s: the visible area lies outside the "
		    "framebuffer's memory", fb->path);
		return false;
	}
	fb->screen = fb->map + var.yoffset * (size_t)fix.line_length +
	    var.xoffset * (size_t)fb->bpp / 8;
	return true;
}

/* A DRM/KMS card: a dumb buffer of XRGB8888 in place of fbdev's memory. */
static struct fb *
fb_open_drm(const char *path, char *err, size_t errlen)
{
	struct fb *fb = fb_new(path);
	struct fb_drm_screen screen;

	if ((fb->drm = fb_drm_open(path, &screen, err, errlen)) == NULL) {
		fb_close(&fb);
		return NULL;
	}
	fb->width = screen.width;
	fb->height = screen.height;
	fb->bpp = 32;
	fb->line_length = screen.pitch;
	fb->red = (struct fb_channel){ 16, 8 };
	fb->green = (struct fb_channel){ 8, 8 };
	fb->blue = (struct fb_channel){ 0, 8 };
	fb->screen = screen.pixels;
	fb->device = true;
	if (!fb_choose_ops(fb, err, errlen)) {
		fb_close(&fb);
		return NULL;
	}
	return fb;
}

struct fb *
fb_open_device(const char *path, char *err, size_t errlen)
{
	struct fb *fb;

	if (strncmp(path, "/dev/dri/", 9) == 0)
		return fb_open_drm(path, err, errlen);
	fb = fb_new(path);

	if ((fb->fd = open(path, O_RDWR | O_CLOEXEC)) < 0) {
		snprintf(err, errlen, "%s: %s%s", path, strerror(errno),
		    errno == EACCES ? " (is the user in the video group?)" : "");
		fb_close(&fb);
		return NULL;
	}
	fb->device = true;
	fb->vsync = true;
	if (!fb_read_device(fb, err, errlen)) {
		fb_close(&fb);
		return NULL;
	}
	return fb;
}

/* The bitfields a typical fbdev driver reports at each depth. */
static void
fb_file_format(struct fb *fb)
{
	if (fb->bpp == 16) {
		fb->red = (struct fb_channel){ 11, 5 };
		fb->green = (struct fb_channel){ 5, 6 };
		fb->blue = (struct fb_channel){ 0, 5 };
	} else {
		fb->red = (struct fb_channel){ 16, 8 };
		fb->green = (struct fb_channel){ 8, 8 };
		fb->blue = (struct fb_channel){ 0, 8 };
	}
}

struct fb *
fb_open_file(const char *path, const struct fb_geometry *g, char *err,
    size_t errlen)
{
	struct fb *fb = fb_new(path);
	size_t len;

	fb->width = g->width;
	fb->height = g->height;
	fb->bpp = g->bpp;
	fb->line_length = (size_t)g->width * (size_t)(g->bpp / 8);
	len = fb->line_length * (size_t)g->height;
	fb_file_format(fb);
	if (g->width < 1 || g->height < 1 || !fb_choose_ops(fb, err, errlen)) {
		if (g->width < 1 || g->height < 1)
			snprintf(err, errlen, "bad geometry %dx%d", g->width,
			    g->height);
		fb_close(&fb);
		return NULL;
	}
	if ((fb->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0 ||
	    ftruncate(fb->fd, (off_t)len) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		fb_close(&fb);
		return NULL;
	}
	if (!fb_map(fb, len, err, errlen)) {
		fb_close(&fb);
		return NULL;
	}
	fb->screen = fb->map;
	return fb;
}

void
fb_close(struct fb **fbp)
{
	struct fb *fb = *fbp;

	if (fb == NULL)
		return;
	*fbp = NULL;
	fb_drm_close(&fb->drm);
	if (fb->map != NULL)
		munmap(fb->map, fb->map_len);
	if (fb->fd >= 0)
		close(fb->fd);
	free(fb->path);
	free(fb);
}

void
fb_release(struct fb *fb)
{
	fb_drm_release(fb->drm);
}

void
fb_acquire(struct fb *fb)
{
	fb_drm_acquire(fb->drm);
}

int
fb_width(const struct fb *fb)
{
	return fb->width;
}

int
fb_height(const struct fb *fb)
{
	return fb->height;
}

int
fb_bpp(const struct fb *fb)
{
	return fb->bpp;
}

const char *
fb_format_name(const struct fb *fb)
{
	return fb->ops->name;
}

/* ---- drawing ------------------------------------------------------------ */

/* Start copying just after a vertical blank where the driver can say when
 * that is; most fbdev drivers cannot, and then this is tried only once. */
static void
fb_wait_vsync(struct fb *fb)
{
	uint32_t crtc = 0;

	if (fb->device && fb->vsync &&
	    ioctl(fb->fd, FBIO_WAITFORVSYNC, &crtc) != 0)
		fb->vsync = false;
}

uint64_t
fb_present(struct fb *fb, const uint32_t *pixels,
    const struct render_pixel_rect *rects, size_t n)
{
	size_t bytes_pp = (size_t)fb->bpp / 8;
	uint64_t bytes = 0;
	int y;

	if (n == 0)
		return 0;
	fb_wait_vsync(fb);
	for (size_t i = 0; i < n; i++) {
		const struct render_pixel_rect *r = &rects[i];

		for (y = r->y; y < r->y + r->h; y++)
			fb->ops->put(fb, fb->screen + (size_t)y *
			    fb->line_length + (size_t)r->x * bytes_pp,
			    pixels + (size_t)y * fb->width + r->x, r->w);
		bytes += (uint64_t)r->w * (uint64_t)r->h * bytes_pp;
	}
	return bytes;
}

int
fb_screenshot(const struct fb *fb, const char *path, char *err,
    size_t errlen)
{
	size_t bytes_pp = (size_t)fb->bpp / 8;
	uint8_t *row = xmalloc((size_t)fb->width * 3);
	FILE *f = fopen(path, "wb");
	int y, x;

	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(row);
		return -1;
	}
	fprintf(f, "P6\n%d %d\n255\n", fb->width, fb->height);
	for (y = 0; y < fb->height; y++) {
		const uint8_t *src = fb->screen + (size_t)y * fb->line_length;

		for (x = 0; x < fb->width; x++) {
			uint32_t c = fb->ops->get(fb, src + x * bytes_pp);

			row[3 * x] = (c >> 16) & 0xff;
			row[3 * x + 1] = (c >> 8) & 0xff;
			row[3 * x + 2] = c & 0xff;
		}
		fwrite(row, 3, (size_t)fb->width, f);
	}
	free(row);
	if ((ferror(f) | fclose(f)) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}
