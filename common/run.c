// SPDX-License-Identifier: GPL-2.0
/* The shared run loop: batched ring buffer draining, timers, signals and lost events. */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/libbpf.h>

#include "err.h"
#include "linkset.h"
#include "out.h"
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

struct drain_ctx {
	const struct run_ops *ops;
	void *ctx;
	int rc;
	size_t bytes;	/* drained since the last look */
};

static int on_record(void *c, void *data, size_t len)
{
	struct drain_ctx *d = c;
	int rc = d->ops->on_event(d->ctx, data, len);

	d->bytes += len;
	if (rc) {
		d->rc = rc;
		return -ECANCELED;	/* stops ring_buffer__consume() */
	}
	return 0;
}

static long ms_until(uint64_t deadline_ns)
{
	uint64_t now = now_ns_mono();

	return deadline_ns > now ? (long)((deadline_ns - now + 999999) / 1000000) : 0;
}

/*
 * How long after a drain began the next may wait: the drain period, or less when at the
 * rate records came in (BYTES in the last SPAN ns) the ring would be a quarter full sooner.
 * The kernel side wakes the reader past a quarter, but not while it sleeps here.
 */
static uint64_t pause_ns(const struct ring *ring, size_t bytes, uint64_t span)
{
	size_t size = ring__size(ring), fill = ring__avail_data_size(ring);
	uint64_t pause = RUN_DRAIN_MS * 1000000ull, room;

	if (fill >= size / 4)
		return 0;
	room = size / 4 - fill;
	/* bytes per span vs room: room / (bytes / span), in integers without overflow */
	if (bytes && span && room < (double)bytes * pause / span)
		pause = (uint64_t)((double)room * span / bytes);
	return pause;
}

static void sleep_ns(uint64_t ns)
{
	struct timespec ts = { ns / 1000000000ull, ns % 1000000000ull };

	nanosleep(&ts, NULL);
}

int run_loop(const struct run_cfg *cfg, const struct run_ops *ops, void *ctx)
{
	struct drain_ctx d = { .ops = ops, .ctx = ctx };
	struct ring_buffer *rb = NULL;
	uint64_t start = now_ns_mono(), next_tick = 0, end = 0;
	struct ring *ring = NULL;
	uint64_t last = start;	/* when the previous drain began */
	bool first = true;
	int err = 0;

	if (cfg->events) {
		rb = ring_buffer__new(bpf_map__fd(cfg->events), on_record, &d, NULL);
		if (!rb)
			return err_report(ERR_RUNTIME, -errno, "cannot open the ring buffer"), -errno;
		ring = ring_buffer__ring(rb, 0);
	}
	if (cfg->interval_ms)
		next_tick = start + cfg->interval_ms * 1000000ull;
	if (cfg->duration_ms)
		end = start + cfg->duration_ms * 1000000ull;
	if (getenv("BPFBOX_READY"))
		fputs("Ready.\n", stderr);
	if (out_flush() == -EPIPE)
		stopping = 1;

	while (!stopping && !d.rc) {
		/* without a ring buffer only timers and signals (which cut poll short) matter */
		long timeout = RUN_IDLE_MS;
		uint64_t woke = 0;

		if (next_tick && ms_until(next_tick) < timeout)
			timeout = ms_until(next_tick);
		if (end && ms_until(end) < timeout)
			timeout = ms_until(end);
		if (rb) {
			/* poll() on the map itself checks for waiting records on every call (an
			 * epoll set would only notice them after a wake-up); it returns at once
			 * while records wait, else at the first wake-up or the timeout */
			struct pollfd pfd = { bpf_map__fd(cfg->events), POLLIN };
			uint64_t before = now_ns_mono();

			poll(&pfd, 1, timeout);
			woke = now_ns_mono();
			/* first drain, or woken from idle: give the burst (e.g. an exec's
			 * entry and its outcome) a moment to arrive whole, so that it is
			 * shown in this drain rather than one period later */
			if ((pfd.revents & POLLIN) &&
			    (first || woke - before > RUN_GATHER_MS * 1000000ull))
				poll(NULL, 0, RUN_GATHER_MS);
			first = false;
			d.bytes = 0;
			err = ring_buffer__consume(rb);
			if (err == -EINTR || err == -ECANCELED)
				err = 0;
			if (err < 0) {
				err_report(ERR_RUNTIME, err, "reading the ring buffer");
				break;
			}
			err = 0;
		} else {
			poll(NULL, 0, timeout);
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
		if (out_flush() == -EPIPE)
			break;
		/* batch: let records gather for the rest of the period, unless the ring is filling */
		if (rb && d.bytes) {
			uint64_t until = woke + pause_ns(ring, d.bytes, woke - last), now;

			last = woke;
			if (end && end < until)
				until = end;
			if (next_tick && next_tick < until)
				until = next_tick;
			now = now_ns_mono();
			/* a signal that came during the drain must not wait out the pause */
			if (until > now && !stopping)
				sleep_ns(until - now);
		}
	}
	if (cfg->links) {
		size_t n = linkset__count(cfg->links);
		uint64_t t = now_ns_mono();

		linkset__release(cfg->links);
		err_debug("detached %zu probes in %.1f ms", n, (now_ns_mono() - t) / 1e6);
	}
	/* whatever was submitted before the stop is still reported */
	if (rb && !d.rc && !out_closed())
		ring_buffer__consume(rb);
	if (ops->on_exit && !out_closed())
		ops->on_exit(ctx);
	if (cfg->lost)
		run_report_lost(*cfg->lost, true);
	out_flush();
	ring_buffer__free(rb);
	return d.rc < 0 ? d.rc : err;
}
