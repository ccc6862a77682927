// SPDX-License-Identifier: GPL-2.0
/* The shared run loop: batched ring buffer draining, timers, signals and lost events. */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "err.h"
#include "linkset.h"
#include "out.h"
#include "ringread.h"
#include "run.h"

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
	stopping = 1;
}

bool run_stopping(void)
{
	return stopping;
}

void run_stop(void)
{
	stopping = 1;
}

void run_setup(const char *applet)
{
	struct sigaction sa = { .sa_handler = on_signal };

	err_applet = applet;
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: a signal must cut a blocking poll short */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* a closed pipe shows up as EPIPE from the output layer, which ends the run */
	signal(SIGPIPE, SIG_IGN);
	libbpf_set_print(err_libbpf_print);
	/* output is flushed once per drain, not per line */
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
}

void run_report_lost(uint64_t total, bool final)
{
	static uint64_t reported, at;
	uint64_t now = now_ns_mono();

	/* at most a line a second while running: a flood of them would only add to the load */
	if (total > reported && (final || !at || now - at >= 1000000000ull)) {
		err_msg("lost %" PRIu64 " events (%" PRIu64 " in total): the ring buffer was full",
			total - reported, total);
		reported = total;
		at = now;
	}
}

size_t run_ring_size(size_t per_cpu)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t size = 4096;

	while (size < RUN_RING_MAX && (size < 2 * per_cpu || size < (size_t)cpus * per_cpu))
		size <<= 1;
	return size;
}

struct drain_ctx {
	const struct run_ops *ops;
	void *ctx;
	int rc;
	size_t bytes;	/* drained by the last drain */
};

static int on_record(void *c, void *data, size_t len)
{
	struct drain_ctx *d = c;
	int rc = d->ops->on_event(d->ctx, data, len);

	d->bytes += len;
	if (rc) {
		d->rc = rc;
		return -ECANCELED;	/* stops ringread__consume() */
	}
	return 0;
}

static long ms_until(uint64_t deadline_ns)
{
	uint64_t now = now_ns_mono();

	return deadline_ns > now ? (long)((deadline_ns - now + 999999) / 1000000) : 0;
}

/*
 * Waits on the ring (EP, edge-triggered) until UNTIL or a wake-up. Idle, any wake-up ends
 * the wait; between drains only a ring past a quarter full does: the first record after a
 * drain, which found the ring empty, woke the reader too. Returns whether it was woken.
 */
static bool wait_ring(int ep, const struct ringread *ring, uint64_t until, bool idle)
{
	struct epoll_event ev;

	while (!stopping) {
		long ms = ms_until(until);

		if (epoll_wait(ep, &ev, 1, ms) <= 0)
			return false;
		if (idle || ringread__avail(ring) >= ringread__size(ring) / 4)
			return true;
		if (!ms)
			return false;
	}
	return false;
}

int run_loop(const struct run_cfg *cfg, const struct run_ops *ops, void *ctx)
{
	struct drain_ctx d = { .ops = ops, .ctx = ctx };
	struct ringread *rb = NULL;
	uint64_t start = now_ns_mono(), next_tick = 0, end = 0;
	int err = 0, ep = -1;

	if (cfg->events) {
		/*
		 * Edge-triggered: the wait ends at the kernel's next wake-up, not while records
		 * wait. The BPF side wakes the reader for the first record into an empty ring and
		 * for records past a quarter of it (wake_flag()), so between drains the reader
		 * sleeps until the period ends or the ring fills, whichever comes first.
		 */
		struct epoll_event ev = { .events = EPOLLIN | EPOLLET };

		err = ringread__open(&rb, bpf_map__fd(cfg->events));
		if (err)
			return err_report(ERR_RUNTIME, err, "cannot open the ring buffer"), err;
		ep = epoll_create1(EPOLL_CLOEXEC);
		if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, bpf_map__fd(cfg->events), &ev)) {
			err = -errno;
			err_report(ERR_RUNTIME, err, "waiting on the ring buffer");
			goto out;
		}
	}
	if (cfg->interval_ms)
		next_tick = start + cfg->interval_ms * 1000000ull;
	if (cfg->duration_ms)
		end = start + cfg->duration_ms * 1000000ull;
	if (getenv("BPFBOX_READY"))
		fputs("Ready.\n", stderr);
	if (out_flush() < 0)
		stopping = 1;

	while (!stopping && !d.rc) {
		/* idle: only timers and signals (which cut the wait short) bound the wait */
		uint64_t until = now_ns_mono() + (d.bytes ? RUN_DRAIN_MS : RUN_IDLE_MS) * 1000000ull;

		if (next_tick && next_tick < until)
			until = next_tick;
		if (end && end < until)
			until = end;
		if (rb) {
			bool idle = !d.bytes;

			/* woken from idle: give the burst (e.g. an exec's entry and its
			 * outcome) a moment to arrive whole, so that it is shown in this
			 * drain rather than one period later */
			if (wait_ring(ep, rb, until, idle) && idle)
				poll(NULL, 0, RUN_GATHER_MS);
			d.bytes = 0;
			err = ringread__consume(rb, on_record, &d);
			if (err == -ECANCELED)
				err = 0;
			if (err < 0) {
				err_report(ERR_RUNTIME, err, "reading the ring buffer");
				break;
			}
			err = 0;
		} else {
			poll(NULL, 0, ms_until(until));
		}
		if (cfg->lost)
			run_report_lost(*cfg->lost, false);
		if (next_tick && now_ns_mono() >= next_tick) {
			next_tick += cfg->interval_ms * 1000000ull;
			if (ops->on_tick && ops->on_tick(ctx))
				break;
		}
		if (end && now_ns_mono() >= end)
			break;
		if (out_flush() < 0)
			break;
	}
	if (cfg->links) {
		size_t n = linkset__count(cfg->links);
		uint64_t t = now_ns_mono();

		linkset__release(cfg->links);
		err_debug("detached %zu probes in %.1f ms", n, (now_ns_mono() - t) / 1e6);
	}
	/* whatever was submitted before the stop is still reported */
	if (rb && !d.rc && !out_closed())
		ringread__consume(rb, on_record, &d);
	if (ops->on_exit && !out_closed())
		ops->on_exit(ctx);
	if (cfg->lost)
		run_report_lost(*cfg->lost, true);
	out_flush();
out:
	if (ep >= 0)
		close(ep);
	ringread__free(rb);
	return d.rc < 0 ? d.rc : err;
}
