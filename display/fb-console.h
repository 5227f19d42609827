/*
 * fb-console.h: kiosk manners on the Linux console the board draws over.
 *
 * While the board runs, its virtual console shows no cursor, never blanks,
 * and is in graphics mode (KD_GRAPHICS: the kernel stops drawing text over
 * our pixels). VT switching is ours (VT_PROCESS): on a switch away the
 * board stops drawing and lets go; on a switch back it is told to repaint
 * everything. All of it is undone on close, at exit, and on a crash
 * (SIGSEGV, SIGABRT, SIGBUS, SIGFPE) before the process dies; SIGTERM and
 * SIGINT are the caller's, to leave through close. systemd's TTYReset=
 * covers SIGKILL.
 *
 * Not for headless use: the board opens no console when it draws to a file.
 */
#ifndef WALLBOARD_FB_CONSOLE_H
#define WALLBOARD_FB_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

struct proc;
struct fb_console;

/*
 * Take the console tty (a path such as /dev/tty1; NULL for standard
 * input). on_show(arg) is called in the loop when the console comes back
 * into view after a switch away, on_hide(arg) (may be NULL) just before
 * it is let go. If the tty is not a virtual console (the
 * board run from an ssh session, say) nothing is changed and the board
 * counts as always visible. NULL with a sentence in err if tty cannot be
 * opened. Close with fb_console_close.
 */
struct fb_console *fb_console_open(struct proc *, const char *tty,
    void (*on_show)(void *), void (*on_hide)(void *), void *arg, char *err,
    size_t errlen);

/* Whether our console is the one on the screen: draw only then. */
bool fb_console_visible(const struct fb_console *);

/* Give the console back as it was; clears the pointer. Accepts NULL. */
void fb_console_close(struct fb_console **);

/*
 * Put a virtual console left in graphics mode back in text mode with a
 * cursor and automatic VT switching (after a SIGKILL, from a unit's
 * ExecStopPost=). -1 with a sentence in err.
 */
int fb_console_reset(const char *tty, char *err, size_t errlen);

#endif
