/*
 * test-drm.c: display/fb-drm.c as far as a machine without a GPU allows.
 * This one has no /dev/dri and no kernel modules to load (no vkms: a
 * container without /lib/modules), so no modesetting runs here; what can
 * run is every way opening a card fails, each said in a sentence naming
 * the path, with nothing left open: a missing card, something that is not
 * a DRM device (a character device, /dev/null; a regular file; a
 * directory), and the functions a board calls on a screen it never got.
 * Where /dev/dri/card0 exists (a CI runner with vkms), it is opened too:
 * a KMS card either gives a screen whose buffer is as large as its pitch
 * and height say, or says why not (not the master, nothing connected).
 */
#include "testutil.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fb-drm.h"

/* File descriptors open now. */
static int
open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* Opening path fails, err starts with the path and holds why. */
static void
fails(const char *path, const char *why)
{
	struct fb_drm_screen screen = { 0 };
	char err[256] = "";
	int before = open_fds();
	struct fb_drm *d = fb_drm_open(path, &screen, err, sizeof err);

	assert_null(d);
	assert_int_equal(strncmp(err, path, strlen(path)), 0);
	if (strstr(err, why) == NULL)
		fail_msg("%s: \"%s\" lacks \"%s\"", path, err, why);
	assert_null(screen.pixels);
	assert_int_equal(open_fds(), before);
}

static void
test_missing(void **state)
{
	fails("/dev/dri/card-none", "No such file or directory");
}

static void
test_not_drm(void **state)
{
	char path[] = "/tmp/test-drm-XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "not a card\n", 11), 11);
	close(fd);
	fails("/dev/null", "not a KMS device");
	fails(path, "not a KMS device");
	unlink(path);
	fails("/tmp", "Is a directory");
}

/* A screen never got: closing, releasing and acquiring are harmless. */
static void
test_null(void **state)
{
	struct fb_drm *d = NULL;

	fb_drm_release(NULL);
	fb_drm_acquire(NULL);
	fb_drm_close(&d);
	assert_null(d);
}

static void
test_card0_if_any(void **state)
{
	struct fb_drm_screen screen = { 0 };
	char err[256] = "";
	struct fb_drm *d;

	if (access("/dev/dri/card0", F_OK) != 0)
		skip();
	d = fb_drm_open("/dev/dri/card0", &screen, err, sizeof err);
	if (d == NULL) {
		assert_int_equal(strncmp(err, "/dev/dri/card0: ", 16), 0);
		return;
	}
	assert_non_null(screen.pixels);
	assert_true(screen.width > 0 && screen.height > 0);
	assert_true(screen.pitch >= (size_t)screen.width * 4);
	assert_true(screen.size >= screen.pitch * (size_t)screen.height);
	/* Black, and ours to draw on. */
	assert_int_equal(screen.pixels[0], 0);
	screen.pixels[screen.size - 1] = 0xff;
	fb_drm_release(d);
	fb_drm_acquire(d);
	fb_drm_close(&d);
	assert_null(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_not_drm),
		cmocka_unit_test(test_null),
		cmocka_unit_test(test_card0_if_any),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
