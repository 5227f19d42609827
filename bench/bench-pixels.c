/*
 * bench-pixels.c: event -> pixels, what the floor sees (issue 18, item 3).
 *
 * bench-daemon measures event -> snapshot; this measures until the change
 * is on the screen. For each of two daemon configs, publish on change
 * (publish.max_rate 1000) and the defaults (max_rate 10, heartbeat 1s):
 *
 *   - the real wallboardd ($WALLBOARDD, else $BUILD/wallboardd, else
 *     build/wallboardd) starts as a child with a generated config: loopback
 *     ports found free, a temporary state_dir, HTTP off, one board "pixels"
 *     of six tiles on queue:bench, its first tile the queue's `waiting`;
 *   - the real boards subscribe to it at the same time: wallboard-fb
 *     ($WALLBOARD_FB, else $BUILD/wallboard-fb) drawing into a file
 *     framebuffer (--device FILE --geometry 1920x1080x32, in /dev/shm when
 *     there is one: memory, as a framebuffer is), which this process maps;
 *     and wallboard ($WALLBOARD, else $BUILD/wallboard) in a 120x40 pty
 *     (forkpty, TERM=xterm-256color, C.UTF-8), whose output this process
 *     feeds to libvterm, a terminal emulator, to know the screen's cells;
 *   - another feed, "bg", sends 50 events a second all along (surveys,
 *     which count in `all` only, not on the board): a site that is busy,
 *     so the daemon is publishing anyway and, with the defaults, each
 *     measured event waits for its place in the 10-a-second cycle as it
 *     would on a real floor;
 *   - calibration, after one event each way (so that what only a first
 *     event changes is done): on the framebuffer, the figure is the
 *     rectangle where the layout puts it, read from the same board drawn
 *     once by wallboard-fb --snapshot-file --trace; on the terminal, the
 *     rows that change over a second with no event (the header's clock)
 *     are left out and the cells that differ between `waiting` 0 and 1 are
 *     the figure. The pictures of both figures at 0 and at 1 are kept;
 *   - then SAMPLES events, each 30-130 ms after the last was on both
 *     screens (uniformly at random over 100 ms, the default publish cycle,
 *     so each lands anywhere in it, and anywhere in the boards' 1 s tick),
 *     alternately a call.queued and its call.abandoned on queue:bench: the
 *     figure flips 0 -> 1 -> 0. Before each, both screens must show the
 *     previous figure whole. From just before zmq_send (CLOCK_MONOTONIC) to:
 *       fb:       the first pixel of the figure's rectangle that differs
 *                 (the mapped file polled every 0.2 ms), and to the whole
 *                 rectangle being the new picture;
 *       terminal: the first cell of the figure's rectangle that differs on
 *                 libvterm's screen (the pty read as soon as it is
 *                 readable), and to all of them being the new figure.
 *     A SUB beside the boards stamps each board/pixels snapshot, so each
 *     sample splits into event -> snapshot and snapshot -> screen (roughly:
 *     the SUB is a thread of this process, on the same two cores as the
 *     daemon and both boards, and is sometimes woken after a board).
 *
 *   bench-pixels [-n SAMPLES] [--bg EVENTS_PER_S]
 *
 * SAMPLES per config, default 200 (about 50 s in all); --bg the other
 * feed's rate, default 50. With --bg 0 (a quiet floor) the defaults' rate
 * limit holds an event only when the last snapshot went out less than
 * 100 ms before it (a heartbeat, or the previous event's).
 *
 * Both boards watch the same events, side by side, as two TVs on a floor
 * do; the machine is shared (2 vCPUs), so figures swing between runs. This
 * process looks on the same two cores, and at the moment a snapshot goes
 * out the daemon and both boards want them too, so it may see a change
 * late: the figures are bounds from above, and the time of the look before
 * (no change yet) is printed too, a bound from below.
 *
 * Where the time goes (development machine, 11 runs): publish on change,
 * event -> snapshot p50 about 0.6-1 ms; the framebuffer board then 1.5-2.3
 * ms to its first pixel (it paints the whole 1080p frame and compares it,
 * as bench-fb measures: 1.4 ms), the terminal board 0.5-0.9 ms. Both draw
 * as soon as a snapshot comes; their 1 s tick is only the clock. With the
 * defaults the daemon's rate limit is nearly all of it: an event waits for
 * the next 100 ms slot, 0-100 ms, p50 about 48 ms.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <ftw.h>
#include <locale.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <pty.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <vterm.h>
#include <wchar.h>
#include <zmq.h>

#include "xalloc.h"

#define SAMPLES 200
#define FB_W 1920
#define FB_H 1080
#define FB_BPP 32
#define TERM_ROWS 40
#define TERM_COLS 120
#define BG_RATE 50                      /* the other feed's events a second */
#define GAP_MIN_MS 30                   /* between two measured events */
#define GAP_SPAN_MS 100                 /* a whole cycle at max_rate 10 */
#define FB_POLL_NS 200000               /* the file framebuffer, while timing */
#define SAMPLE_TIMEOUT_NS 3000000000LL
#define STALL_NS 2000000                /* this process looking late */
#define WATCH_CAP 200000
#define BOARD_TOPIC "board/pixels"
#define FIGURE_LABEL "Bench waiting"    /* the measured tile */

/* ---- time and figures ---------------------------------------------------- */

static int64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t
wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
sleep_until(int64_t due_ns)
{
	struct timespec ts = { (time_t)(due_ns / 1000000000),
	    (long)(due_ns % 1000000000) };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile of a sorted array. */
static double
percentile(const double *sorted, size_t n, double p)
{
	size_t rank = (size_t)(p * (double)n + 0.999999);

	if (n == 0)
		return -1;
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return sorted[rank - 1];
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static int bg_rate = BG_RATE;          /* --bg */

static unsigned
rand_below(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

/* ---- children, and leaving none behind ----------------------------------- */

static const char *wallboardd, *wallboard, *wallboard_fb;
static void *zctx;
static pid_t bench_pid;
static volatile sig_atomic_t interrupted;

struct run;
static struct run *current;             /* torn down on any exit */
static void run_teardown(struct run *r);

static void
on_signal(int signo)
{
	interrupted = signo;
}

static void
bench_atexit(void)
{
	if (getpid() == bench_pid && current != NULL)
		run_teardown(current);
}

/* SIGTERM, then SIGKILL after 5 s. */
static void
child_stop(pid_t *pid, const char *what)
{
	int64_t end = mono_ns() + 5000000000LL;
	int wstatus;

	if (*pid <= 0)
		return;
	kill(*pid, SIGTERM);
	while (waitpid(*pid, &wstatus, WNOHANG) == 0) {
		if (mono_ns() > end) {
			fprintf(stderr, "bench-pixels: %s (pid %d) still there 5 s "
			    "after SIGTERM: SIGKILL\n", what, (int)*pid);
			kill(*pid, SIGKILL);
			waitpid(*pid, &wstatus, 0);
			break;
		}
		sleep_until(mono_ns() + 2000000);
	}
	*pid = 0;
}

/* In a child: die with the bench, stdout and stderr to log (if given). */
static void
child_setup(const char *log)
{
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	if (log != NULL) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
	}
	unsetenv("NOTIFY_SOCKET");
}

static int
free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	int port;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) != 0)
		fatal("a free loopback port");
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void
print_file(const char *path)
{
	char line[512];
	FILE *f = fopen(path, "r");

	fprintf(stderr, "--- %s\n", path);
	while (f && fgets(line, sizeof line, f))
		fputs(line, stderr);
	if (f)
		fclose(f);
}

/* ---- one config's run ------------------------------------------------------ */

struct rect {
	int x, y, w, h;
};

/* A screen's cells as libvterm knows them: the characters only. */
struct cell {
	uint32_t ch[VTERM_MAX_CHARS_PER_CELL];
};

struct sample {
	int64_t sent;
	int value;                      /* the figure it makes */
	int64_t fb_first, fb_done, tm_first, tm_done;  /* 0: not seen */
	int64_t fb_before, tm_before;   /* the look before: no change yet */
};

struct run {
	const char *name;
	double max_rate;
	char dir[64], fbpath[128], config[128], state[128];
	char daemon_log[128], fb_log[128];
	char ingest[64], publish[64];
	pid_t daemon, fb, term;
	int pty;                        /* the terminal board's master side */
	VTerm *vt;
	VTermScreen *vs;
	const uint8_t *fbmap;
	size_t fblen;
	void *pub;                      /* our events, to ingest */
	long long seq, calls;
	int value;                      /* waiting, as the last event made it */

	/* the other feed */
	pthread_t bg_th;
	bool bg_on;
	atomic_int bg_stop;

	/* the SUB beside the boards */
	pthread_t w_th;
	pthread_mutex_t w_lock;          /* the newest document: */
	char *w_doc;
	size_t w_doc_len;
	bool w_on;
	atomic_int w_stop;
	int64_t *w_at;
	int *w_val;
	atomic_size_t w_n;

	/* what is watched */
	int tm_band;                    /* rows [0, band) change on their own */
	struct rect fbr, tmr;
	uint8_t *fb_img[2];
	struct cell *tm_img[2];
	uint8_t *fb_cur;
	struct cell *tm_cur, *tm_full;

	struct sample *s;
	size_t n;
};

static void
run_check_children(struct run *r)
{
	struct {
		pid_t *pid;
		const char *what, *log;
	} kids[] = {
		{ &r->daemon, "wallboardd", r->daemon_log },
		{ &r->fb, "wallboard-fb", r->fb_log },
		{ &r->term, "wallboard", NULL },
	};
	int wstatus;

	if (interrupted)
		fatalx("interrupted by signal %d", (int)interrupted);
	for (size_t i = 0; i < sizeof kids / sizeof *kids; i++)
		if (*kids[i].pid > 0 && waitpid(*kids[i].pid, &wstatus,
		    WNOHANG) == *kids[i].pid) {
			*kids[i].pid = 0;
			if (kids[i].log != NULL)
				print_file(kids[i].log);
			fatalx("%s exited (status 0x%x)", kids[i].what, wstatus);
		}
}

/* ---- the daemon ------------------------------------------------------------ */

static void
run_write_config(struct run *r)
{
	FILE *f = fopen(r->config, "w");

	snprintf(r->ingest, sizeof r->ingest, "tcp://127.0.0.1:%d", free_port());
	snprintf(r->publish, sizeof r->publish, "tcp://127.0.0.1:%d", free_port());
	if (f == NULL)
		fatal("%s", r->config);
	fprintf(f, "site: {name: Bench, timezone: UTC}\n"
	    "windows: [15m, 60m]\n"
	    "queues:\n"
	    "  bench: {label: Bench}\n"
	    "ingest: {bind: [\"%s\"]}\n"
	    "publish: {bind: [\"%s\"], max_rate: %g, heartbeat: 1s}\n"
	    "http: {listen: \"off\"}\n"
	    "state_dir: %s\n"
	    "boards:\n"
	    "  pixels:\n"
	    "    title: Pixels\n"
	    "    scopes: [\"queue:bench\"]\n"
	    "    agents: \"queue:bench\"\n"
	    "    pages:\n"
	    "      - title: Now\n"
	    "        tiles:\n"
	    "          - {scope: \"queue:bench\", metric: waiting, label: " FIGURE_LABEL "}\n"
	    "          - {scope: \"queue:bench\", metric: longest_wait_ms}\n"
	    "          - {scope: \"queue:bench\", metric: asa_ms, window: 15m}\n"
	    "          - {scope: \"queue:bench\", metric: agents_ready}\n"
	    "          - {scope: \"queue:bench\", metric: agents_busy}\n"
	    "          - {scope: \"queue:bench\", metric: agents_away}\n",
	    r->ingest, r->publish, r->max_rate, r->state);
	fclose(f);
}

static void
run_spawn_daemon(struct run *r)
{
	r->daemon = fork();
	if (r->daemon < 0)
		fatal("fork");
	if (r->daemon == 0) {
		child_setup(r->daemon_log);
		execl(wallboardd, "wallboardd", "-c", r->config, (char *)NULL);
		fprintf(stderr, "exec %s: %s\n", wallboardd, strerror(errno));
		_exit(127);
	}
}

/* An XPUB connected to endpoint, once the peer's subscription came (so
 * nothing sent is lost); NULL if the daemon is gone or 20 s passed. */
static void *
pub_open(const char *endpoint, pid_t *daemon)
{
	void *sock = zmq_socket(zctx, ZMQ_XPUB);
	int zero = 0, one = 1, timeout = 100;
	int64_t end = mono_ns() + 20000000000LL;
	char buf[256];

	zmq_setsockopt(sock, ZMQ_SNDHWM, &zero, sizeof zero);
	zmq_setsockopt(sock, ZMQ_LINGER, &zero, sizeof zero);
	zmq_setsockopt(sock, ZMQ_XPUB_NODROP, &one, sizeof one);
	zmq_setsockopt(sock, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
	if (zmq_connect(sock, endpoint) != 0)
		fatalx("connect %s: %s", endpoint, zmq_strerror(errno));
	while (zmq_recv(sock, buf, sizeof buf, 0) < 0) {
		int wstatus;

		if (daemon != NULL && waitpid(*daemon, &wstatus, WNOHANG) ==
		    *daemon)
			*daemon = 0;    /* it exited: a port taken, say */
		if (interrupted || mono_ns() > end || (daemon != NULL &&
		    *daemon == 0)) {
			zmq_close(sock);
			return NULL;
		}
	}
	return sock;
}

/* Start the daemon and connect to its ingest; a port taken meanwhile by
 * someone else gets new ports and another try. */
static void
run_start_daemon(struct run *r)
{
	for (int attempt = 0; attempt < 3; attempt++) {
		run_write_config(r);
		run_spawn_daemon(r);
		if ((r->pub = pub_open(r->ingest, &r->daemon)) != NULL)
			return;
		if (interrupted)
			fatalx("interrupted");
		child_stop(&r->daemon, "wallboardd");
	}
	print_file(r->daemon_log);
	fatalx("%s did not start (config %s)", wallboardd, r->config);
}

static void
run_send(struct run *r, int value)
{
	char line[256];
	int len;

	if (value)
		len = snprintf(line, sizeof line, "{\"type\":\"call.queued\","
		    "\"ts\":%lld,\"src\":\"bench\",\"seq\":%lld,\"call\":\"c%lld\","
		    "\"queue\":\"bench\"}", (long long)wall_ms(), ++r->seq,
		    ++r->calls);
	else
		len = snprintf(line, sizeof line, "{\"type\":\"call.abandoned\","
		    "\"ts\":%lld,\"src\":\"bench\",\"seq\":%lld,\"call\":\"c%lld\","
		    "\"queue\":\"bench\"}", (long long)wall_ms(), ++r->seq,
		    r->calls);
	if (zmq_send(r->pub, line, (size_t)len, 0) != len)
		fatalx("send: %s", zmq_strerror(errno));
	r->value = value;
}

/* ---- the other feed: 50 events a second -------------------------------------- */

static void *
bg_run(void *arg)
{
	struct run *r = arg;
	void *sock = pub_open(r->ingest, NULL);
	int64_t t0 = mono_ns();
	char line[160];

	if (sock == NULL)
		return NULL;
	for (long long i = 0; !atomic_load(&r->bg_stop); i++) {
		int len;

		sleep_until(t0 + i * (1000000000LL / bg_rate));
		len = snprintf(line, sizeof line, "{\"type\":\"survey\",\"ts\":%lld,"
		    "\"src\":\"bg\",\"seq\":%lld,\"csat\":%d}", (long long)wall_ms(),
		    i + 1, 1 + (int)(i % 5));
		zmq_send(sock, line, (size_t)len, 0);
	}
	zmq_close(sock);
	return NULL;
}

/* ---- the SUB beside the boards ---------------------------------------------- */

/* The board's figure in a board/pixels document, or -1. */
static int
doc_waiting(const char *json, size_t len)
{
	static const char key[] = "\"now\":{\"waiting\":";
	const char *p = memmem(json, len, key, sizeof key - 1);

	return p ? atoi(p + sizeof key - 1) : -1;
}

static void *
watch_run(void *arg)
{
	struct run *r = arg;
	void *sub = zmq_socket(zctx, ZMQ_SUB);
	int zero = 0, timeout = 50;
	zmq_msg_t topic, body;

	zmq_setsockopt(sub, ZMQ_RCVHWM, &zero, sizeof zero);
	zmq_setsockopt(sub, ZMQ_LINGER, &zero, sizeof zero);
	zmq_setsockopt(sub, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
	zmq_setsockopt(sub, ZMQ_SUBSCRIBE, BOARD_TOPIC, strlen(BOARD_TOPIC));
	zmq_connect(sub, r->publish);
	zmq_msg_init(&topic);
	zmq_msg_init(&body);
	while (!atomic_load(&r->w_stop)) {
		int more = 0;
		size_t len = sizeof more, n;
		int64_t at;

		if (zmq_msg_recv(&topic, sub, 0) < 0)
			continue;
		zmq_getsockopt(sub, ZMQ_RCVMORE, &more, &len);
		if (!more || zmq_msg_recv(&body, sub, 0) < 0)
			continue;
		at = mono_ns();
		if (zmq_msg_size(&topic) != strlen(BOARD_TOPIC) ||
		    memcmp(zmq_msg_data(&topic), BOARD_TOPIC, strlen(BOARD_TOPIC)))
			continue;       /* board/pixels2, say: prefix matching */
		n = atomic_load(&r->w_n);
		if (n == WATCH_CAP)
			continue;
		r->w_at[n] = at;
		r->w_val[n] = doc_waiting(zmq_msg_data(&body), zmq_msg_size(&body));
		pthread_mutex_lock(&r->w_lock);
		free(r->w_doc);
		r->w_doc = xstrndup(zmq_msg_data(&body), zmq_msg_size(&body));
		r->w_doc_len = zmq_msg_size(&body);
		pthread_mutex_unlock(&r->w_lock);
		atomic_store(&r->w_n, n + 1);
	}
	zmq_msg_close(&topic);
	zmq_msg_close(&body);
	zmq_close(sub);
	return NULL;
}

/* ---- the boards ------------------------------------------------------------ */

static void
run_start_fb(struct run *r)
{
	char geometry[32];
	int64_t end = mono_ns() + 10000000000LL;
	struct stat sb;
	int fd;

	snprintf(geometry, sizeof geometry, "%dx%dx%d", FB_W, FB_H, FB_BPP);
	r->fb = fork();
	if (r->fb < 0)
		fatal("fork");
	if (r->fb == 0) {
		child_setup(r->fb_log);
		execl(wallboard_fb, "wallboard-fb", "-c", r->config, "--board",
		    "pixels", "--endpoint", r->publish, "--device", r->fbpath,
		    "--geometry", geometry, (char *)NULL);
		fprintf(stderr, "exec %s: %s\n", wallboard_fb, strerror(errno));
		_exit(127);
	}
	/* The board creates the file and sizes it. */
	r->fblen = (size_t)FB_W * FB_H * (FB_BPP / 8);
	while (stat(r->fbpath, &sb) != 0 || (size_t)sb.st_size != r->fblen) {
		run_check_children(r);
		if (mono_ns() > end)
			fatalx("%s: no framebuffer file from wallboard-fb", r->fbpath);
		sleep_until(mono_ns() + 5000000);
	}
	if ((fd = open(r->fbpath, O_RDONLY)) < 0)
		fatal("%s", r->fbpath);
	r->fbmap = mmap(NULL, r->fblen, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (r->fbmap == MAP_FAILED)
		fatal("mmap %s", r->fbpath);
}

static void
run_start_term(struct run *r)
{
	struct winsize ws = { .ws_row = TERM_ROWS, .ws_col = TERM_COLS };

	r->term = forkpty(&r->pty, NULL, NULL, &ws);
	if (r->term < 0)
		fatal("forkpty");
	if (r->term == 0) {
		child_setup(NULL);
		setenv("TERM", "xterm-256color", 1);
		setenv("LANG", "C.UTF-8", 1);
		setenv("LC_ALL", "C.UTF-8", 1);
		execl(wallboard, "wallboard", "-c", r->config, "--board", "pixels",
		    "--endpoint", r->publish, (char *)NULL);
		fprintf(stderr, "exec %s: %s\n", wallboard, strerror(errno));
		_exit(127);
	}
	fcntl(r->pty, F_SETFL, fcntl(r->pty, F_GETFL) | O_NONBLOCK);
	fcntl(r->pty, F_SETFD, FD_CLOEXEC);
	r->vt = vterm_new(TERM_ROWS, TERM_COLS);
	vterm_set_utf8(r->vt, 1);
	r->vs = vterm_obtain_screen(r->vt);
	vterm_screen_enable_altscreen(r->vs, 1);
	vterm_screen_reset(r->vs, 1);
}

/* Whatever the terminal board wrote, into libvterm (and libvterm's answers
 * back, as a terminal would); true if anything came. */
static bool
run_read_pty(struct run *r)
{
	char buf[65536];
	bool got = false;
	ssize_t n;

	while ((n = read(r->pty, buf, sizeof buf)) > 0) {
		size_t out;

		vterm_input_write(r->vt, buf, (size_t)n);
		got = true;
		while ((out = vterm_output_read(r->vt, buf, sizeof buf)) > 0)
			if (write(r->pty, buf, out) < 0)
				break;
	}
	if (n < 0 && errno != EAGAIN && errno != EINTR && errno != EIO)
		fatal("read the pty");
	return got;
}

/* Keep the pty drained (a board blocked on a full pty would stall) and
 * look after the children until due_ns. */
static void
run_service(struct run *r, int64_t due_ns)
{
	for (;;) {
		int64_t now = mono_ns();
		struct pollfd pfd = { .fd = r->pty, .events = POLLIN };
		int64_t wait = due_ns - now;
		struct timespec ts;

		run_check_children(r);
		if (wait <= 0)
			return;
		if (wait > 50000000)
			wait = 50000000;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)wait;
		if (ppoll(&pfd, 1, &ts, NULL) > 0)
			run_read_pty(r);
	}
}

static void
fb_copy(const struct run *r, struct rect a, uint8_t *to)
{
	size_t row = (size_t)a.w * (FB_BPP / 8);

	for (int y = 0; y < a.h; y++)
		memcpy(to + (size_t)y * row, r->fbmap + ((size_t)(a.y + y) * FB_W +
		    (size_t)a.x) * (FB_BPP / 8), row);
}

static bool
fb_same(const struct run *r, struct rect a, const uint8_t *img)
{
	size_t row = (size_t)a.w * (FB_BPP / 8);

	for (int y = 0; y < a.h; y++)
		if (memcmp(img + (size_t)y * row, r->fbmap + ((size_t)(a.y + y) *
		    FB_W + (size_t)a.x) * (FB_BPP / 8), row) != 0)
			return false;
	return true;
}

static void
tm_copy(const struct run *r, struct rect a, struct cell *to)
{
	VTermScreenCell c;

	for (int y = 0; y < a.h; y++)
		for (int x = 0; x < a.w; x++) {
			struct cell *t = &to[y * a.w + x];

			memset(t, 0, sizeof *t);
			/* the characters up to the first 0: the rest is not set */
			if (vterm_screen_get_cell(r->vs, (VTermPos){ a.y + y, a.x + x },
			    &c))
				for (int i = 0; i < VTERM_MAX_CHARS_PER_CELL &&
				    c.chars[i] != 0; i++)
					t->ch[i] = c.chars[i];
		}
}

/* The figure's cells, in bytes. */
static size_t
tm_bytes(const struct run *r)
{
	return (size_t)r->tmr.w * (size_t)r->tmr.h * sizeof(struct cell);
}

static bool
tm_same(const struct run *r, struct rect a, const struct cell *img)
{
	struct cell *now = r->tm_cur;

	tm_copy(r, a, now);
	return memcmp(now, img, (size_t)a.w * (size_t)a.h * sizeof *now) == 0;
}

/* The terminal board's screen, to stderr: what went wrong. */
static void
tm_dump(const char *what, const struct cell *screen)
{
	fprintf(stderr, "--- the terminal board, %s:\n", what);
	for (int y = 0; y < TERM_ROWS; y++) {
		for (int x = 0; x < TERM_COLS; x++) {
			uint32_t c = screen[y * TERM_COLS + x].ch[0];

			fprintf(stderr, "%lc", c != 0 ? (wint_t)c : L' ');
		}
		fputc('\n', stderr);
	}
}

/* The rectangle where a and b (w x h units of size bytes) differ, rows
 * from `from` on; w = 0 if nowhere. */
static struct rect
diff_box(const uint8_t *a, const uint8_t *b, int w, int h, size_t size,
    int from)
{
	struct rect box = { 0 };
	int x0 = w, x1 = -1, y0 = h, y1 = -1;

	for (int y = from; y < h; y++)
		for (int x = 0; x < w; x++) {
			size_t o = ((size_t)y * (size_t)w + (size_t)x) * size;

			if (memcmp(a + o, b + o, size) != 0) {
				x0 = x < x0 ? x : x0;
				x1 = x > x1 ? x : x1;
				y0 = y < y0 ? y : y0;
				y1 = y > y1 ? y : y1;
			}
		}
	if (x1 >= 0)
		box = (struct rect){ x0, y0, x1 - x0 + 1, y1 - y0 + 1 };
	return box;
}

/* The last row that differs, + 1 (0: none). */
static int
diff_rows(const uint8_t *a, const uint8_t *b, int w, int h, size_t size)
{
	size_t row = (size_t)w * size;

	for (int y = h - 1; y >= 0; y--)
		if (memcmp(a + (size_t)y * row, b + (size_t)y * row, row) != 0)
			return y + 1;
	return 0;
}

/* Cells [a] of a whole screen. */
static void
tm_crop(const struct cell *screen, struct rect a, struct cell *to)
{
	for (int y = 0; y < a.h; y++)
		memcpy(to + y * a.w, screen + (a.y + y) * TERM_COLS + a.x,
		    (size_t)a.w * sizeof *to);
}

/*
 * Where wallboard-fb puts the figure: the board's newest document drawn
 * once by the same program (--snapshot-file) with --trace, which writes
 * each drawing operation in pixels; the figure is the `big` operation
 * after the tile's label. The layout depends on the board, the geometry
 * and the figures, not on the clock, so the live board draws it there too.
 */
static void
run_find_figure(struct run *r)
{
	char doc[160], trace[160], dev[160], geometry[32], line[512];
	bool label = false;
	int wstatus;
	FILE *f;
	pid_t pid;

	snprintf(doc, sizeof doc, "%s/board.json", r->dir);
	snprintf(trace, sizeof trace, "%s/trace.txt", r->dir);
	snprintf(dev, sizeof dev, "%s/trace.fb", r->dir);
	snprintf(geometry, sizeof geometry, "%dx%dx%d", FB_W, FB_H, FB_BPP);
	if ((f = fopen(doc, "w")) == NULL)
		fatal("%s", doc);
	pthread_mutex_lock(&r->w_lock);
	if (r->w_doc != NULL)
		fwrite(r->w_doc, 1, r->w_doc_len, f);
	pthread_mutex_unlock(&r->w_lock);
	fclose(f);
	pid = fork();
	if (pid < 0)
		fatal("fork");
	if (pid == 0) {
		child_setup(r->fb_log);
		execl(wallboard_fb, "wallboard-fb", "-c", r->config, "--board",
		    "pixels", "--device", dev, "--geometry", geometry,
		    "--snapshot-file", doc, "--trace", trace, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &wstatus, 0) != pid || !WIFEXITED(wstatus) ||
	    WEXITSTATUS(wstatus) != 0) {
		print_file(r->fb_log);
		fatalx("wallboard-fb --snapshot-file %s --trace failed", doc);
	}
	unlink(dev);
	if ((f = fopen(trace, "r")) == NULL)
		fatal("%s", trace);
	r->fbr.w = 0;
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, "text ", 5) == 0 && strstr(line, " " FIGURE_LABEL))
			label = true;
		else if (label && sscanf(line, "big %d %d %d %d", &r->fbr.x,
		    &r->fbr.y, &r->fbr.w, &r->fbr.h) == 4)
			break;
	}
	fclose(f);
	if (r->fbr.w <= 0 || r->fbr.h <= 0 || r->fbr.x < 0 || r->fbr.y < 0 ||
	    r->fbr.x + r->fbr.w > FB_W || r->fbr.y + r->fbr.h > FB_H)
		fatalx("%s: no big figure after the label '%s'", trace,
		    FIGURE_LABEL);
}

/*
 * What to watch. Framebuffer: the rectangle the layout gives the figure
 * (run_find_figure). Terminal: the rows that change with no event of ours
 * (the header's clock) are left out, and the cells that differ between the
 * figure at 0 and at 1 are the figure. Both pictures of each are kept.
 */
static void
run_calibrate(struct run *r)
{
	size_t tmn = (size_t)TERM_ROWS * TERM_COLS;
	size_t fbn;
	struct cell *ta = xcalloc(tmn, sizeof *ta), *tb = xcalloc(tmn, sizeof *tb);
	struct rect tmfull = { 0, 0, TERM_COLS, TERM_ROWS };
	int64_t end = mono_ns() + 15000000000LL;

	/* Both boards up: snapshots arriving (the boards drew the first). */
	while (atomic_load(&r->w_n) < 3) {
		if (mono_ns() > end)
			fatalx("the boards did not start in 15 s");
		run_service(r, mono_ns() + 20000000);
	}
	/* Warm up: our feed heard and the figure there and back, so that
	 * what a first event changes once (the data's age, ...) is done. */
	run_service(r, mono_ns() + 1000000000LL);
	run_send(r, 1);
	run_service(r, mono_ns() + 400000000);
	run_send(r, 0);
	run_service(r, mono_ns() + 600000000);

	run_find_figure(r);
	fbn = (size_t)r->fbr.w * (size_t)r->fbr.h * (FB_BPP / 8);
	for (int i = 0; i < 2; i++)
		r->fb_img[i] = xmalloc(fbn);
	r->fb_cur = xmalloc(fbn);

	/* A second and a bit with no event of ours: the terminal's rows that
	 * change anyway (tried again while a board is still drawing). */
	for (int attempt = 0;; attempt++) {
		tm_copy(r, tmfull, ta);
		run_service(r, mono_ns() + 1300000000LL);
		tm_copy(r, tmfull, tb);
		r->tm_band = diff_rows((uint8_t *)ta, (uint8_t *)tb, TERM_COLS,
		    TERM_ROWS, sizeof *ta);
		if (r->tm_band <= TERM_ROWS / 4)
			break;
		if (attempt == 4) {
			tm_dump("before", ta);
			tm_dump("a second later", tb);
			fatalx("with no event, the terminal board changed down to "
			    "row %d of %d: more than the header", r->tm_band,
			    TERM_ROWS);
		}
	}

	/* 0 -> 1: both screens change, then get 300 ms to finish. */
	fb_copy(r, r->fbr, r->fb_img[0]);
	tm_copy(r, tmfull, ta);
	run_send(r, 1);
	end = mono_ns() + 5000000000LL;
	do {
		run_service(r, mono_ns() + 10000000);
		tm_copy(r, tmfull, tb);
	} while ((fb_same(r, r->fbr, r->fb_img[0]) ||
	    diff_rows((uint8_t *)(ta + r->tm_band * TERM_COLS),
	    (uint8_t *)(tb + r->tm_band * TERM_COLS), TERM_COLS,
	    TERM_ROWS - r->tm_band, sizeof *ta) == 0) && mono_ns() < end);
	run_service(r, mono_ns() + 300000000);
	fb_copy(r, r->fbr, r->fb_img[1]);
	tm_copy(r, tmfull, tb);
	r->tmr = diff_box((uint8_t *)ta, (uint8_t *)tb, TERM_COLS, TERM_ROWS,
	    sizeof *ta, r->tm_band);
	if (memcmp(r->fb_img[0], r->fb_img[1], fbn) == 0 || r->tmr.w == 0) {
		tm_dump("before the event", ta);
		tm_dump("after it", tb);
		fatalx("the figure did not change on %s", r->tmr.w == 0 ?
		    "the terminal board" : "the framebuffer board");
	}
	for (int i = 0; i < 2; i++)
		r->tm_img[i] = xcalloc((size_t)r->tmr.w * (size_t)r->tmr.h,
		    sizeof *ta);
	r->tm_cur = xcalloc((size_t)r->tmr.w * (size_t)r->tmr.h, sizeof *ta);
	tm_crop(ta, r->tmr, r->tm_img[0]);
	tm_crop(tb, r->tmr, r->tm_img[1]);

	/* 1 -> 0: back to the first picture, on both. */
	run_send(r, 0);
	end = mono_ns() + 5000000000LL;
	while (!fb_same(r, r->fbr, r->fb_img[0]) ||
	    !tm_same(r, r->tmr, r->tm_img[0])) {
		if (mono_ns() > end)
			fatalx("the figure at 0 did not come back the same on the "
			    "%s", !fb_same(r, r->fbr, r->fb_img[0]) ?
			    "framebuffer board" : "terminal board");
		run_service(r, mono_ns() + 10000000);
	}
	free(ta);
	free(tb);
}

/* Both screens show the figure at r->value, whole; false after 3 s. */
static bool
run_settle(struct run *r)
{
	int64_t end = mono_ns() + SAMPLE_TIMEOUT_NS;

	while (!fb_same(r, r->fbr, r->fb_img[r->value]) ||
	    !tm_same(r, r->tmr, r->tm_img[r->value])) {
		if (mono_ns() > end)
			return false;
		run_service(r, mono_ns() + 1000000);
	}
	return true;
}

/* One event, timed to both screens. */
static void
run_sample(struct run *r, struct sample *s)
{
	int before = r->value, after = !r->value;
	int64_t end, next_fb = 0, last;

	memset(s, 0, sizeof *s);
	s->value = after;
	s->sent = mono_ns();
	run_send(r, after);
	end = s->sent + SAMPLE_TIMEOUT_NS;
	last = s->sent;
	while ((s->fb_done == 0 || s->tm_done == 0) && mono_ns() < end) {
		struct pollfd pfd = { .fd = r->pty, .events = POLLIN };
		/* the framebuffer is polled; the pty wakes us */
		struct timespec ts = { 0, s->fb_done ? 10000000 : FB_POLL_NS };
		bool polling = s->fb_done == 0;
		int64_t now;

		if (ppoll(&pfd, 1, &ts, NULL) > 0 && run_read_pty(r) &&
		    s->tm_done == 0) {
			now = mono_ns();
			tm_copy(r, r->tmr, r->tm_cur);
			if (s->tm_first == 0 && memcmp(r->tm_cur, r->tm_img[before],
			    tm_bytes(r)) != 0) {
				s->tm_first = now;
				s->tm_before = polling ? last : now;
			}
			if (memcmp(r->tm_cur, r->tm_img[after], tm_bytes(r)) == 0)
				s->tm_done = now;
		}
		now = mono_ns();
		if (s->fb_done == 0 && now >= next_fb) {
			if (s->fb_first == 0 && !fb_same(r, r->fbr, r->fb_img[before])) {
				s->fb_first = now;
				s->fb_before = last;
			}
			if (s->fb_first != 0 && fb_same(r, r->fbr, r->fb_img[after]))
				s->fb_done = now;
			next_fb = now + FB_POLL_NS / 2;
		}
		/* While polling, a change is seen at most this late: how long
		 * since we looked (more than 0.2 ms: this process was not run). */
		last = now;
		if (interrupted)
			run_check_children(r);
	}
	run_check_children(r);
}

static void
run_teardown(struct run *r)
{
	if (r->w_on) {
		atomic_store(&r->w_stop, 1);
		pthread_join(r->w_th, NULL);
		r->w_on = false;
	}
	if (r->bg_on) {
		atomic_store(&r->bg_stop, 1);
		pthread_join(r->bg_th, NULL);
		r->bg_on = false;
	}
	if (r->term > 0 && r->vt != NULL) {
		kill(r->term, SIGTERM);
		/* it writes its goodbye to the terminal: let it */
		for (int i = 0; i < 100 && r->term > 0; i++) {
			struct pollfd pfd = { .fd = r->pty, .events = POLLIN };

			if (poll(&pfd, 1, 20) > 0)
				run_read_pty(r);
			if (waitpid(r->term, NULL, WNOHANG) == r->term)
				r->term = 0;
		}
	}
	child_stop(&r->term, "wallboard");
	child_stop(&r->fb, "wallboard-fb");
	child_stop(&r->daemon, "wallboardd");
	if (r->pub != NULL) {
		zmq_close(r->pub);
		r->pub = NULL;
	}
	if (r->pty >= 0) {
		close(r->pty);
		r->pty = -1;
	}
	if (r->vt != NULL) {
		vterm_free(r->vt);
		r->vt = NULL;
	}
	if (r->fbmap != NULL && r->fbmap != MAP_FAILED)
		munmap((void *)r->fbmap, r->fblen);
	r->fbmap = NULL;
	if (r->fbpath[0] != '\0')
		unlink(r->fbpath);
	if (r->dir[0] != '\0')
		nftw(r->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	r->dir[0] = r->fbpath[0] = '\0';
	for (int i = 0; i < 2; i++) {
		free(r->fb_img[i]);
		free(r->tm_img[i]);
		r->fb_img[i] = NULL;
		r->tm_img[i] = NULL;
	}
	free(r->fb_cur);
	free(r->tm_cur);
	free(r->tm_full);
	r->tm_full = NULL;
	free(r->w_at);
	free(r->w_val);
	free(r->w_doc);
	r->w_doc = NULL;
	r->fb_cur = NULL;
	r->tm_cur = NULL;
	r->w_at = NULL;
	r->w_val = NULL;
	if (current == r)
		current = NULL;
}

/* ---- figures --------------------------------------------------------------- */

struct figures {
	double p50, p99, max;
	size_t n;
};

static struct figures
figures_of(double *v, size_t n)
{
	struct figures f = { -1, -1, -1, n };

	qsort(v, n, sizeof *v, cmp_double);
	if (n > 0) {
		f.p50 = percentile(v, n, 0.50);
		f.p99 = percentile(v, n, 0.99);
		f.max = v[n - 1];
	}
	return f;
}

/* A sample's time at field (fb_first...), in ms from its send; -1 if the
 * screen never showed it. */
static double
at_ms(const struct sample *s, int64_t t)
{
	return t > 0 ? (double)(t - s->sent) / 1e6 : -1;
}

struct result {
	struct figures first[2], done[2], snap, after[2], before[2];
	size_t missed[2], unsettled, stalled;
	struct rect fbr, tmr;
	double idle[2];                 /* % of a core, no events (-1: not measured) */
};

#define IDLE_SECONDS 5

/* A process's CPU time so far, in seconds: the sum of its threads' (a
 * board has ZeroMQ's I/O thread besides its own), from schedstat, in ns;
 * else user + system from stat, in clock ticks; -1 if gone. */
static double
proc_cpu_seconds(pid_t pid)
{
	char path[300], buf[1024], *p;
	unsigned long long ut, st, ns, sum = 0;
	struct dirent *de;
	DIR *dir;
	FILE *f;
	size_t n;
	bool any = false;

	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	if ((dir = opendir(path)) != NULL) {
		while ((de = readdir(dir)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof path, "/proc/%d/task/%s/schedstat",
			    (int)pid, de->d_name);
			if ((f = fopen(path, "r")) == NULL)
				continue;
			if (fscanf(f, "%llu", &ns) == 1) {
				sum += ns;
				any = true;
			}
			fclose(f);
		}
		closedir(dir);
		if (any)
			return (double)sum / 1e9;
	}
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* after the command's ")": state is field 3, utime 14, stime 15 */
	if ((p = strrchr(buf, ')')) == NULL || sscanf(p + 2,
	    "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut,
	    &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* No events for IDLE_SECONDS (the other feed stopped): what each board
 * costs while nothing changes but the daemon's heartbeat snapshot and the
 * clock's second. */
static void
run_idle(struct run *r, struct result *res)
{
	pid_t pids[2] = { r->fb, r->term };
	double before[2], t0;

	if (r->bg_on) {
		atomic_store(&r->bg_stop, 1);
		pthread_join(r->bg_th, NULL);
		r->bg_on = false;
	}
	usleep(500000);
	for (int b = 0; b < 2; b++)
		before[b] = proc_cpu_seconds(pids[b]);
	t0 = (double)mono_ns() / 1e9;
	sleep(IDLE_SECONDS);
	for (int b = 0; b < 2; b++) {
		double now = proc_cpu_seconds(pids[b]);

		res->idle[b] = before[b] < 0 || now < 0 ? -1 : 100.0 *
		    (now - before[b]) / ((double)mono_ns() / 1e9 - t0);
	}
}

static void
run_figures(struct run *r, struct result *res)
{
	size_t n = r->n, j = 0, wn = atomic_load(&r->w_n);
	double *first[2], *done[2], *after[2], *before[2];
	double *snap = xcalloc(n, sizeof *snap);
	size_t nf[2] = { 0 }, nd[2] = { 0 }, na[2] = { 0 }, ns = 0;

	for (int b = 0; b < 2; b++) {
		first[b] = xcalloc(n, sizeof *first[b]);
		before[b] = xcalloc(n, sizeof *before[b]);
		done[b] = xcalloc(n, sizeof *done[b]);
		after[b] = xcalloc(n, sizeof *after[b]);
		res->missed[b] = 0;
	}
	for (size_t i = 0; i < n; i++) {
		const struct sample *s = &r->s[i];
		int64_t times[2][3] = { { s->fb_first, s->fb_done, s->fb_before },
		    { s->tm_first, s->tm_done, s->tm_before } };
		int64_t snap_at = 0;

		/* The first board/pixels snapshot after the send that shows it. */
		while (j < wn && r->w_at[j] < s->sent)
			j++;
		for (size_t k = j; k < wn && (i + 1 == n ||
		    r->w_at[k] < r->s[i + 1].sent); k++)
			if (r->w_val[k] == s->value) {
				snap_at = r->w_at[k];
				break;
			}
		if (snap_at > 0)
			snap[ns++] = at_ms(s, snap_at);
		if ((times[0][1] && times[0][0] - times[0][2] > STALL_NS) ||
		    (times[1][1] && times[1][0] - times[1][2] > STALL_NS))
			res->stalled++;
		for (int b = 0; b < 2; b++) {
			if (times[b][1] == 0) {
				res->missed[b]++;
				continue;
			}
			before[b][nf[b]] = at_ms(s, times[b][2]);
			first[b][nf[b]++] = at_ms(s, times[b][0]);
			done[b][nd[b]++] = at_ms(s, times[b][1]);
			if (snap_at > 0)
				after[b][na[b]++] = (double)(times[b][0] - snap_at) / 1e6;
		}
	}
	for (int b = 0; b < 2; b++) {
		res->first[b] = figures_of(first[b], nf[b]);
		res->before[b] = figures_of(before[b], nf[b]);
		free(before[b]);
		res->done[b] = figures_of(done[b], nd[b]);
		res->after[b] = figures_of(after[b], na[b]);
		free(first[b]);
		free(done[b]);
		free(after[b]);
	}
	res->snap = figures_of(snap, ns);
	res->fbr = r->fbr;
	res->tmr = r->tmr;
	free(snap);
}

static void
run_config(const char *name, double max_rate, size_t samples,
    struct result *res)
{
	struct run *r = xcalloc(1, sizeof *r);
	const char *shm = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : NULL;

	r->name = name;
	r->max_rate = max_rate;
	r->pty = -1;
	current = r;
	snprintf(r->dir, sizeof r->dir, "/tmp/wb-bench-pixels-XXXXXX");
	if (mkdtemp(r->dir) == NULL)
		fatal("mkdtemp");
	snprintf(r->config, sizeof r->config, "%s/wallboard.yaml", r->dir);
	snprintf(r->state, sizeof r->state, "%s/state", r->dir);
	snprintf(r->daemon_log, sizeof r->daemon_log, "%s/wallboardd.log", r->dir);
	snprintf(r->fb_log, sizeof r->fb_log, "%s/wallboard-fb.log", r->dir);
	/* the file framebuffer in memory, as a real one is, not on a disk */
	if (shm != NULL)
		snprintf(r->fbpath, sizeof r->fbpath, "%s/%s.fb", shm,
		    strrchr(r->dir, '/') + 1);
	else
		snprintf(r->fbpath, sizeof r->fbpath, "%s/fb", r->dir);
	pthread_mutex_init(&r->w_lock, NULL);
	r->w_at = xcalloc(WATCH_CAP, sizeof *r->w_at);
	r->w_val = xcalloc(WATCH_CAP, sizeof *r->w_val);
	r->s = xcalloc(samples, sizeof *r->s);
	r->tm_full = xcalloc((size_t)TERM_ROWS * TERM_COLS, sizeof *r->tm_full);

	run_start_daemon(r);
	if (pthread_create(&r->w_th, NULL, watch_run, r) != 0)
		fatalx("pthread_create");
	r->w_on = true;
	if (bg_rate > 0) {
		if (pthread_create(&r->bg_th, NULL, bg_run, r) != 0)
			fatalx("pthread_create");
		r->bg_on = true;
	}
	run_start_fb(r);
	run_start_term(r);
	run_calibrate(r);

	for (size_t i = 0; i < samples; i++) {
		run_service(r, mono_ns() + (GAP_MIN_MS + rand_below(GAP_SPAN_MS)) *
		    1000000LL);
		if (!run_settle(r)) {
			if (res->unsettled++ == 0) {
				fprintf(stderr, "bench-pixels: %s: the figure at %d not "
				    "on the %s after 3 s\n", name, r->value,
				    !fb_same(r, r->fbr, r->fb_img[r->value]) ?
				    "framebuffer" : "terminal");
				tm_copy(r, (struct rect){ 0, 0, TERM_COLS, TERM_ROWS },
				    r->tm_full);
				tm_dump("now", r->tm_full);
			}
			if (res->unsettled > 3)
				fatalx("%s: the screens do not settle", name);
			continue;
		}
		run_sample(r, &r->s[r->n++]);
	}
	res->idle[0] = res->idle[1] = -1;
	if (max_rate <= 10)
		run_idle(r, res);
	run_figures(r, res);
	run_teardown(r);
	free(r->s);
	free(r);
}

static void
report(const char *what, const struct figures *f, size_t missed,
    double target)
{
	printf("%s: p50 %.2f ms, p99 %.2f ms, max %.2f ms (target p99 <= %g ms)",
	    what, f->p50, f->p99, f->max, target);
	if (missed > 0)
		printf(" [%zu of the events NOT SHOWN within 3 s]", missed);
	printf("\n");
}

static void
report_config(const char *fb_what, const char *tm_what,
    const struct result *res, double target)
{
	report(fb_what, &res->first[0], res->missed[0], target);
	report(tm_what, &res->first[1], res->missed[1], target);
	printf("    event -> snapshot (a SUB beside the boards): p50 %.2f ms, p99 "
	    "%.2f ms;\n    snapshot -> first pixel: p50 %.2f ms, p99 %.2f ms; "
	    "-> first cell: p50 %.2f ms, p99 %.2f ms;\n    the whole figure "
	    "drawn: fb p99 %.2f ms, terminal p99 %.2f ms; %zu events\n",
	    res->snap.p50, res->snap.p99, res->after[0].p50, res->after[0].p99,
	    res->after[1].p50, res->after[1].p99, res->done[0].p99,
	    res->done[1].p99, res->first[0].n + res->missed[0]);
	printf("    not yet at the look before (a bound from below: this process "
	    "shares the 2 vCPUs\n    with the daemon and both boards, and is "
	    "not always run at once): fb p50 %.2f ms,\n    p99 %.2f ms; "
	    "terminal p50 %.2f ms, p99 %.2f ms; that look over %d ms earlier "
	    "in %zu events\n", res->before[0].p50, res->before[0].p99,
	    res->before[1].p50, res->before[1].p99, STALL_NS / 1000000,
	    res->stalled);
	if (res->unsettled > 0)
		printf("    (%zu events not sent: a screen did not settle on the "
		    "figure before)\n", res->unsettled);
}

int
main(int argc, char **argv)
{
	const char *build = getenv("BUILD");
	/* WB_BENCH_QUICK=1 (CI's proof that it runs): a quarter */
	size_t samples = getenv("WB_BENCH_QUICK") != NULL &&
	    strcmp(getenv("WB_BENCH_QUICK"), "1") == 0 ? SAMPLES / 4 : SAMPLES;
	struct result change = { 0 }, defaults = { 0 };
	int64_t started = mono_ns();
	const char **paths[] = { &wallboardd, &wallboard, &wallboard_fb };
	struct sigaction sa;
	struct stat sb;

	setlocale(LC_ALL, "C.UTF-8");
	for (int i = 1; i < argc; i++) {
		if (i + 1 < argc && strcmp(argv[i], "-n") == 0 &&
		    atoi(argv[i + 1]) > 0)
			samples = (size_t)atoi(argv[++i]);
		else if (i + 1 < argc && strcmp(argv[i], "--bg") == 0 &&
		    atoi(argv[i + 1]) >= 0 && atoi(argv[i + 1]) <= 1000)
			bg_rate = atoi(argv[++i]);
		else {
			fprintf(stderr, "usage: bench-pixels [-n SAMPLES] "
			    "[--bg EVENTS_PER_S]\n");
			return 2;
		}
	}
	if (build == NULL)
		build = "build";
	wallboardd = getenv("WALLBOARDD");
	wallboard = getenv("WALLBOARD");
	wallboard_fb = getenv("WALLBOARD_FB");
	if (wallboardd == NULL)
		wallboardd = xasprintf("%s/wallboardd", build);
	if (wallboard == NULL)
		wallboard = xasprintf("%s/wallboard", build);
	if (wallboard_fb == NULL)
		wallboard_fb = xasprintf("%s/wallboard-fb", build);
	for (size_t i = 0; i < sizeof paths / sizeof *paths; i++)
		if (stat(*paths[i], &sb) != 0)
			fatalx("%s: not built (make %s)", *paths[i], *paths[i]);

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	prctl(PR_SET_TIMERSLACK, 1UL);  /* the 0.2 ms polls on time */
	bench_pid = getpid();
	atexit(bench_atexit);
	zctx = zmq_ctx_new();
	setvbuf(stdout, NULL, _IOLBF, 0);

	printf("== event -> pixels: the real wallboardd and both real boards on "
	    "it, side by side:\n   wallboard-fb on a %dx%dx%d file framebuffer "
	    "(mapped, polled every %.1f ms), wallboard\n   in a %dx%d pty "
	    "(xterm-256color, read through libvterm). An event %d-%d ms after "
	    "the last\n   is on both screens flips queue:bench's waiting tile "
	    "0 <-> 1; %zu events per config,\n   another feed sends %d events/s "
	    "all along. From just before the send to the\n   first pixel (cell) "
	    "of the figure that changes, CLOCK_MONOTONIC\n",
	    FB_W, FB_H, FB_BPP, FB_POLL_NS / 1e6, TERM_COLS, TERM_ROWS,
	    GAP_MIN_MS, GAP_MIN_MS + GAP_SPAN_MS, samples, bg_rate);
	run_config("on change", 1000, samples, &change);
	run_config("defaults", 10, samples, &defaults);
	printf("  (the figure: %dx%d pixels at %d,%d, where wallboard-fb --trace "
	    "puts it; %dx%d cells at %d,%d)\n", change.fbr.w, change.fbr.h,
	    change.fbr.x, change.fbr.y, change.tmr.w, change.tmr.h, change.tmr.x,
	    change.tmr.y);
	report_config("event -> pixels, fb, publish on change (max_rate 1000)",
	    "event -> cells, terminal, publish on change", &change, 20);
	report_config("event -> pixels, fb, defaults (max_rate 10)",
	    "event -> cells, terminal, defaults", &defaults, 150);
	printf("idle, no events for %d s (a heartbeat snapshot and the clock's "
	    "tick each second): wallboard-fb %.3f%% of a core, wallboard "
	    "%.3f%%\n", IDLE_SECONDS, defaults.idle[0], defaults.idle[1]);
	zmq_ctx_term(zctx);
	printf("(bench-pixels took %.0f s; a shared 2-vCPU machine: figures swing "
	    "between runs)\n", (double)(mono_ns() - started) / 1e9);
	return 0;
}
