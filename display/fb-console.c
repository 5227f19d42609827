/*
 * fb-console.c: the virtual console's modes, VT switching, and restoring
 * them on every way out (fb-console.h).
 *
 * What must be undone lives in statics, so that a crash handler can undo
 * it with nothing but ioctl() and write(), which are async-signal-safe.
 */
#include "fb-console.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kd.h>
#include <linux/vt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "log.h"
#include "proc.h"
#include "xalloc.h"

struct fb_console {
	struct proc *proc;
	int fd;                 /* -1: not a virtual console, nothing to do */
	bool visible;
	void (*on_show)(void *);
	void (*on_hide)(void *);
	void *arg;
};

/* What to restore: set while the console is ours. */
static volatile sig_atomic_t fb_console_fd = -1;
static int fb_console_saved_kd = KD_TEXT;
static struct vt_mode fb_console_saved_vt;
static char fb_console_restore_seq[32] = "\033[?25h";

#define FB_CONSOLE_TAKE_SEQ "\033[?25l\033[9;0]"

/* Async-signal-safe: ioctl and write only. */
static void
fb_console_restore(void)
{
	int fd = fb_console_fd;

	if (fd < 0)
		return;
	fb_console_fd = -1;
	ioctl(fd, KDSETMODE, fb_console_saved_kd);
	ioctl(fd, VT_SETMODE, &fb_console_saved_vt);
	if (write(fd, fb_console_restore_seq,
	    strlen(fb_console_restore_seq)) < 0)
		return;
}

/* A crash: give the console back, then die of the same signal. */
static void
fb_console_crash(int signo)
{
	fb_console_restore();
	signal(signo, SIG_DFL);
	raise(signo);
}

static void
fb_console_catch_crashes(void)
{
	static const int signals[] = { SIGSEGV, SIGABRT, SIGBUS, SIGFPE };
	static bool done;
	struct sigaction sa;

	if (done)
		return;
	done = true;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = fb_console_crash;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESETHAND;
	for (size_t i = 0; i < sizeof signals / sizeof *signals; i++)
		sigaction(signals[i], &sa, NULL);
	atexit(fb_console_restore);
}

/*
 * The blanking interval to put back ("\033[9;N]" takes minutes): the
 * kernel's consoleblank (seconds), 0 (never) when it cannot be read.
 */
static void
fb_console_blank_seq(void)
{
	FILE *f = fopen("/sys/module/kernel/parameters/consoleblank", "r");
	int seconds = 0;

	if (f != NULL) {
		if (fscanf(f, "%d", &seconds) != 1 || seconds < 0)
			seconds = 0;
		fclose(f);
	}
	snprintf(fb_console_restore_seq, sizeof fb_console_restore_seq,
	    "\033[?25h\033[9;%d]", (seconds + 59) / 60);
}

/* ---- VT switching ------------------------------------------------------- */

/* Another console is wanted: stop drawing, then let it go. */
static void
fb_console_on_release(int signo, void *arg)
{
	struct fb_console *c = arg;

	c->visible = false;
	if (c->on_hide != NULL)
		c->on_hide(c->arg);
	if (ioctl(c->fd, VT_RELDISP, 1) != 0)
		log_msg(LOG_WARNING, "VT_RELDISP: %s", strerror(errno));
	else
		log_msg(LOG_DEBUG, "console switched away: not drawing");
}

/* Ours again: acknowledge, and have everything repainted. */
static void
fb_console_on_acquire(int signo, void *arg)
{
	struct fb_console *c = arg;

	if (ioctl(c->fd, VT_RELDISP, VT_ACKACQ) != 0)
		log_msg(LOG_WARNING, "VT_RELDISP: %s", strerror(errno));
	c->visible = true;
	log_msg(LOG_DEBUG, "console back: repainting");
	if (c->on_show != NULL)
		c->on_show(c->arg);
}

/* Whether our VT is the one shown now. */
static bool
fb_console_active(int fd)
{
	struct vt_stat state;
	struct stat st;

	if (fstat(fd, &st) != 0 || !S_ISCHR(st.st_mode) ||
	    ioctl(fd, VT_GETSTATE, &state) != 0)
		return true;
	return minor(st.st_rdev) == 0 || state.v_active == minor(st.st_rdev);
}

static bool
fb_console_take(struct fb_console *c, char *err, size_t errlen)
{
	struct vt_mode mode;

	if (ioctl(c->fd, VT_GETMODE, &fb_console_saved_vt) != 0) {
		snprintf(err, errlen, "VT_GETMODE: %s", strerror(errno));
		return false;
	}
	fb_console_blank_seq();
	fb_console_catch_crashes();
	fb_console_fd = c->fd;
	if (write(c->fd, FB_CONSOLE_TAKE_SEQ, strlen(FB_CONSOLE_TAKE_SEQ)) < 0)
		log_msg(LOG_WARNING, "console: %s", strerror(errno));
	if (ioctl(c->fd, KDSETMODE, KD_GRAPHICS) != 0)
		log_msg(LOG_WARNING, "KD_GRAPHICS: %s", strerror(errno));
	proc_signal(c->proc, SIGUSR1, fb_console_on_release, c);
	proc_signal(c->proc, SIGUSR2, fb_console_on_acquire, c);
	memset(&mode, 0, sizeof mode);
	mode.mode = VT_PROCESS;
	mode.relsig = SIGUSR1;
	mode.acqsig = SIGUSR2;
	if (ioctl(c->fd, VT_SETMODE, &mode) != 0)
		log_msg(LOG_WARNING, "VT_SETMODE: %s: drawing regardless of "
		    "VT switches", strerror(errno));
	c->visible = fb_console_active(c->fd);
	return true;
}

struct fb_console *
fb_console_open(struct proc *proc, const char *tty, void (*on_show)(void *),
    void (*on_hide)(void *), void *arg, char *err, size_t errlen)
{
	struct fb_console *c = xcalloc(1, sizeof *c);
	int kd;

	c->proc = proc;
	c->on_show = on_show;
	c->on_hide = on_hide;
	c->arg = arg;
	c->visible = true;
	c->fd = tty != NULL ? open(tty, O_RDWR | O_NOCTTY | O_CLOEXEC) :
	    fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3);
	if (c->fd < 0) {
		snprintf(err, errlen, "%s: %s", tty ? tty : "standard input",
		    strerror(errno));
		free(c);
		return NULL;
	}
	if (ioctl(c->fd, KDGETMODE, &kd) != 0) {
		log_msg(LOG_NOTICE, "%s is not a virtual console: leaving it "
		    "alone", tty ? tty : "standard input");
		close(c->fd);
		c->fd = -1;
		return c;
	}
	fb_console_saved_kd = kd;
	if (!fb_console_take(c, err, errlen)) {
		close(c->fd);
		free(c);
		return NULL;
	}
	return c;
}

bool
fb_console_visible(const struct fb_console *c)
{
	return c == NULL || c->visible;
}

void
fb_console_close(struct fb_console **cp)
{
	struct fb_console *c = *cp;

	if (c == NULL)
		return;
	*cp = NULL;
	if (c->fd >= 0) {
		fb_console_restore();
		close(c->fd);
	}
	free(c);
}

int
fb_console_reset(const char *tty, char *err, size_t errlen)
{
	struct vt_mode mode;
	int fd = open(tty, O_RDWR | O_NOCTTY | O_CLOEXEC), kd;

	if (fd < 0 || ioctl(fd, KDGETMODE, &kd) != 0) {
		snprintf(err, errlen, "%s: %s", tty, fd < 0 ? strerror(errno) :
		    "not a virtual console");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	memset(&mode, 0, sizeof mode);
	mode.mode = VT_AUTO;
	ioctl(fd, VT_SETMODE, &mode);
	ioctl(fd, KDSETMODE, KD_TEXT);
	fb_console_blank_seq();
	if (write(fd, fb_console_restore_seq,
	    strlen(fb_console_restore_seq)) < 0) {
		snprintf(err, errlen, "%s: %s", tty, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}
