/*
 * fb-drm.h: a DRM/KMS display (/dev/dri/card0) as the framebuffer board's
 * screen, for boxes whose kernel offers no fbdev emulation (no /dev/fb0).
 *
 * The first connected connector, in its preferred mode (the TV's own
 * resolution), on a CRTC one of its encoders can drive, scans out a "dumb"
 * buffer of XRGB8888 that fb.c maps and draws into as into /dev/fb0's
 * memory. The process must be the DRM master: the only one drawing (no
 * X, no Wayland); it lets go while its console is switched away, takes
 * over again when it comes back, and on close puts back the mode it found.
 */
#ifndef WALLBOARD_FB_DRM_H
#define WALLBOARD_FB_DRM_H

#include <stddef.h>
#include <stdint.h>

struct fb_drm;

/* The mapped buffer: width x height pixels, pitch bytes a row. */
struct fb_drm_screen {
	uint8_t *pixels;
	size_t size, pitch;
	int width, height;
};

/*
 * Open the card at path and show a black buffer on its first connected
 * screen. NULL with a sentence in err (not a DRM device, nothing
 * connected, not the master: something else draws). Close with
 * fb_drm_close.
 */
struct fb_drm *fb_drm_open(const char *path, struct fb_drm_screen *,
    char *err, size_t errlen);

/* Let the display go (the console is switched away), and take it back and
 * show our buffer again. */
void fb_drm_release(struct fb_drm *);
void fb_drm_acquire(struct fb_drm *);

/* Put back the mode found, free the buffer; clears the pointer. Accepts
 * NULL. */
void fb_drm_close(struct fb_drm **);

#endif
