/*
 * fb.h: a Linux framebuffer (/dev/fb0) or a plain file standing in for one.
 *
 * The board draws into a canvas in memory (draw/render-pixel.h) and hands
 * the regions that changed to fb_present(), which converts them to the
 * screen's pixel format and copies them in one pass, top to bottom: the
 * screen never shows a half-drawn frame, only old and new regions.
 *
 * Pixel formats sit behind a table of functions (fbida, psplash): 32 bpp
 * (XRGB8888 straight through when the bitfields match, else packed), 24
 * and 16 bpp (RGB565 or whatever the bitfields say), each honouring the
 * offsets and lengths from FBIOGET_VSCREENINFO.
 */
#ifndef WALLBOARD_FB_H
#define WALLBOARD_FB_H

#include <stddef.h>
#include <stdint.h>

#include "render-pixel.h"

struct fb;

struct fb_geometry {
	int width, height, bpp;
};

/*
 * Open a framebuffer device: its geometry and format from the kernel, its
 * memory mapped. NULL with a sentence in err (not a framebuffer, a pixel
 * format we cannot draw in such as 8 bpp palettes, no permission: the user
 * must be in the video group). A path under /dev/dri/ is a DRM/KMS card
 * instead (fb-drm.h): its first connected screen in its own mode, drawn
 * through a dumb buffer. Close with fb_close.
 */
struct fb *fb_open_device(const char *path, char *err, size_t errlen);

/*
 * A plain file as a framebuffer of g (16, 24 or 32 bpp, the formats a
 * typical fbdev driver has: RGB565, and R, G, B at bits 16, 8, 0), rows
 * packed. Created if missing and sized to fit; mapped like a device, so
 * another process (a test) sees each frame as it lands. Close with fb_close.
 */
struct fb *fb_open_file(const char *path, const struct fb_geometry *g,
    char *err, size_t errlen);

/* Unmap and close; clears the pointer. Accepts NULL. */
void fb_close(struct fb **);

/* The console is switched away: let the display go (a DRM card's master);
 * it is back: take it again. Nothing for fbdev or a file. */
void fb_release(struct fb *);
void fb_acquire(struct fb *);

int fb_width(const struct fb *);
int fb_height(const struct fb *);
int fb_bpp(const struct fb *);
/* "XRGB8888", "RGB565", ... for logs. */
const char *fb_format_name(const struct fb *);

/*
 * Copy rects of pixels (XRGB, fb_width() x fb_height(), rows packed) to the
 * screen, converted. Returns the bytes written to the screen.
 */
uint64_t fb_present(struct fb *, const uint32_t *pixels,
    const struct render_pixel_rect *rects, size_t n);

/* Write what is on the screen now as a binary PPM (P6). -1 with a sentence
 * in err when the file cannot be written. */
int fb_screenshot(const struct fb *, const char *path, char *err,
    size_t errlen);

#endif
