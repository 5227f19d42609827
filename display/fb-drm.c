/*
 * fb-drm.c: a DRM/KMS display as a framebuffer (fb-drm.h), with libdrm:
 * the modesetting that fbdev did for us, done once at open.
 */
#include "fb-drm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "log.h"
#include "xalloc.h"

struct fb_drm {
	int fd;
	uint32_t connector, crtc, fb_id, handle;
	drmModeModeInfo mode;
	drmModeCrtc *saved;             /* what was shown, put back at close */
	struct fb_drm_screen screen;
};

/* A CRTC that one of the connector's encoders can drive (its current
 * one first). */
static bool
fb_drm_crtc(struct fb_drm *d, drmModeRes *res, drmModeConnector *conn)
{
	for (int i = -1; i < conn->count_encoders; i++) {
		uint32_t id = i < 0 ? conn->encoder_id :
		    conn->encoders[i];
		drmModeEncoder *enc = id ? drmModeGetEncoder(d->fd, id) : NULL;

		if (enc == NULL)
			continue;
		if (i < 0 && enc->crtc_id) {
			d->crtc = enc->crtc_id;
			drmModeFreeEncoder(enc);
			return true;
		}
		for (int c = 0; c < res->count_crtcs; c++)
			if (enc->possible_crtcs & (1u << c)) {
				d->crtc = res->crtcs[c];
				drmModeFreeEncoder(enc);
				return true;
			}
		drmModeFreeEncoder(enc);
	}
	return false;
}

/* The first connected connector with a mode, its preferred mode, a CRTC. */
static bool
fb_drm_pick(struct fb_drm *d, char *err, size_t errlen)
{
	drmModeRes *res = drmModeGetResources(d->fd);
	bool found = false;

	if (res == NULL) {
		snprintf(err, errlen, "not a KMS device (%s)", strerror(errno));
		return false;
	}
	for (int i = 0; i < res->count_connectors && !found; i++) {
		drmModeConnector *conn = drmModeGetConnector(d->fd,
		    res->connectors[i]);

		if (conn == NULL)
			continue;
		if (conn->connection == DRM_MODE_CONNECTED &&
		    conn->count_modes > 0 && fb_drm_crtc(d, res, conn)) {
			d->connector = conn->connector_id;
			d->mode = conn->modes[0];
			for (int m = 0; m < conn->count_modes; m++)
				if (conn->modes[m].type &
				    DRM_MODE_TYPE_PREFERRED) {
					d->mode = conn->modes[m];
					break;
				}
			found = true;
		}
		drmModeFreeConnector(conn);
	}
	drmModeFreeResources(res);
	if (!found)
		snprintf(err, errlen, "no screen connected");
	return found;
}

/* A dumb buffer the size of the mode, mapped, black. */
static bool
fb_drm_buffer(struct fb_drm *d, char *err, size_t errlen)
{
	struct drm_mode_create_dumb create = { .width = d->mode.hdisplay,
	    .height = d->mode.vdisplay, .bpp = 32 };
	struct drm_mode_map_dumb map = { 0 };
	void *p;

	if (drmIoctl(d->fd, DRM_IOCTL_MODE_CREATE_DUMB, &create) != 0) {
		snprintf(err, errlen, "no dumb buffer (%s)", strerror(errno));
		return false;
	}
	d->handle = create.handle;
	if (drmModeAddFB(d->fd, create.width, create.height, 24, 32,
	    create.pitch, create.handle, &d->fb_id) != 0) {
		snprintf(err, errlen, "drmModeAddFB: %s", strerror(errno));
		return false;
	}
	map.handle = create.handle;
	if (drmIoctl(d->fd, DRM_IOCTL_MODE_MAP_DUMB, &map) != 0 ||
	    (p = mmap(NULL, create.size, PROT_READ | PROT_WRITE, MAP_SHARED,
	    d->fd, (off_t)map.offset)) == MAP_FAILED) {
		snprintf(err, errlen, "mapping the buffer: %s",
		    strerror(errno));
		return false;
	}
	memset(p, 0, create.size);
	d->screen = (struct fb_drm_screen){ p, create.size, create.pitch,
	    create.width, create.height };
	return true;
}

static bool
fb_drm_show(struct fb_drm *d)
{
	return drmModeSetCrtc(d->fd, d->crtc, d->fb_id, 0, 0, &d->connector,
	    1, &d->mode) == 0;
}

struct fb_drm *
fb_drm_open(const char *path, struct fb_drm_screen *screen, char *err,
    size_t errlen)
{
	struct fb_drm *d = xcalloc(1, sizeof *d);
	char why[200] = "";

	if ((d->fd = open(path, O_RDWR | O_CLOEXEC)) < 0)
		snprintf(why, sizeof why, "%s%s", strerror(errno),
		    errno == EACCES ? " (is the user in the video group?)" :
		    "");
	else if (fb_drm_pick(d, why, sizeof why) &&
	    fb_drm_buffer(d, why, sizeof why)) {
		d->saved = drmModeGetCrtc(d->fd, d->crtc);
		if (fb_drm_show(d)) {
			*screen = d->screen;
			log_msg(LOG_INFO, "%s: %s %dx%d@%u", path,
			    d->mode.name, d->mode.hdisplay, d->mode.vdisplay,
			    d->mode.vrefresh);
			return d;
		}
		snprintf(why, sizeof why, "cannot set the mode (%s): is "
		    "something else drawing (X, Wayland)?", strerror(errno));
	}
	snprintf(err, errlen, "%s: %s", path, why);
	fb_drm_close(&d);
	return NULL;
}

void
fb_drm_release(struct fb_drm *d)
{
	if (d != NULL && drmDropMaster(d->fd) != 0)
		log_msg(LOG_WARNING, "drmDropMaster: %s", strerror(errno));
}

void
fb_drm_acquire(struct fb_drm *d)
{
	if (d == NULL)
		return;
	if (drmSetMaster(d->fd) != 0)
		log_msg(LOG_DEBUG, "drmSetMaster: %s", strerror(errno));
	if (!fb_drm_show(d))
		log_msg(LOG_WARNING, "drmModeSetCrtc: %s", strerror(errno));
}

void
fb_drm_close(struct fb_drm **dp)
{
	struct fb_drm *d = *dp;
	struct drm_mode_destroy_dumb destroy;

	if (d == NULL)
		return;
	*dp = NULL;
	if (d->saved != NULL) {
		drmModeSetCrtc(d->fd, d->saved->crtc_id, d->saved->buffer_id,
		    d->saved->x, d->saved->y, &d->connector, 1,
		    &d->saved->mode);
		drmModeFreeCrtc(d->saved);
	}
	if (d->screen.pixels != NULL)
		munmap(d->screen.pixels, d->screen.size);
	if (d->fb_id)
		drmModeRmFB(d->fd, d->fb_id);
	if (d->handle) {
		destroy = (struct drm_mode_destroy_dumb){ .handle = d->handle };
		drmIoctl(d->fd, DRM_IOCTL_MODE_DESTROY_DUMB, &destroy);
	}
	if (d->fd >= 0)
		close(d->fd);
	free(d);
}
